package dev.talent.env;

import static dev.talent.env.Trees.assertSameTree;
import static dev.talent.env.Trees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TreeSyncTest {

    @TempDir Path tmp;

    /** A source tree with nested directories, odd modes, times and symbolic links. */
    private Path source() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("top.txt"), "top");
        write(src.resolve("a/b/c/deep.txt"), "deep");
        write(src.resolve("a/setuid.sh"), "#!/bin/sh\n");
        Files.setAttribute(src.resolve("a/setuid.sh"), "unix:mode", 04750);
        Files.setAttribute(src.resolve("a/b"), "unix:mode", 01770);
        Files.createDirectories(src.resolve("empty"));
        Files.createSymbolicLink(src.resolve("relative-link"), Path.of("a/b/c/deep.txt"));
        Files.createSymbolicLink(src.resolve("dangling-link"), Path.of("/nowhere/at/all"));
        Files.createSymbolicLink(src.resolve("dir-link"), tmp); // must be copied as a link, not followed
        Trees.setTime(src.resolve("a/b/c/deep.txt"), 1_500_000_000);
        Trees.setTime(src.resolve("relative-link"), 1_400_000_000);
        Trees.setTime(src.resolve("a/b/c"), 1_300_000_000);
        Trees.setTime(src, 1_200_000_000);
        return src;
    }

    @Test
    void aFullCopyTellsItsProgressAtMostEveryFifthOfASecond() throws IOException {
        Path src = tmp.resolve("many");
        for (int i = 0; i < 40; i++) write(src.resolve("d" + (i % 4) + "/f" + i), "x".repeat(i));
        java.util.List<long[]> told = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        // each look at the clock is 0.1 s later: about every other copied file is told
        TreeCopier.Hooks hooks = TreeSync.progressHooks((files, bytes) -> told.add(new long[] {files, bytes}),
                () -> calls.getAndIncrement() * 100_000_000L);
        SyncReport report = TreeSync.mirror(src, tmp.resolve("copy"), SyncLimits.DEFAULT, hooks);
        assertThat(report.filesCopied()).isEqualTo(40);
        assertThat(told).hasSizeBetween(15, 20);
        for (int i = 1; i < told.size(); i++) {
            assertThat(told.get(i)[0]).isGreaterThan(told.get(i - 1)[0]);
            assertThat(told.get(i)[1]).isGreaterThanOrEqualTo(told.get(i - 1)[1]);
        }
        assertThat(told.getLast()[0]).isLessThanOrEqualTo(40);
        assertThat(told.getLast()[1]).isLessThanOrEqualTo(report.bytesCopied());

        // a clock that does not move: nothing is told; the public form copies as mirror does
        told.clear();
        TreeSync.mirror(src, tmp.resolve("copy2"), SyncLimits.DEFAULT, TreeSync.progressHooks((f, b) -> told.add(new long[] {f, b}), () -> 0L));
        assertThat(told).isEmpty();
        assertThat(TreeSync.mirror(src, tmp.resolve("copy3"), SyncLimits.DEFAULT, (f, b) -> { }).filesCopied()).isEqualTo(40);
        assertSameTree(tmp.resolve("copy3"), src);
    }

    @Test
    void aFullCopyPreservesContentModesTimesAndLinks() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        SyncReport report = TreeSync.mirror(src, dst);
        assertThat(report.mode()).isEqualTo(SyncReport.FULL);
        assertThat(report.filesCopied()).isEqualTo(6);
        assertThat(report.bytesCopied()).isEqualTo("top".length() + "deep".length() + "#!/bin/sh\n".length());
        assertThat(report.filesDeleted()).isZero();
        assertSameTree(dst, src);
        assertThat(Trees.mode(dst.resolve("a/setuid.sh"))).isEqualTo(04750);
        assertThat(Trees.mode(dst.resolve("a/b"))).isEqualTo(01770);
        assertThat(Files.isSymbolicLink(dst.resolve("dir-link"))).isTrue();

        assertThat(TreeSync.mirror(src, Files.createDirectories(tmp.resolve("empty-dst"))).mode())
                .as("an existing empty destination is a full copy too").isEqualTo(SyncReport.FULL);
    }

    /** Enough files in enough directories that the copying threads overlap, with times the copy must keep. */
    private Path manyFiles(int directories, int perDirectory) throws IOException {
        Path src = tmp.resolve("many");
        for (int d = 0; d < directories; d++) {
            Path dir = src.resolve("d" + d);
            for (int f = 0; f < perDirectory; f++) {
                Path file = write(dir.resolve("f" + f + ".txt"), "file " + d + "/" + f + " ".repeat(f % 7 * 100));
                Trees.setTime(file, 1_000_000_000L + d * 1000L + f);
            }
            Trees.setTime(dir, 1_100_000_000L + d);
        }
        Trees.setTime(src, 1_200_000_000L);
        return src;
    }

    @Test
    void aFullCopyOfManyFilesInParallelIsCompleteWithEveryTime() throws IOException {
        Path src = manyFiles(30, 100);
        Path dst = tmp.resolve("many-dst");
        SyncReport report = TreeSync.mirror(src, dst);
        assertThat(report.filesCopied()).isEqualTo(3000);
        assertSameTree(dst, src); // directory times too: set only after every copy into the directory is renamed
        assertThat(TreeSync.mirror(src, dst).filesCopied()).as("a second mirror finds nothing to copy").isZero();
    }

    @Test
    void aCorruptCopyAmongManyFailsTheMirrorAndLeavesNoTemporaryFile() throws IOException {
        Path src = manyFiles(10, 100);
        Path dst = tmp.resolve("many-dst");
        AtomicInteger written = new AtomicInteger();
        TreeCopier.Hooks corruptOne = new TreeCopier.Hooks() {
            @Override
            public void written(Path temporary) throws IOException {
                if (written.incrementAndGet() == 500) Files.write(temporary, new byte[] {'X'}, java.nio.file.StandardOpenOption.WRITE);
            }
        };
        assertThatThrownBy(() -> TreeSync.mirror(src, dst, corruptOne)).isInstanceOf(SyncVerificationException.class);
        try (Stream<Path> left = Files.walk(dst)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".talent-sync"));
        }
        TreeSync.mirror(src, dst);
        assertSameTree(dst, src);
    }

    @Test
    void mirrorCopiesWhatDiffersAndDeletesExtras() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);

        Files.writeString(src.resolve("top.txt"), "top, longer now");
        Files.delete(src.resolve("a/b/c/deep.txt"));
        write(src.resolve("a/new.txt"), "new");
        Files.delete(src.resolve("relative-link"));
        Files.createSymbolicLink(src.resolve("relative-link"), Path.of("top.txt"));
        Files.setAttribute(src.resolve("a/setuid.sh"), "unix:mode", 0600); // mode only: no copy needed
        write(dst.resolve("extra/inside.txt"), "only at the destination");

        SyncReport report = TreeSync.mirror(src, dst);
        assertThat(report.mode()).isEqualTo(SyncReport.MIRROR);
        assertThat(report.filesCopied()).as("top.txt, new.txt, relative-link").isEqualTo(3);
        assertThat(report.filesDeleted()).as("deep.txt, extra/inside.txt, extra").isEqualTo(3);
        assertSameTree(dst, src);

        SyncReport again = TreeSync.mirror(src, dst);
        assertThat(again.filesCopied() + again.filesDeleted()).isZero();
    }

    @Test
    void mirrorReplacesFilesByDirectoriesAndBack() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        Files.delete(src.resolve("top.txt"));
        write(src.resolve("top.txt/now-a-dir.txt"), "x");
        Files.delete(src.resolve("a/b/c/deep.txt"));
        Files.delete(src.resolve("a/b/c"));
        write(src.resolve("a/b/c"), "now a file");
        TreeSync.mirror(src, dst);
        assertSameTree(dst, src);
    }

    @Test
    void copyChangedCopiesOnlyWhatTheJournalListed() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            Files.writeString(src.resolve("a/b/c/deep.txt"), "DEEP"); // same size: copied because it is listed
            write(src.resolve("fresh/sub/one.txt"), "1");
            write(src.resolve("fresh/sub/two.txt"), "22");
            Files.delete(src.resolve("dangling-link"));
            Files.delete(src.resolve("empty"));
            Files.move(src.resolve("a/setuid.sh"), src.resolve("renamed.sh"));
            Files.setAttribute(src.resolve("a/b"), "unix:mode", 0700);

            SyncReport report = TreeSync.copyChanged(src, dst, journal.drain());
            assertThat(report.mode()).isEqualTo(SyncReport.JOURNAL);
            assertThat(report.filesCopied()).as("deep.txt, one.txt, two.txt, renamed.sh").isEqualTo(4);
            assertThat(report.filesDeleted()).as("dangling-link, empty, a/setuid.sh").isEqualTo(3);
            assertSameTree(dst, src);

            assertThat(TreeSync.copyChanged(src, dst, journal.drain()).filesCopied()).isZero();
        }
    }

    @Test
    void copyChangedReplacesTypesAndFallsBackToMirrorOnOverflow() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            Files.delete(src.resolve("top.txt"));
            write(src.resolve("top.txt/inside.txt"), "dir now");
            Files.delete(src.resolve("a/b/c/deep.txt"));
            Files.delete(src.resolve("a/b/c"));
            write(src.resolve("a/b/c"), "file now");
            TreeSync.copyChanged(src, dst, journal.drain());
            assertSameTree(dst, src);
        }

        write(src.resolve("unjournaled.txt"), "seen only by walking");
        SyncReport report = TreeSync.copyChanged(src, dst, Changes.overflow("test: events were lost"));
        assertThat(report.mode()).isEqualTo(SyncReport.MIRROR);
        assertSameTree(dst, src);
    }

    @Test
    void aCopyThatDoesNotReadBackAsWrittenIsNotPutInPlace() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        Files.writeString(src.resolve("top.txt"), "new content");
        AtomicInteger corrupted = new AtomicInteger();
        TreeCopier.Hooks corrupt = new TreeCopier.Hooks() {
            @Override
            public void written(Path temporary) throws IOException {
                corrupted.incrementAndGet();
                Files.writeString(temporary, "new contenT"); // one flipped bit, same size
            }
        };

        assertThatThrownBy(() -> TreeSync.copyChanged(src, dst, new Changes.Listed(Set.of(Path.of("top.txt"))), corrupt))
                .isInstanceOfSatisfying(SyncVerificationException.class, e -> {
                    assertThat(e.path()).isEqualTo(dst.resolve("top.txt"));
                    assertThat(e.operation()).isEqualTo("verify");
                    assertThat(e.expectedSha256()).isNotEqualTo(e.actualSha256()).hasSize(64);
                })
                .hasMessageContaining(dst.resolve("top.txt").toString());
        assertThat(corrupted).hasValue(1);
        assertThat(Files.readString(dst.resolve("top.txt"))).as("the previous version stays").isEqualTo("top");
        try (Stream<Path> left = Files.list(dst)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".talent-sync"));
        }

        TreeSync.copyChanged(src, dst, new Changes.Listed(Set.of(Path.of("top.txt"))));
        assertThat(Files.readString(dst.resolve("top.txt"))).isEqualTo("new content");
    }

    /** Runs {@code action} once, right after the sync has looked at the source entry {@code victim}. */
    private static TreeCopier.Hooks afterStatOf(Path victim, IoAction action) {
        return new TreeCopier.Hooks() {
            private boolean done;

            @Override
            public void statted(Path sourcePath) throws IOException {
                if (done || !sourcePath.equals(victim)) return;
                done = true;
                action.run();
            }
        };
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(path);
        }
    }

    /**
     * The application keeps running while its tree is pre-synced: an entry can go between the moment the sync
     * finds it and the moment it reads it. Such an entry is skipped and counted, not an error; the next sync (the
     * journal lists the directory it went from) brings the copy level.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "a/b, deleted",            // a directory: listing it fails
            "a/b, replaced by a file", // listing it fails with "not a directory"
            "top.txt, deleted",        // a file: opening it fails
            "relative-link, deleted",  // a symbolic link: reading it fails
    })
    void entriesThatVanishWhileTheSyncReadsThemAreSkippedAndLeftForTheNextSync(String entry, String how) throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        Path victim = src.toRealPath().resolve(entry);
        SyncReport report = TreeSync.mirror(src, dst, afterStatOf(victim, () -> {
            if (Files.isDirectory(victim, LinkOption.NOFOLLOW_LINKS)) deleteTree(victim);
            else Files.delete(victim);
            if (how.equals("replaced by a file")) Files.writeString(victim, "now a file");
        }));

        assertThat(report.entriesVanished()).isEqualTo(1);
        assertThat(TreeSync.mirror(src, dst).entriesVanished()).isZero();
        assertSameTree(dst, src);
    }

    @Test
    void aListedFileWhoseDirectoryVanishesIsSkipped() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        deleteTree(dst.resolve("a/b"));
        Path real = src.toRealPath();
        Changes listed = new Changes.Listed(Set.of(Path.of("a/b/c/deep.txt")));

        SyncReport report = TreeSync.copyChanged(src, dst, listed,
                afterStatOf(real.resolve("a/b/c/deep.txt"), () -> deleteTree(real.resolve("a/b"))));

        assertThat(report.entriesVanished()).isEqualTo(1);
        assertThat(report.filesCopied()).isZero();
        TreeSync.copyChanged(src, dst, new Changes.Listed(Set.of(Path.of("a/b"), Path.of("a"))));
        assertSameTree(dst, src);
    }

    @Test
    void theSourceRootVanishingIsAnError() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("dst");
        Path real = src.toRealPath();
        assertThatThrownBy(() -> TreeSync.mirror(src, dst, afterStatOf(real.resolve("top.txt"), () -> deleteTree(real))))
                .isInstanceOf(SyncException.class).hasMessageContaining(real + ": the directory vanished during the sync");
    }

    @Test
    void fifosAreNotCopied() throws Exception {
        Path src = source();
        Process mkfifo = new ProcessBuilder("mkfifo", src.resolve("a/pipe").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        assertThat(Files.exists(dst.resolve("a/pipe"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(dst.resolve("a/b/c/deep.txt"))).isEqualTo("deep");
    }

    @Test
    void errorsNameTheOperationAndThePath() throws IOException {
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> TreeSync.mirror(missing, tmp.resolve("dst")))
                .isInstanceOfSatisfying(SyncException.class, e -> assertThat(e.path()).isEqualTo(missing))
                .hasMessage("cannot sync from " + missing + ": no such file or directory");

        Path src = source();
        assertThatThrownBy(() -> TreeSync.mirror(src, src.resolve("a/inside")))
                .isInstanceOf(SyncException.class).hasMessageContaining("overlap");

        // Root cannot be kept out by permissions; a path through a regular file fails for everyone.
        Path elsewhere = tmp.resolve("elsewhere/top.txt/dst");
        write(tmp.resolve("elsewhere/top.txt"), "a file");
        assertThatThrownBy(() -> TreeSync.mirror(src, elsewhere))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.path()).isEqualTo(elsewhere);
                    assertThat(e.operation()).isEqualTo("create directory");
                })
                .hasMessage("cannot create directory " + elsewhere + ": Not a directory");
    }

    @Test
    void listedDirectoriesCoverEverythingListedBelowThem() {
        Set<Path> listed = Set.of(Path.of("a"), Path.of("a/b/c"), Path.of("ab"), Path.of("x/y"), Path.of("x/y/z"));
        assertThat(TreeSync.outermost(listed)).containsExactly(Path.of("a"), Path.of("ab"), Path.of("x/y"));
        assertThat(TreeSync.outermost(Set.of(Path.of(""), Path.of("a")))).containsExactly(Path.of(""));
    }
}
