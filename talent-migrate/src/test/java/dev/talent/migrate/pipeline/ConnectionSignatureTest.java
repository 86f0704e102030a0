package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The statement of a --net app's TCP state, handed host to host (fleet): signed and checked as a checkpoint's. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConnectionSignatureTest {
    private static final BigInteger SEQ = BigInteger.valueOf(7);
    private final CheckpointSigner host = CheckpointSigner.generate();
    private final CheckpointVerifier verifier = CheckpointVerifier.trusting(host.publicKey());
    private final byte[] sha = new byte[32];

    @Test
    void theStateSignedForItsCheckpointPasses() {
        CheckpointSignature s = host.sign("web", CheckpointSignature.connectionsName(SEQ), SEQ, 100, sha);
        assertThatCode(() -> verifier.verifyConnections(s, "web", SEQ)).doesNotThrowAnyException();
    }

    @Test
    void neitherSignatureCanPassForTheOther() {
        CheckpointSignature state = host.sign("web", CheckpointSignature.connectionsName(SEQ), SEQ, 100, sha);
        assertThatThrownBy(() -> verifier.verify(state, "web")).hasMessageContaining("invalid name");
        CheckpointSignature checkpoint = host.sign("web", "ckpt-000007.tck", SEQ, 100, sha);
        assertThatThrownBy(() -> verifier.verifyConnections(checkpoint, "web", SEQ)).hasMessageContaining("not named for checkpoint 7");
    }

    @Test
    void anotherCheckpointsAppsOrSignersStateIsRefused() {
        CheckpointSignature s = host.sign("web", CheckpointSignature.connectionsName(SEQ), SEQ, 100, sha);
        assertThatThrownBy(() -> verifier.verifyConnections(s, "web", BigInteger.valueOf(8))).hasMessageContaining("not named for checkpoint 8");
        assertThatThrownBy(() -> verifier.verifyConnections(s, "db", SEQ)).hasMessageContaining("signed for app 'web'");
        CheckpointSignature stranger = CheckpointSigner.generate().sign("web", CheckpointSignature.connectionsName(SEQ), SEQ, 100, sha);
        assertThatThrownBy(() -> verifier.verifyConnections(stranger, "web", SEQ)).hasMessageContaining("does not trust");
        CheckpointSignature changed = host.sign("web", CheckpointSignature.connectionsName(SEQ), SEQ, 101, sha);
        CheckpointSignature forged = new CheckpointSignature("web", s.name(), SEQ, 101, sha, s.signature(), s.signerKey(), s.signerChain());
        assertThatCode(() -> verifier.verifyConnections(changed, "web", SEQ)).doesNotThrowAnyException();
        assertThatThrownBy(() -> verifier.verifyConnections(forged, "web", SEQ)).hasMessageContaining("wrong signature");
    }
}
