package dev.talent.env;

import static dev.talent.env.Trees.assertSameTree;
import static dev.talent.env.Trees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The source tree belongs to a program that may be compromised, and the sync runs as root: links it plants, entries
 * it swaps while the sync reads them, FIFOs and sparse files must neither lead the sync out of the trees nor stall
 * it nor fill the disk. Each test has an "outside" directory standing for the host, checked afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileTreeTest {

    @TempDir Path tmp;
    private Path src;
    private Path dst;
    private Path outside;

    @BeforeEach
    void trees() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        dst = tmp.resolve("dst");
        outside = Files.createDirectories(tmp.resolve("outside"));
        write(outside.resolve("secret.txt"), "host secret");
        write(src.resolve("plain.txt"), "plain");
    }

    @AfterEach
    void walkWithoutOpenat2Off() { Syscalls.forceComponentWalk = false; }

    /** The outside directory holds exactly its secret, unchanged. */
    private void assertOutsideUntouched() throws IOException {
        try (Stream<Path> entries = Files.walk(outside)) {
            assertThat(entries.map(p -> outside.relativize(p).toString())).containsExactlyInAnyOrder("", "secret.txt");
        }
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("host secret");
    }

    /** No file of the destination holds the outside's secret. */
    private void assertSecretNotCopied(Path tree) throws IOException {
        try (Stream<Path> entries = Files.walk(tree)) {
            for (Path p : entries.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) assertThat(Files.readString(p)).doesNotContain("host secret");
            }
        }
    }

    /**
     * The escape of issue 10: the program plants {@code a -> <host dir>}, a migration copies it, then it turns
     * {@code a} into a real directory with a file in it; the next syncs must write that file inside the replica,
     * not through the replica's old link into the host.
     */
    @ParameterizedTest(name = "openat2 unavailable: {0}")
    @ValueSource(booleans = {false, true})
    void aLinkPlantedAndThenReplacedByADirectoryNeverWritesOutsideTheTrees(boolean componentWalk) throws IOException {
        Syscalls.forceComponentWalk = componentWalk;
        Files.createSymbolicLink(src.resolve("a"), outside);
        TreeSync.mirror(src, dst);
        assertThat(Files.readSymbolicLink(dst.resolve("a"))).as("copied as the same link").isEqualTo(outside);

        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            Files.delete(src.resolve("a"));
            write(src.resolve("a/PWNED"), "written by the program");
            Changes changes = journal.drain();
            assertThat(changes).isInstanceOf(Changes.Listed.class);

            // Only the file listed, as if the journal had missed the directory: its parent at the destination is
            // still the link to the outside.
            TreeSync.copyChanged(src, dst, new Changes.Listed(Set.of(Path.of("a/PWNED"))));
            assertOutsideUntouched();
            TreeSync.copyChanged(src, dst, changes);
        }
        assertOutsideUntouched();
        assertThat(Files.isSymbolicLink(dst.resolve("a"))).isFalse();
        assertThat(Files.readString(dst.resolve("a/PWNED"))).isEqualTo("written by the program");
        assertSameTree(dst, src);

        // The replica with the link as the destination of a mirror (a later migration back to it).
        Path replica = tmp.resolve("replica");
        Files.createDirectories(replica);
        Files.createSymbolicLink(replica.resolve("a"), outside);
        TreeSync.mirror(src, replica);
        assertOutsideUntouched();
        assertSameTree(replica, src);
    }

    @Test
    void linksLeavingTheTreeAreCopiedAsTheSameLinksAndNeverRead() throws IOException {
        Map<String, Path> links = Map.of(
                "etc", Path.of("/etc"),
                "shadow", Path.of("/etc/shadow"),
                "up", Path.of("../outside/secret.txt"),
                "updir", Path.of("../../" + tmp.getFileName() + "/outside"),
                "host", outside,
                "proc-root", Path.of("/proc/self/root"));
        for (Map.Entry<String, Path> link : links.entrySet()) Files.createSymbolicLink(src.resolve(link.getKey()), link.getValue());

        SyncReport report = TreeSync.mirror(src, dst);

        for (Map.Entry<String, Path> link : links.entrySet()) {
            assertThat(Files.readSymbolicLink(dst.resolve(link.getKey()))).as(link.getKey()).isEqualTo(link.getValue());
        }
        assertThat(report.bytesCopied()).as("plain.txt only").isEqualTo("plain".length());
        assertSecretNotCopied(dst);
        assertOutsideUntouched();
    }

    /** A path the journal lists below a link (the program made the directory a link) is not in the tree. */
    @ParameterizedTest(name = "openat2 unavailable: {0}")
    @ValueSource(booleans = {false, true})
    void aListedPathBelowALinkIsNeitherReadNorDeletedThrough(boolean componentWalk) throws IOException {
        Syscalls.forceComponentWalk = componentWalk;
        write(src.resolve("deep/d/inside.txt"), "inside");
        Files.createDirectories(outside.resolve("sub"));
        write(outside.resolve("sub/more.txt"), "host secret too");
        TreeSync.mirror(src, dst);
        // the program replaces d by a link to the host; so does the destination (a replica it ran in)
        Files.delete(src.resolve("deep/d/inside.txt"));
        Files.delete(src.resolve("deep/d"));
        Files.createSymbolicLink(src.resolve("deep/d"), outside);
        Path other = tmp.resolve("other");
        TreeSync.mirror(src, other);
        assertThat(Files.isSymbolicLink(other.resolve("deep/d"))).isTrue();

        SyncReport report = TreeSync.copyChanged(src, other,
                new Changes.Listed(Set.of(Path.of("deep/d/secret.txt"), Path.of("deep/d/sub/more.txt"), Path.of("deep/d/sub"))));

        assertThat(report.bytesCopied()).isZero();
        assertThat(report.filesDeleted()).as("nothing deleted through the destination's link").isZero();
        assertThat(Files.readString(outside.resolve("sub/more.txt"))).isEqualTo("host secret too");
        Files.delete(outside.resolve("sub/more.txt"));
        Files.delete(outside.resolve("sub"));
        assertOutsideUntouched();
        assertSecretNotCopied(other);
        assertThat(Files.readSymbolicLink(other.resolve("deep/d"))).isEqualTo(outside);
    }

    /** The source file is swapped for a link to a host file after the sync looked at it, before it opens it. */
    @Test
    void aFileSwappedForALinkAfterItWasLookedAtIsNotFollowed() throws IOException {
        Path victim = src.toRealPath().resolve("plain.txt");
        SyncReport report = TreeSync.mirror(src, dst, afterStatOf(victim, () -> {
            Files.delete(victim);
            Files.createSymbolicLink(victim, outside.resolve("secret.txt"));
        }));

        assertThat(report.entriesVanished()).isEqualTo(1);
        assertThat(Files.exists(dst.resolve("plain.txt"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertSecretNotCopied(dst);

        TreeSync.mirror(src, dst);
        assertThat(Files.readSymbolicLink(dst.resolve("plain.txt"))).as("the next sync copies the link").isEqualTo(outside.resolve("secret.txt"));
        assertSecretNotCopied(dst);
        assertOutsideUntouched();
    }

    /** The same with a directory, swapped for a link to a host directory between being looked at and listed. */
    @Test
    void aDirectorySwappedForALinkAfterItWasLookedAtIsNotListed() throws IOException {
        write(src.resolve("d/inside.txt"), "inside");
        Path victim = src.toRealPath().resolve("d");
        SyncReport report = TreeSync.mirror(src, dst, afterStatOf(victim, () -> {
            Files.delete(victim.resolve("inside.txt"));
            Files.delete(victim);
            Files.createSymbolicLink(victim, outside);
        }));

        assertThat(report.entriesVanished()).isEqualTo(1);
        assertThat(Files.exists(dst.resolve("d/secret.txt"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertSecretNotCopied(dst);
        assertOutsideUntouched();
    }

    @Test
    void aFileSwappedForAFifoAfterItWasLookedAtIsNotOpenedForReading() throws Exception {
        Path victim = src.toRealPath().resolve("plain.txt");
        SyncReport report = TreeSync.mirror(src, dst, afterStatOf(victim, () -> {
            Files.delete(victim);
            mkfifo(victim);
        }));
        assertThat(report.entriesVanished()).isEqualTo(1);
        assertThat(TreeSync.mirror(src, dst).entriesSkipped()).isEqualTo(1);
        assertThat(Files.exists(dst.resolve("plain.txt"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void fifosSocketsAndDevicesAreSkippedNeverOpened() throws Exception {
        mkfifo(src.resolve("pipe"));
        Files.createDirectories(src.resolve("dev"));
        Process mknod = new ProcessBuilder("mknod", src.resolve("dev/zero").toString(), "c", "1", "5")
                .redirectErrorStream(true).start();
        boolean device = mknod.waitFor() == 0; // needs CAP_MKNOD; the FIFO is enough otherwise
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)
                .bind(java.net.UnixDomainSocketAddress.of(src.resolve("socket")))) {
            assertThat(socket.isOpen()).isTrue();
            SyncReport report = TreeSync.mirror(src, dst);
            assertThat(report.entriesSkipped()).isEqualTo(device ? 3 : 2);
            try (ChangeJournal journal = ChangeJournal.watch(src)) {
                Files.writeString(src.resolve("plain.txt"), "changed");
                SyncReport listed = TreeSync.copyChanged(src, dst,
                        journal.drain().and(new Changes.Listed(Set.of(Path.of("pipe"), Path.of("dev/zero"), Path.of("socket")))));
                assertThat(listed.filesCopied()).isEqualTo(1);
            }
        }
        assertThat(Files.exists(dst.resolve("pipe"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dst.resolve("socket"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(dst.resolve("dev/zero"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(dst.resolve("plain.txt"))).isEqualTo("changed");
    }

    /** One lseek + write makes a 1 GiB file of 4 KiB on disk: every copy of it stays that small, and is fast. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aSparseFileStaysSparseAndIsCopiedQuickly() throws IOException {
        byte[] data = "data in the middle of nothing ".repeat(137).substring(0, 4096).getBytes(StandardCharsets.US_ASCII);
        Path sparse = src.resolve("sparse.img");
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.seek(512L << 20);
            file.write(data);
            file.setLength(1L << 30);
        }
        assertThat(FileEntry.read(sparse).allocated()).as("the test's file is sparse").isLessThanOrEqualTo(64 * 1024);

        SyncReport report = TreeSync.mirror(src, dst);

        assertThat(report.millis()).as("well under a second").isLessThan(1000);
        assertThat(report.bytesCopied()).as("the data segment and plain.txt").isLessThanOrEqualTo(64 * 1024 + 5);
        FileEntry copy = FileEntry.read(dst.resolve("sparse.img"));
        assertThat(copy.size()).isEqualTo(1L << 30);
        assertThat(copy.allocated()).as("st_blocks * 512 of the copy").isLessThanOrEqualTo(64 * 1024);
        assertThat(report.treeBytes()).isLessThanOrEqualTo(2 * 64 * 1024);
        try (RandomAccessFile file = new RandomAccessFile(dst.resolve("sparse.img").toFile(), "r")) {
            byte[] back = new byte[4096 + 2];
            file.seek((512L << 20) - 1);
            file.readFully(back);
            assertThat(back[0]).isZero();
            assertThat(back[back.length - 1]).isZero();
            assertThat(new String(back, 1, 4096, StandardCharsets.US_ASCII)).isEqualTo(new String(data, StandardCharsets.US_ASCII));
        }

        // the verification covers the holes: one byte written into a hole of the copy is caught
        Files.writeString(src.resolve("sparse.img.2"), "");
        try (RandomAccessFile file = new RandomAccessFile(src.resolve("sparse.img.2").toFile(), "rw")) {
            file.seek(1L << 20);
            file.write(data);
            file.setLength(1L << 30);
        }
        TreeCopier.Hooks corruptHole = new TreeCopier.Hooks() {
            @Override
            public void written(Path temporary) throws IOException {
                try (RandomAccessFile file = new RandomAccessFile(temporary.toFile(), "rw")) {
                    file.seek(700L << 20);
                    file.write(1);
                }
            }
        };
        assertThatThrownBy(() -> TreeSync.mirror(src, dst, corruptHole)).isInstanceOf(SyncVerificationException.class);
        assertThat(Files.exists(dst.resolve("sparse.img.2"))).isFalse();
    }

    @Test
    void hardLinksAreCopiedAsSeparateFiles() throws IOException {
        Files.createLink(src.resolve("second-name.txt"), src.resolve("plain.txt"));
        TreeSync.mirror(src, dst);
        Object first = Files.getAttribute(dst.resolve("plain.txt"), "unix:ino");
        Object second = Files.getAttribute(dst.resolve("second-name.txt"), "unix:ino");
        assertThat(first).isNotEqualTo(second);
        assertThat(Files.readString(dst.resolve("second-name.txt"))).isEqualTo("plain");
    }

    @Test
    void namesThatAreNotValidInThePathCharsetAreCopiedByteForByte() throws Exception {
        // The name's bytes reach the kernel as they are (the JDK cannot create it: made with the shell).
        Process touch = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'caf\\351')\"").directory(src.toFile()).start();
        assertThat(touch.waitFor()).isZero();
        SyncReport report = TreeSync.mirror(src, dst);
        assertThat(report.filesCopied()).isEqualTo(2);
        Process list = new ProcessBuilder("sh", "-c", "ls | od -An -c | tr -d ' \\n'").directory(dst.toFile()).start();
        assertThat(new String(list.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).contains("caf351");
        assertThat(TreeSync.mirror(src, dst).filesCopied()).as("found equal the second time").isZero();
    }

    private static void mkfifo(Path path) throws IOException {
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
            assertThat(mkfifo.waitFor()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
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
}
