package dev.talent.env;

import static dev.talent.env.Trees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChangeJournalTest {

    @TempDir Path tmp;

    private Path tree() throws IOException { return Files.createDirectories(tmp.resolve("tree")); }

    private static Changes.Listed listed(Changes changes) {
        assertThat(changes).isInstanceOf(Changes.Listed.class);
        return (Changes.Listed) changes;
    }

    private static List<Path> paths(String... paths) {
        List<Path> list = new ArrayList<>();
        for (String p : paths) list.add(Path.of(p));
        return list;
    }

    @Test
    void listsCreatedModifiedAndDeletedFilesOncePerDrain() throws IOException {
        Path root = tree();
        write(root.resolve("old.txt"), "old");
        write(root.resolve("keep/untouched.txt"), "same");
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            assertThat(journal.drain().isEmpty()).isTrue();

            write(root.resolve("new.txt"), "new");
            Files.writeString(root.resolve("old.txt"), "changed");
            Files.delete(root.resolve("keep/untouched.txt"));
            assertThat(listed(journal.drain()).paths())
                    .containsExactlyInAnyOrderElementsOf(paths("new.txt", "old.txt", "keep/untouched.txt"));

            assertThat(journal.drain().isEmpty()).as("a drain empties the journal").isTrue();
        }
    }

    @Test
    void listsRenamesAtBothNamesAndAttributeChanges() throws IOException {
        Path root = tree();
        write(root.resolve("a/from.txt"), "x");
        write(root.resolve("mode.txt"), "x");
        write(root.resolve("time.txt"), "x");
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            Files.move(root.resolve("a/from.txt"), root.resolve("to.txt"));
            Files.setPosixFilePermissions(root.resolve("mode.txt"), PosixFilePermissions.fromString("rwx------"));
            Trees.setTime(root.resolve("time.txt"), 1_000_000);
            assertThat(listed(journal.drain()).paths())
                    .containsExactlyInAnyOrderElementsOf(paths("a/from.txt", "to.txt", "mode.txt", "time.txt"));
        }
    }

    @Test
    void watchesNestedDirectoriesCreatedLaterIncludingFilesWrittenBeforeTheirWatch() throws IOException {
        Path root = tree();
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            // Directories and files created faster than the journal can add watches: the new top directory
            // stands for its whole subtree.
            write(root.resolve("new/deep/deeper/file.txt"), "1");
            assertThat(listed(journal.drain()).paths()).contains(Path.of("new"));
            assertThat(journal.watchedDirectories()).isEqualTo(4);

            // The drain watched the deepest directory: changes there are now listed individually.
            Files.writeString(root.resolve("new/deep/deeper/file.txt"), "2");
            write(root.resolve("new/deep/deeper/more.txt"), "3");
            assertThat(listed(journal.drain()).paths()).containsExactlyInAnyOrderElementsOf(
                    paths("new/deep/deeper/file.txt", "new/deep/deeper/more.txt"));
        }
    }

    @Test
    void followsDirectoriesRenamedWithinTheTreeAndForgetsThoseMovedOut() throws IOException {
        Path root = tree();
        write(root.resolve("d1/sub/f.txt"), "x");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            assertThat(journal.watchedDirectories()).isEqualTo(3);
            Files.move(root.resolve("d1"), root.resolve("d2"));
            assertThat(listed(journal.drain()).paths()).containsExactlyInAnyOrderElementsOf(paths("d1", "d2"));

            Files.writeString(root.resolve("d2/sub/f.txt"), "y");
            assertThat(listed(journal.drain()).paths()).containsExactly(Path.of("d2/sub/f.txt"));

            Files.move(root.resolve("d2"), outside.resolve("d2"));
            assertThat(listed(journal.drain()).paths()).containsExactly(Path.of("d2"));
            assertThat(journal.watchedDirectories()).as("watches of the moved-out directories are removed").isEqualTo(1);

            Files.writeString(outside.resolve("d2/sub/f.txt"), "z");
            assertThat(journal.drain().isEmpty()).as("changes outside the tree are not listed").isTrue();
        }
    }

    @Test
    void deletedDirectoriesReleaseTheirWatches() throws IOException {
        Path root = tree();
        write(root.resolve("gone/a/f.txt"), "x");
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            Files.delete(root.resolve("gone/a/f.txt"));
            Files.delete(root.resolve("gone/a"));
            Files.delete(root.resolve("gone"));
            assertThat(listed(journal.drain()).paths()).contains(Path.of("gone"));
            journal.drain(); // the IN_IGNORED of the removed watches may come in the next read
            assertThat(journal.watchedDirectories()).isEqualTo(1);
        }
    }

    @Test
    void overflowOfTheKernelQueueIsReportedAndTheJournalRecovers() throws IOException {
        long queueLimit;
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
            queueLimit = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        assumeThat(queueLimit).as("fs.inotify.max_queued_events small enough to overflow in a test").isLessThan(200_000);
        Path root = tree();
        Path[] busy = {write(root.resolve("a.txt"), ""), write(root.resolve("b.txt"), "")};
        Path replica = tmp.resolve("replica");
        TreeSync.mirror(root, replica);
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            // Opening for writing and closing queues one IN_CLOSE_WRITE; alternating files keeps the kernel from
            // merging them with the previous event. No data is written, so this is quick.
            for (long i = 0; i <= queueLimit + 100; i++) FileChannel.open(busy[(int) (i & 1)], StandardOpenOption.WRITE).close();
            // Created after the queue filled: its IN_CREATE is lost, yet it must be watched after the overflow.
            Files.createDirectory(root.resolve("late"));

            Changes changes = journal.drain();
            assertThat(changes).isInstanceOf(Changes.Overflow.class);
            assertThat(((Changes.Overflow) changes).reason()).contains("max_queued_events = " + queueLimit);
            assertThat(TreeSync.copyChanged(root, replica, changes).mode()).isEqualTo(SyncReport.MIRROR);
            Trees.assertSameTree(replica, root);

            write(root.resolve("late/f.txt"), "x");
            assertThat(listed(journal.drain()).paths()).containsExactly(Path.of("late/f.txt"));
        }
    }

    @Test
    void theRootItselfDeletedMakesEveryLaterDrainAnOverflow() throws IOException {
        Path root = tree();
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            Files.delete(root);
            Changes first = journal.drain();
            assertThat(first).isInstanceOf(Changes.Overflow.class);
            assertThat(((Changes.Overflow) first).reason()).contains(journal.root().toString(), "deleted");
            assertThat(journal.drain()).isEqualTo(first);
        }
    }

    @Test
    void concurrentWritersAreNeverMissedBetweenDrains() throws Exception {
        Path root = tree();
        Path replica = tmp.resolve("replica");
        TreeSync.mirror(root, replica);
        try (ChangeJournal journal = ChangeJournal.watch(root)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 150; i++) {
                        write(root.resolve("n" + i % 7 + "/d" + i + "/e/f" + i + ".txt"), "v" + i);
                        if (i % 3 == 0) Files.writeString(root.resolve("n" + i % 7 + "/d" + i + "/e/f" + i + ".txt"), "w" + i);
                        if (i % 5 == 0 && i > 0) Files.move(root.resolve("n" + (i - 1) % 7 + "/d" + (i - 1)),
                                root.resolve("n" + i % 7 + "/moved" + i));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (!writer.isDone()) {
                Changes changes = journal.drain();
                assertThat(changes).isInstanceOf(Changes.Listed.class);
                TreeSync.copyChanged(root, replica, changes);
            }
            writer.get(10, TimeUnit.SECONDS);
            SyncReport last = TreeSync.copyChanged(root, replica, journal.drain());
            assertThat(last.mode()).isEqualTo(SyncReport.JOURNAL);
            Trees.assertSameTree(replica, root);
        }
    }

    @Test
    void refusesWhatIsNotADirectoryAndUseAfterClose() throws IOException {
        Path file = write(tmp.resolve("file.txt"), "x");
        assertThatThrownBy(() -> ChangeJournal.watch(file)).isInstanceOf(ChangeJournalException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> ChangeJournal.watch(tmp.resolve("missing"))).isInstanceOf(ChangeJournalException.class)
                .hasMessageContaining("no such file or directory");

        ChangeJournal journal = ChangeJournal.watch(tree());
        journal.close();
        assertThatThrownBy(journal::drain).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /**
     * The tree belongs to the program: a link in it to a host directory, or a directory swapped for such a link
     * before its event is drained, is never listed nor watched (the host's changes are not the tree's).
     */
    @Test
    void linksToDirectoriesOutsideAreNeverWatched() throws IOException {
        Path tree = tree();
        Path outside = Files.createDirectories(tmp.resolve("outside/sub"));
        Files.createSymbolicLink(tree.resolve("planted"), outside.getParent());
        Files.createDirectories(tree.resolve("real"));
        try (ChangeJournal journal = ChangeJournal.watch(tree)) {
            assertThat(journal.watchedDirectories()).as("the root and real/").isEqualTo(2);

            Files.createDirectory(tree.resolve("later"));
            Files.delete(tree.resolve("later"));
            Files.createSymbolicLink(tree.resolve("later"), outside);
            assertThat(listed(journal.drain()).paths()).containsExactlyInAnyOrderElementsOf(paths("later"));
            assertThat(journal.watchedDirectories()).isEqualTo(2);

            write(outside.resolve("host-file"), "changed on the host");
            Files.createDirectory(outside.resolve("host-dir"));
            assertThat(listed(journal.drain()).paths()).isEmpty();
        }
    }
}
