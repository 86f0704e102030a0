package dev.talent.env;

import static dev.talent.env.Trees.assertSameTree;
import static dev.talent.env.Trees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A program that fills its directory must not make talent fill the host's disk with copies of it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SyncLimitsTest {

    private static final int KIB = 1024;

    @TempDir Path tmp;

    private static void writeBytes(Path file, int bytes) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] data = new byte[bytes];
        java.util.Arrays.fill(data, (byte) 'x');
        Files.write(file, data);
    }

    private static long allocatedBelow(Path root) throws IOException {
        long total = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                FileEntry entry = FileEntry.read(p);
                if (entry.kind() == FileEntry.Kind.FILE) total += entry.allocated();
            }
        }
        return total;
    }

    @Test
    void aTreeOverTheByteLimitIsRefusedWithAClearErrorAndTheCopyStaysWithinIt() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 10; i++) writeBytes(src.resolve("f" + i), 40 * KIB);
        Path dst = tmp.resolve("dst");
        Path realSrc = src.toRealPath();
        SyncLimits limits = new SyncLimits(200 * KIB, 1000);

        assertThatThrownBy(() -> TreeSync.mirror(src, dst, limits))
                .isInstanceOfSatisfying(SyncLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.BYTES);
                    assertThat(e.maximum()).isEqualTo(200 * KIB);
                    assertThat(e.value()).isGreaterThan(200 * KIB);
                    assertThat(e.tree()).isEqualTo(realSrc);
                })
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("cannot copy " + realSrc + ": over the limit of 204800 (200 KiB) allocated bytes"
                        + " of file data per copy (SyncLimits.maxBytes): ")
                .hasMessageContaining("the copy to " + dst + " stopped there");
        assertThat(allocatedBelow(dst)).isLessThanOrEqualTo(200 * KIB);

        SyncReport fits = TreeSync.mirror(src, tmp.resolve("roomy"), new SyncLimits(500 * KIB, 1000));
        assertThat(fits.treeEntries()).isEqualTo(10);
        assertThat(fits.treeBytes()).isEqualTo(allocatedBelow(tmp.resolve("roomy")));
    }

    @Test
    void sparseFilesCountTheirAllocatedBytesNotTheirLength() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        try (RandomAccessFile file = new RandomAccessFile(src.resolve("huge-but-empty").toFile(), "rw")) {
            file.setLength(1L << 40); // 1 TiB of hole
        }
        SyncReport report = TreeSync.mirror(src, tmp.resolve("dst"), new SyncLimits(64 * KIB, 10));
        assertThat(report.treeBytes()).isLessThanOrEqualTo(4 * KIB);
        assertThat(FileEntry.read(tmp.resolve("dst/huge-but-empty")).size()).isEqualTo(1L << 40);
    }

    @Test
    void tooManyEntriesAreRefused() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 30; i++) write(src.resolve("d" + i % 3 + "/f" + i), "x");
        assertThatThrownBy(() -> TreeSync.mirror(src, tmp.resolve("dst"), new SyncLimits(1L << 30, 20)))
                .isInstanceOfSatisfying(SyncLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.FILES);
                    assertThat(e.value()).isEqualTo(21);
                })
                .hasMessageContaining("over the limit of 20 entries (files, directories and links) per copy (SyncLimits.maxFiles): 21");

        // one directory with more names than the limit is refused before its names are looked at
        Path wide = tmp.resolve("wide");
        for (int i = 0; i < 30; i++) write(wide.resolve("f" + i), "x");
        assertThatThrownBy(() -> TreeSync.mirror(wide, tmp.resolve("dst2"), new SyncLimits(1L << 30, 20)))
                .isInstanceOfSatisfying(SyncLimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.FILES));
    }

    @Test
    void treesTooDeepAreRefused() throws IOException {
        Path src = tmp.resolve("src");
        write(src.resolve("a/b/c/d/e.txt"), "deep");
        assertThatThrownBy(() -> TreeSync.mirror(src, tmp.resolve("dst"), new SyncLimits(1L << 30, 100, 3)))
                .isInstanceOfSatisfying(SyncLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.DEPTH);
                    assertThat(e.value()).isEqualTo(4);
                })
                .hasMessageContaining("over the limit of 3 directory levels per copy (SyncLimits.maxDepth): 4 at a/b/c/d");
        assertThat(TreeSync.mirror(src, tmp.resolve("dst5"), new SyncLimits(1L << 30, 100, 5)).treeEntries()).isEqualTo(5);

        assertThatThrownBy(() -> new SyncLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyncLimits(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathsLongerThanPathMaxAreRefused() throws IOException {
        Path src = tmp.resolve("src");
        String name = "n".repeat(250); // 17 levels: 17 * 251 - 1 > 4095
        Files.createDirectories(src);
        try {
            // made level by level from open directories: the whole path is too long to name from here
            try (Syscalls sys = new Syscalls()) {
                int dir = sys.openRoot(src);
                for (int i = 0; i < 17; i++) {
                    byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    sys.mkdirAt(dir, n, 0700);
                    int next = sys.openAt(dir, n, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY, 0);
                    sys.close(dir);
                    dir = next;
                }
                sys.close(dir);
            }
            assertThatThrownBy(() -> TreeSync.mirror(src, tmp.resolve("dst")))
                    .isInstanceOfSatisfying(SyncLimitExceededException.class, e -> {
                        assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.PATH_BYTES);
                        assertThat(e.value()).isEqualTo(17 * 251 - 1);
                    });
        } finally {
            // JUnit cannot remove paths longer than PATH_MAX; rm works from directory to directory
            Process rm = new ProcessBuilder("rm", "-rf", src.toString(), tmp.resolve("dst").toString()).inheritIO().start();
            try {
                rm.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();   // a throw here would hide the test's own failure
            }
        }
    }

    @Test
    void theJournalCopyCountsTheWholeTree() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 4; i++) writeBytes(src.resolve("f" + i), 40 * KIB);
        Path dst = tmp.resolve("dst");
        SyncLimits limits = new SyncLimits(200 * KIB, 100);
        SyncReport mirrored = TreeSync.mirror(src, dst, limits);
        assertThat(mirrored.treeBytes()).isBetween(160L * KIB, 200L * KIB);

        // 40 KiB more is over: the journal copy knows the 160 KiB already there
        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            writeBytes(src.resolve("f4"), 41 * KIB);
            assertThatThrownBy(() -> TreeSync.copyChanged(src, dst, journal.drain(), limits))
                    .isInstanceOfSatisfying(SyncLimitExceededException.class,
                            e -> assertThat(e.limit()).isEqualTo(SyncLimitExceededException.Limit.BYTES));
        }

        // a file deleted and another written in the same round: room is freed first, no false refusal
        TreeSync.mirror(src, dst, new SyncLimits(1L << 30, 100));
        Files.delete(src.resolve("f4"));
        TreeSync.mirror(src, dst, limits);
        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            Files.delete(src.resolve("f0"));
            Files.delete(src.resolve("f1"));
            writeBytes(src.resolve("a-new-one"), 80 * KIB);
            SyncReport report = TreeSync.copyChanged(src, dst, journal.drain(), limits);
            assertThat(report.mode()).isEqualTo(SyncReport.JOURNAL);
            assertThat(report.treeEntries()).isEqualTo(3);
            assertThat(report.treeBytes()).isEqualTo(allocatedBelow(dst));
        }
        assertSameTree(dst, src);
    }

    @Test
    void aJournalCopyIntoATreeNoSyncRecordedCountsItFirst() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 3; i++) writeBytes(src.resolve("d/f" + i), 8 * KIB);
        Path dst = tmp.resolve("dst");
        TreeSync.mirror(src, dst);
        // forget what the mirror recorded, as in a new process
        try (TreeCopier copier = TreeCopier.open(src.toRealPath(), dst, SyncLimits.DEFAULT, TreeCopier.Hooks.NOTHING)) {
            UsageLedger.forget(copier.destinationKey());
        }
        write(src.resolve("d/new.txt"), "new");
        SyncReport report = TreeSync.copyChanged(src, dst, new Changes.Listed(Set.of(Path.of("d/new.txt"))));
        assertThat(report.treeEntries()).as("d, three files and new.txt").isEqualTo(5);
        assertThat(report.treeBytes()).isEqualTo(allocatedBelow(dst));
    }
}
