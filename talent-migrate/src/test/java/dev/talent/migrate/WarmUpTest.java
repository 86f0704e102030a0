package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The warm-up runs the downtime's Java path on a checkpoint valid for it, and leaves nothing behind. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarmUpTest {
    @Test
    void theTinyCheckpointIsOneTheReaderAccepts() throws Exception {
        Checkpoint c = CheckpointReader.read(CheckpointWriter.write(WarmUp.tiny(5)), "ckpt-000005.tck");
        assertThat(c.meta().sequence()).isEqualTo(5);
        assertThat(c.globals()).hasSize(2);
        assertThat(c.heap()).hasSize(1);
    }

    @Test
    void theWarmUpTakesAndHandsOverItsCheckpointsAndRemovesItsDirectory() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = warmUpDirs(tmp);
        Duration took = WarmUp.run();
        assertThat(took).isPositive();
        assertThat(warmUpDirs(tmp)).isSubsetOf(before);
    }

    @Test
    void aHostsOwnKeysAreCheckedByItsVerifier() throws Exception {
        CheckpointSigner signer = CheckpointSigner.generate();
        WarmUp.hostKeys(signer, CheckpointVerifier.trusting(signer.publicKey()));
        // a verifier that does not trust the key makes the warm-up fail (reported, never hidden)
        CheckpointVerifier other = CheckpointVerifier.trusting(CheckpointSigner.generate().publicKey());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarmUp.hostKeys(signer, other))
                .hasMessageContaining("does not trust");
    }

    @Test
    void itIsStartedOncePerJvm() {
        assertThat(WarmUp.start()).isSameAs(WarmUp.start());
        assertThat(WarmUp.start().orTimeout(100, TimeUnit.SECONDS).join()).isNotNull();
    }

    private static List<Path> warmUpDirs(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("talent-warm-up")).toList();
        }
    }
}
