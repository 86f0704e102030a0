package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.talent.format.ByteString;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.Frame;
import dev.talent.format.Meta;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AcceptedCheckpointsTest {
    @TempDir
    Path root;

    private Path programDir;
    private Path acceptedDir;
    private Path destination;

    @BeforeEach
    void dirs() throws IOException {
        programDir = Files.createDirectories(root.resolve("hosts/x86_64/ck"));
        acceptedDir = root.resolve("accepted/app");
        destination = Files.createDirectories(root.resolve("hosts/aarch64/ck"));
    }

    /** A valid checkpoint whose META says {@code sequence} and whose program name is {@code body}. */
    static byte[] checkpoint(long sequence, String body) {
        Meta meta = new Meta("0123456789abcdef0123456789abcdef", body, "x86_64", 64, false, 1L, sequence, "signal", 1, 1,
                "app.c:1:1", "main", List.of(ByteString.utf8("app")));
        return CheckpointWriter.write(new Checkpoint(meta, List.of(), List.of(), List.of(),
                List.of(new Frame("main", 0, 1, "app.c:1:1", List.of())), List.of()));
    }

    private Path write(String name, String body) throws IOException {
        long sequence = Long.parseLong(name.replaceAll("[^0-9]", ""));
        return Files.write(programDir.resolve(name), checkpoint(sequence, body.isEmpty() ? "app" : body));
    }

    private static String program(Path file) throws Exception {
        return CheckpointReader.read(file).meta().program();
    }

    private AcceptedCheckpoints open() throws IOException {
        return AcceptedCheckpoints.open(acceptedDir, "app", 1 << 20);
    }

    @Test
    void takesTheNewestByNumberNotByName() throws Exception {
        write("ckpt-999999.tck", "old");
        write("ckpt-1000000.tck", "new");
        write(".ckpt-1000001.tck.tmp", "partial");
        write("ckpt-2000000.tck.hmac", "not a checkpoint name");
        AcceptedCheckpoints accepted = open();

        AcceptedCheckpoints.Accepted a = accepted.accept(programDir);

        assertThat(a.sequence()).isEqualTo(BigInteger.valueOf(1_000_000));
        assertThat(a.file()).isEqualTo(acceptedDir.resolve("ckpt-1000000.tck"));
        assertThat(program(a.file())).isEqualTo("new");
        accepted.copyInto(a, destination);
        assertThat(program(destination.resolve("ckpt-1000000.tck"))).isEqualTo("new");
        try (var files = Files.list(destination)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void passesOverLinksAndPlantedFilesToTheCheckpointTheRuntimeWrote() throws Exception {
        Path secret = Files.write(root.resolve("shadow"), checkpoint(9, "host secret"));
        Files.createSymbolicLink(programDir.resolve("ckpt-000009.tck"), secret);
        Files.write(programDir.resolve("ckpt-999998.tck"), "TALENTCK but nothing more".getBytes(StandardCharsets.US_ASCII));
        Files.write(programDir.resolve("ckpt-000007.tck"), checkpoint(3, "renamed"));
        write("ckpt-000005.tck", "fine");
        AcceptedCheckpoints accepted = open();
        List<String> passed = new java.util.ArrayList<>();

        AcceptedCheckpoints.Accepted a = accepted.accept(programDir, passed::add);

        assertThat(a.sequence()).isEqualTo(BigInteger.valueOf(5));
        assertThat(program(a.file())).isEqualTo("fine");
        // the link is not even listed as a checkpoint (CheckpointDirectory lists regular files only, without
        // following links); the two planted regular files are passed over with their reasons
        assertThat(passed).hasSize(2);
        assertThat(passed.get(0)).contains("ckpt-999998.tck is not a valid checkpoint (ckpt-999998.tck").endsWith("; refused")
                .doesNotContain(acceptedDir.toString());
        assertThat(passed.get(1)).endsWith("ckpt-000007.tck: the name says sequence 7 but the file says 3; refused");
        assertThat(accepted.list()).hasSize(1);
    }

    @Test
    void refusesWhenNothingIsAcceptable() throws IOException {
        Files.createSymbolicLink(programDir.resolve("ckpt-000010.tck"), Files.write(root.resolve("x"), checkpoint(10, "x")));
        Files.write(programDir.resolve("ckpt-000009.tck"), "TALENTCK but nothing more".getBytes(StandardCharsets.US_ASCII));
        AcceptedCheckpoints accepted = open();
        assertThatThrownBy(() -> accepted.accept(programDir)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("no checkpoint of " + programDir + " is acceptable: ")
                .hasMessageContaining("ckpt-000009.tck is not a valid checkpoint")
                .hasMessageNotContaining("ckpt-000010.tck");
        assertThat(accepted.list()).isEmpty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void neverOpensAFifo() throws Exception {
        Path fifo = programDir.resolve("ckpt-000009.tck");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Files.createSymbolicLink(programDir.resolve("ckpt-000010.tck"), fifo);
        AcceptedCheckpoints accepted = open();
        // not listed as a checkpoint at all (nor the link to it); an open would block forever
        assertThatThrownBy(() -> accepted.accept(programDir)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("holds no checkpoint");
    }

    @Test
    void refusesAnEmptyDirectoryAFileTooLargeAndAFileThatIsNoCheckpoint() throws IOException {
        AcceptedCheckpoints accepted = open();
        assertThatThrownBy(() -> accepted.accept(programDir)).hasMessageContaining("holds no checkpoint");
        Files.writeString(programDir.resolve("ckpt-000001.tck"), "#!/bin/sh\n");
        assertThatThrownBy(() -> accepted.accept(programDir)).hasMessageContaining("does not start like a talent checkpoint");
        Files.write(programDir.resolve("ckpt-000002.tck"), new byte[(1 << 20) + 1]);
        assertThatThrownBy(() -> accepted.accept(programDir)).hasMessageContaining("more than the 1048576 bytes");
        Files.writeString(programDir.resolve("ckpt-000003.tck"), "TALEN");
        assertThatThrownBy(() -> accepted.accept(programDir)).hasMessageContaining("too short");
        Files.createDirectory(programDir.resolve("ckpt-000004.tck"));
        // a directory with a checkpoint's name is no candidate at all
        assertThatThrownBy(() -> accepted.accept(programDir)).hasMessageNotContaining("ckpt-000004.tck");
        Files.delete(programDir.resolve("ckpt-000004.tck"));
        write("ckpt-000004.tck", "");
        assertThat(accepted.accept(programDir).sequence()).isEqualTo(BigInteger.valueOf(4));
        try (var files = Files.list(acceptedDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("key", "ckpt-000004.tck",
                    "ckpt-000004.tck.hmac");
        }
    }

    @Test
    void aChangedAcceptedCheckpointIsRefusedAndNothingIsCopied() throws IOException {
        write("ckpt-000005.tck", "state");
        AcceptedCheckpoints accepted = open();
        AcceptedCheckpoints.Accepted a = accepted.accept(programDir);
        Files.write(a.file(), checkpoint(5, "forged"));

        assertThatThrownBy(() -> accepted.copyInto(a, destination)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("fails its authentication (HMAC-SHA256)");
        assertThatThrownBy(() -> accepted.verify(a)).isInstanceOf(CheckpointRefusedException.class);
        try (var files = Files.list(destination)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theTagBindsTheNameSoARenamedCheckpointIsRefused() throws IOException {
        write("ckpt-000005.tck", "state");
        AcceptedCheckpoints accepted = open();
        AcceptedCheckpoints.Accepted a = accepted.accept(programDir);
        Files.copy(a.file(), acceptedDir.resolve("ckpt-000006.tck"));
        Files.copy(acceptedDir.resolve("ckpt-000005.tck.hmac"), acceptedDir.resolve("ckpt-000006.tck.hmac"));
        AcceptedCheckpoints.Accepted renamed = accepted.newest().orElseThrow();
        assertThat(renamed.sequence()).isEqualTo(BigInteger.valueOf(6));
        assertThatThrownBy(() -> accepted.copyInto(renamed, destination)).isInstanceOf(CheckpointRefusedException.class);
    }

    @Test
    void aResumedRunChecksTheTagsWithTheKeptKeyAndAnotherKeyRefusesThem() throws IOException {
        write("ckpt-000005.tck", "state");
        open().accept(programDir);
        Path key = acceptedDir.resolve("key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acceptedDir))).isEqualTo("rwx------");

        AcceptedCheckpoints resumed = open();
        resumed.copyInto(resumed.newest().orElseThrow(), destination);
        assertThat(destination.resolve("ckpt-000005.tck")).exists();

        Files.delete(key);
        AcceptedCheckpoints fresh = open();
        assertThatThrownBy(() -> fresh.verify(fresh.newest().orElseThrow())).isInstanceOf(CheckpointRefusedException.class);
    }

    @Test
    void aKeyOthersCanReadIsNotUsed() throws IOException {
        open();
        Files.setPosixFilePermissions(acceptedDir.resolve("key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::open).hasMessageContaining("must be accessible to its owner only");
    }

    @Test
    void keepsTheTwoNewest() throws IOException {
        AcceptedCheckpoints accepted = open();
        for (int i = 1; i <= 4; i++) {
            write("ckpt-00000" + i + ".tck", "n" + i);
            accepted.accept(programDir);
        }
        assertThat(accepted.list()).extracting(AcceptedCheckpoints.Accepted::sequence)
                .containsExactly(BigInteger.valueOf(4), BigInteger.valueOf(3));
        assertThat(acceptedDir.resolve("ckpt-000002.tck.hmac")).doesNotExist();
        accepted.removeAll();
        assertThat(acceptedDir).doesNotExist();
    }

    @Test
    void emptyingACheckpointDirectoryRemovesLinksWithoutFollowingThem() throws IOException {
        Path outside = Files.createDirectories(root.resolve("host-dir"));
        Files.writeString(outside.resolve("precious"), "x");
        Files.createSymbolicLink(programDir.resolve("ckpt-000001.tck"), outside.resolve("precious"));
        Files.createSymbolicLink(programDir.resolve("dir-link"), outside);
        Files.createDirectories(programDir.resolve("a/b"));
        Files.createSymbolicLink(programDir.resolve("a/b/up"), outside);
        StateFiles.emptyDirectory(programDir);
        try (var files = Files.list(programDir)) {
            assertThat(files).isEmpty();
        }
        assertThat(outside.resolve("precious")).hasContent("x");
    }

    /** A pre-copy image {@code pre-<round>.tck} (META: sequence 1) and the stop's delta from it, in the program's dir. */
    private byte[] imageAndDelta(int round, long sequence, String body) throws IOException {
        String image = String.format("pre-%06d.tck", round);
        byte[] base = checkpoint(1, "app");
        Files.write(programDir.resolve(image), base);
        byte[] delta = dev.talent.format.CheckpointDelta.build(image, base, checkpoint(sequence, body));
        Files.write(programDir.resolve(String.format("ckpt-%06d.tdl", sequence)), delta);
        return delta;
    }

    @Test
    void aDeltaIsAcceptedOnTopOfTheImageTalentAcceptedAndRestoredWithIt() throws Exception {
        imageAndDelta(3, 7, "after the stop");
        AcceptedCheckpoints accepted = open();
        AcceptedCheckpoints.Accepted image = accepted.acceptImage(programDir, "pre-000003.tck");
        assertThat(image.sha256()).isNotNull();
        AcceptedCheckpoints.Accepted a = accepted.accept(programDir);
        assertThat(a.name()).isEqualTo("ckpt-000007.tdl");
        assertThat(a.sequence()).isEqualTo(BigInteger.valueOf(7));
        assertThat(AcceptedCheckpoints.deltaBase(a.file())).isEqualTo("pre-000003.tck");
        // a rollback copies both, and the pair rebuilds the stop's checkpoint
        accepted.copyInto(accepted.images().getFirst(), destination);
        accepted.copyInto(a, destination);
        assertThat(dev.talent.format.CheckpointDelta.read(destination.resolve("ckpt-000007.tdl")).meta().program())
                .isEqualTo("after the stop");
    }

    @Test
    void aDeltaFromAnImageTalentDidNotAcceptIsRefused() throws Exception {
        imageAndDelta(3, 7, "x");
        AcceptedCheckpoints accepted = open();
        assertThatThrownBy(() -> accepted.accept(programDir)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("a delta from pre-000003.tck, an image talent did not accept");
    }

    @Test
    void aDeltaWhoseSequenceLiesIsRefused() throws Exception {
        imageAndDelta(2, 7, "x");
        Files.move(programDir.resolve("ckpt-000007.tdl"), programDir.resolve("ckpt-000009.tdl"));
        AcceptedCheckpoints accepted = open();
        accepted.acceptImage(programDir, "pre-000002.tck");
        assertThatThrownBy(() -> accepted.accept(programDir)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("the name says sequence 9 but the file says 7");
    }

    @Test
    void onlyImageNamesAreTakenAsImages() throws Exception {
        write("ckpt-000004.tck", "");
        AcceptedCheckpoints accepted = open();
        assertThatThrownBy(() -> accepted.acceptImage(programDir, "ckpt-000004.tck"))
                .isInstanceOf(CheckpointRefusedException.class).hasMessageContaining("not the name of a pre-copy image");
    }

    @Test
    void imagesNoKeptDeltaNeedsArePruned() throws Exception {
        AcceptedCheckpoints accepted = open();
        imageAndDelta(1, 5, "a");
        accepted.acceptImage(programDir, "pre-000001.tck");
        accepted.accept(programDir);
        imageAndDelta(2, 6, "b");
        accepted.acceptImage(programDir, "pre-000002.tck");
        accepted.accept(programDir);
        imageAndDelta(3, 8, "c");
        accepted.acceptImage(programDir, "pre-000003.tck");
        accepted.accept(programDir);
        // kept: the two newest deltas (8, 6) and their images (3, 2); image 1 and delta 5 are gone
        assertThat(accepted.list()).extracting(AcceptedCheckpoints.Accepted::name)
                .containsExactly("ckpt-000008.tdl", "ckpt-000006.tdl");
        assertThat(accepted.images()).extracting(AcceptedCheckpoints.Accepted::name)
                .containsExactly("pre-000003.tck", "pre-000002.tck");
    }

    @Test
    void aTakenCheckpointIsHeldInMemoryUntilKeptThenWrittenWithItsTag() throws Exception {
        byte[] bytes = checkpoint(7, "taken");
        Files.write(programDir.resolve("ckpt-000007.tck"), bytes);
        AcceptedCheckpoints accepted = open();

        AcceptedCheckpoints.Taken t = accepted.take(programDir, m -> { });

        assertThat(t.bytes()).isEqualTo(bytes);
        assertThat(t.accepted().sequence()).isEqualTo(BigInteger.valueOf(7));
        assertThat(t.accepted().size()).isEqualTo(bytes.length);
        assertThat(t.accepted().sha256()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(t.accepted().sockets()).isZero();
        // nothing written yet: no copy, no fsync inside the downtime
        assertThat(acceptedDir.resolve("ckpt-000007.tck")).doesNotExist();
        assertThat(accepted.hasPending()).isTrue();
        // what the program does to its file afterwards changes nothing of what was taken
        Files.write(programDir.resolve("ckpt-000007.tck"), checkpoint(7, "forged"));

        accepted.keepPending();

        assertThat(accepted.hasPending()).isFalse();
        assertThat(acceptedDir.resolve("ckpt-000007.tck")).hasBinaryContent(bytes);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acceptedDir.resolve("ckpt-000007.tck"))))
                .isEqualTo("rw-------");
        // its tag is the one a resumed run checks
        AcceptedCheckpoints resumed = open();
        resumed.copyInto(resumed.newest().orElseThrow(), destination);
        assertThat(destination.resolve("ckpt-000007.tck")).hasBinaryContent(bytes);
        accepted.keepPending(); // nothing pending any more: nothing happens
        try (var files = Files.list(acceptedDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("key", "ckpt-000007.tck",
                    "ckpt-000007.tck.hmac");
        }
    }

    @Test
    void readingTheAcceptedSetFirstWritesWhatIsPendingAndPrunes() throws Exception {
        AcceptedCheckpoints accepted = open();
        for (int i = 1; i <= 2; i++) {
            write("ckpt-00000" + i + ".tck", "n" + i);
            accepted.accept(programDir);
        }
        write("ckpt-000003.tck", "n3");
        accepted.take(programDir, m -> { });
        assertThat(acceptedDir.resolve("ckpt-000001.tck")).exists();

        // a rollback lists the accepted checkpoints: the taken one is among them, the oldest pruned
        assertThat(accepted.list()).extracting(AcceptedCheckpoints.Accepted::sequence)
                .containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(2));
        assertThat(acceptedDir.resolve("ckpt-000001.tck")).doesNotExist();
        assertThat(accepted.hasPending()).isFalse();

        // a new take writes the one before it first
        write("ckpt-000004.tck", "n4");
        accepted.take(programDir, m -> { });
        write("ckpt-000005.tck", "n5");
        accepted.take(programDir, m -> { });
        assertThat(acceptedDir.resolve("ckpt-000004.tck")).exists();
        // a run that starts over drops what it held
        accepted.clear();
        assertThat(accepted.hasPending()).isFalse();
        assertThat(accepted.list()).isEmpty();
    }

    @Test
    void takingChecksWhatAcceptingChecks() throws Exception {
        AcceptedCheckpoints accepted = open();
        Path secret = Files.write(root.resolve("shadow"), checkpoint(9, "host secret"));
        Files.createSymbolicLink(programDir.resolve("ckpt-000009.tck"), secret);
        Files.write(programDir.resolve("ckpt-999998.tck"), "TALENTCK but nothing more".getBytes(StandardCharsets.US_ASCII));
        Files.write(programDir.resolve("ckpt-000008.tck"), checkpoint(3, "renamed"));
        Files.writeString(programDir.resolve("ckpt-000007.tck"), "#!/bin/sh\n");
        Files.writeString(programDir.resolve("ckpt-000006.tck"), "TALEN");
        Files.write(programDir.resolve("ckpt-000005.tck"), new byte[(1 << 20) + 1]);
        Files.createDirectory(programDir.resolve("ckpt-000004.tck"));
        List<String> passed = new java.util.ArrayList<>();

        assertThatThrownBy(() -> accepted.take(programDir, passed::add)).isInstanceOf(CheckpointRefusedException.class)
                .hasMessageContaining("ckpt-999998.tck is not a valid checkpoint")
                .hasMessageContaining("ckpt-000008.tck: the name says sequence 8 but the file says 3; refused")
                .hasMessageContaining("ckpt-000007.tck does not start like a talent checkpoint")
                .hasMessageContaining("ckpt-000006.tck is too short")
                .hasMessageContaining("ckpt-000005.tck is 1048577 bytes, more than the 1048576 bytes")
                .hasMessageNotContaining("ckpt-000009.tck").hasMessageNotContaining("ckpt-000004.tck");
        assertThat(accepted.hasPending()).isFalse();

        write("ckpt-000003.tck", "fine");
        AcceptedCheckpoints.Taken t = accepted.take(programDir, passed::add);
        assertThat(t.accepted().sequence()).isEqualTo(BigInteger.valueOf(3));
        assertThat(passed).hasSize(5);
        assertThat(accepted.newest().orElseThrow().sequence()).isEqualTo(BigInteger.valueOf(3));
    }

    /** What a take tells before it validates (a send started early: EarlySend), and the verdict it gives afterwards. */
    @SuppressWarnings("ArrayRecordComponent") // the bytes are compared by content in the assertions, never as a record
    record Told(AcceptedCheckpoints.Accepted read, byte[] bytes, java.util.concurrent.CompletableFuture<Void> validated,
            boolean doneWhenTold, boolean pendingWhenTold) {}

    @Test
    void aTakeTellsOfTheNewestBeforeValidatingItThenPassesIt() throws Exception {
        byte[] bytes = checkpoint(7, "taken");
        Files.write(programDir.resolve("ckpt-000007.tck"), bytes);
        AcceptedCheckpoints accepted = open();
        List<Told> told = new java.util.ArrayList<>();

        AcceptedCheckpoints.Taken t = accepted.take(programDir, m -> { }, (read, b, validated) -> told.add(
                new Told(read, b.clone(), validated, validated.isDone(), accepted.hasPending())));

        assertThat(told).hasSize(1);
        Told first = told.getFirst();
        // told before the reader ran: no verdict yet, nothing pending, the sockets not counted
        assertThat(first.doneWhenTold()).isFalse();
        assertThat(first.pendingWhenTold()).isFalse();
        assertThat(first.read().sockets()).isEqualTo(-1);
        assertThat(first.bytes()).isEqualTo(bytes);
        assertThat(first.read().sha256()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(first.read().size()).isEqualTo(bytes.length);
        assertThat(first.read().name()).isEqualTo("ckpt-000007.tck");
        // then validated: the verdict is a pass, and what was taken is what was told
        assertThat(first.validated()).isCompleted();
        assertThat(first.validated().isCompletedExceptionally()).isFalse();
        assertThat(t.accepted().sockets()).isZero();
        assertThat(t.accepted().sha256()).isEqualTo(first.read().sha256());
        assertThat(t.bytes()).isEqualTo(bytes);
    }

    @Test
    void aNewestTheReaderRefusesIsRefusedToWhatWasToldAndAnOlderOneIsTakenUntold() throws Exception {
        write("ckpt-000003.tck", "fine");
        Files.write(programDir.resolve("ckpt-000004.tck"), "TALENTCK but nothing more".getBytes(StandardCharsets.US_ASCII));
        AcceptedCheckpoints accepted = open();
        List<Told> told = new java.util.ArrayList<>();
        List<String> passed = new java.util.ArrayList<>();

        AcceptedCheckpoints.Taken t = accepted.take(programDir, passed::add, (read, b, validated) -> told.add(
                new Told(read, b, validated, validated.isDone(), accepted.hasPending())));

        assertThat(told).extracting(x -> x.read().name()).containsExactly("ckpt-000004.tck");
        assertThat(told.getFirst().validated()).failsWithin(java.time.Duration.ZERO).withThrowableThat()
                .withMessageContaining("ckpt-000004.tck is not a valid checkpoint");
        assertThat(t.accepted().sequence()).isEqualTo(BigInteger.valueOf(3));
        assertThat(passed).hasSize(1);

        // refused at once: nothing taken, the one told of refused too
        Files.write(programDir.resolve("ckpt-000005.tck"), checkpoint(2, "renamed"));
        accepted.keepPending();
        Files.delete(programDir.resolve("ckpt-000003.tck"));
        Files.delete(programDir.resolve("ckpt-000004.tck"));
        told.clear();
        assertThatThrownBy(() -> accepted.take(programDir, m -> { }, (read, b, validated) -> told.add(
                new Told(read, b, validated, validated.isDone(), accepted.hasPending())))).isInstanceOf(CheckpointRefusedException.class);
        assertThat(told).hasSize(1);
        assertThat(told.getFirst().validated()).isCompletedExceptionally();
        assertThat(accepted.hasPending()).isFalse();
    }
}
