package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSignatureException;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import dev.talent.migrate.pipeline.OutgoingCheckpoint;
import dev.talent.migrate.pipeline.RestoredCheckpoints;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** talent run's checkpoint transfer between two platforms of this machine: accepted, signed, verified, moved in. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalHostFilesTest {
    @TempDir
    Path root;
    Host x86;
    Host arm;
    AcceptedCheckpoints accepted;
    CheckpointSigner runKey;
    final List<String> passedOver = new ArrayList<>();

    @BeforeEach
    void hosts() throws IOException {
        x86 = Host.create(Platform.parse("x86_64"), root.resolve("hosts"));
        arm = Host.create(Platform.parse("aarch64"), root.resolve("hosts"));
        accepted = AcceptedCheckpoints.open(root.resolve("accepted/app"), "app", 1 << 20);
        runKey = CheckpointSigner.generate();
    }

    @AfterEach
    void close() throws IOException {
        x86.close();
        arm.close();
    }

    LocalHostFiles files(Host h, CheckpointVerifier trusting) {
        return new LocalHostFiles(h, "app", accepted, runKey, new CheckpointReceiver(trusting, "app", 1 << 20),
                passedOver::add);
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void talentRunHandsASmallCheckpointOverFromMemoryAndKeepsItsRecoveryCopyAfterwards() throws Exception {
        byte[] bytes = AcceptedCheckpointsTest.checkpoint(12, "app");
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), bytes);
        CheckpointVerifier trustRun = CheckpointVerifier.trusting(runKey.publicKey());
        LocalHostFiles source = new LocalHostFiles(x86, "app", accepted, runKey,
                new CheckpointReceiver(trustRun, "app", 1 << 20), passedOver::add, true);

        OutgoingCheckpoint out = source.takeCheckpoint();
        // the program's file may change now: what was taken is in memory
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), AcceptedCheckpointsTest.checkpoint(12, "forged"));
        assertThat(accepted.directory().resolve("ckpt-000012.tck")).doesNotExist();
        try (InputStream in = out.bytes().open()) {
            files(arm, trustRun).receiveCheckpoint(out.signature(), in);
        }
        assertThat(arm.checkpoints.resolve("ckpt-000012.tck")).hasBinaryContent(bytes);

        source.keepTakenCheckpoint();
        assertThat(accepted.directory().resolve("ckpt-000012.tck")).hasBinaryContent(bytes);
        // a rollback restores it, its tag checked
        RestoredCheckpoints r = source.restoreAcceptedCheckpoints(w -> { });
        assertThat(r.copied()).isEqualTo(1);
        assertThat(x86.checkpoints.resolve("ckpt-000012.tck")).hasBinaryContent(bytes);
    }

    @Test
    void theCheckpointTheProgramLeftReachesTheDestinationSignedAndIntact() throws Exception {
        byte[] bytes = AcceptedCheckpointsTest.checkpoint(12, "app");
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), bytes);
        Files.write(arm.checkpoints.resolve("ckpt-000003.tck"), AcceptedCheckpointsTest.checkpoint(3, "stale"));
        CheckpointVerifier trustRun = CheckpointVerifier.trusting(runKey.publicKey());

        OutgoingCheckpoint out = files(x86, trustRun).takeCheckpoint();
        assertThat(out.signature().sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(out.signature().size()).isEqualTo(bytes.length);
        try (InputStream in = out.bytes().open()) {
            files(arm, trustRun).receiveCheckpoint(out.signature(), in);
        }

        assertThat(names(arm.checkpoints)).containsExactly("ckpt-000012.tck");
        assertThat(arm.checkpoints.resolve("ckpt-000012.tck")).hasBinaryContent(bytes);
        assertThat(names(arm.dir.resolve("incoming"))).isEmpty();
    }

    @Test
    void anAcceptedCheckpointChangedBeforeItIsSentIsRefusedAtTheDestination() throws Exception {
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), AcceptedCheckpointsTest.checkpoint(12, "app"));
        CheckpointVerifier trustRun = CheckpointVerifier.trusting(runKey.publicKey());
        OutgoingCheckpoint out = files(x86, trustRun).takeCheckpoint();
        // someone with access to talent's own directory rewrites it after it was signed
        Path kept = accepted.directory().resolve("ckpt-000012.tck");
        byte[] b = Files.readAllBytes(kept);
        b[b.length - 1] ^= 1;
        Files.write(kept, b);

        assertThatThrownBy(() -> {
            try (InputStream in = out.bytes().open()) {
                files(arm, trustRun).receiveCheckpoint(out.signature(), in);
            }
        }).isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("does not match its signature");
        assertThat(names(arm.checkpoints)).isEmpty();
        assertThat(names(arm.dir.resolve("incoming"))).isEmpty();
    }

    @Test
    void aDestinationThatTrustsAnotherKeyRefusesTheRunsCheckpoint() throws Exception {
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), AcceptedCheckpointsTest.checkpoint(12, "app"));
        OutgoingCheckpoint out = files(x86, CheckpointVerifier.trusting(runKey.publicKey())).takeCheckpoint();
        CheckpointVerifier other = CheckpointVerifier.trusting(CheckpointSigner.generate().publicKey());
        assertThatThrownBy(() -> {
            try (InputStream in = out.bytes().open()) {
                files(arm, other).receiveCheckpoint(out.signature(), in);
            }
        }).isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("does not trust");
        assertThat(names(arm.checkpoints)).isEmpty();
    }

    @Test
    void aRollbackRefillsTheSourceWithTheAcceptedCheckpointsOnly() throws Exception {
        Files.write(x86.checkpoints.resolve("ckpt-000012.tck"), AcceptedCheckpointsTest.checkpoint(12, "app"));
        LocalHostFiles source = files(x86, CheckpointVerifier.trusting(runKey.publicKey()));
        source.takeCheckpoint();
        // what the program leaves afterwards is not restored from
        Files.write(x86.checkpoints.resolve("ckpt-000099.tck"), AcceptedCheckpointsTest.checkpoint(99, "planted"));

        RestoredCheckpoints r = source.restoreAcceptedCheckpoints(w -> { });
        assertThat(r.copied()).isEqualTo(1);
        assertThat(names(x86.checkpoints)).containsExactly("ckpt-000012.tck");
        assertThat(source.whereStateIs()).contains(accepted.directory().toString()).contains(x86.work.toString());
    }
}
