package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the verifier keeps between checks (decoded signer keys, idle Ed25519 engines): bounded, and never a reason to
 * accept what a fresh verifier refuses.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointVerifierCacheTest {
    static final String APP = "svc";
    static final byte[] SHA = new byte[32];

    static CheckpointSignature signed(CheckpointSigner by, long sequence) {
        return by.sign(APP, String.format("ckpt-%06d.tck", sequence), BigInteger.valueOf(sequence), 42, SHA);
    }

    @Test
    void theTrustedKeyIsNotDecodedAgainAtEachCheck() throws CheckpointSignatureException {
        CheckpointSigner run = CheckpointSigner.generate();
        CheckpointVerifier v = CheckpointVerifier.trusting(run.publicKey());
        for (int i = 1; i <= 5; i++) v.verify(signed(run, i), APP);
        assertThat(v.cachedKeys()).isZero();
        assertThat(v.idleEngines()).isEqualTo(1);
    }

    @Test
    void aKeyRefusedOnceIsRefusedAgainWhileTheTrustedOnePassesBetween() throws CheckpointSignatureException {
        CheckpointSigner run = CheckpointSigner.generate();
        CheckpointSigner other = CheckpointSigner.generate();
        CheckpointVerifier v = CheckpointVerifier.trusting(run.publicKey());
        for (int i = 1; i <= 3; i++) {
            CheckpointSignature foreign = signed(other, i);
            assertThatThrownBy(() -> v.verify(foreign, APP)).isInstanceOf(CheckpointSignatureException.class)
                    .hasMessageContaining("does not trust");
            v.verify(signed(run, i), APP);
        }
        // the other key was decoded once and kept: kept keys are still not trusted ones
        assertThat(v.cachedKeys()).isEqualTo(1);
    }

    @Test
    void aSignatureForgedUnderACachedKeyIsStillRefused() throws CheckpointSignatureException {
        CheckpointSigner run = CheckpointSigner.generate();
        CheckpointVerifier v = CheckpointVerifier.trusting(run.publicKey());
        v.verify(signed(run, 1), APP);
        CheckpointSignature good = signed(run, 2);
        byte[] sig = good.signature();
        sig[5] ^= 1;
        CheckpointSignature forged = good.withSignature(sig);
        assertThatThrownBy(() -> v.verify(forged, APP)).isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("wrong signature");
        // a statement changed after signing (another sequence under the same signature) is refused too
        CheckpointSignature moved = new CheckpointSignature(APP, "ckpt-000003.tck", BigInteger.valueOf(3), 42, SHA,
                good.signature(), good.signerKey(), java.util.List.of());
        assertThatThrownBy(() -> v.verify(moved, APP)).isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("wrong signature");
        // and the engine a failed check used still verifies the next good one
        v.verify(signed(run, 4), APP);
    }

    @Test
    void theCacheOfDecodedKeysIsBounded() {
        CheckpointVerifier v = CheckpointVerifier.trusting(CheckpointSigner.generate().publicKey());
        for (int i = 0; i < CheckpointVerifier.MAX_CACHED_KEYS + 10; i++) {
            CheckpointSignature s = signed(CheckpointSigner.generate(), i + 1);
            assertThatThrownBy(() -> v.verify(s, APP)).isInstanceOf(CheckpointSignatureException.class)
                    .hasMessageContaining("does not trust");
        }
        assertThat(v.cachedKeys()).isEqualTo(CheckpointVerifier.MAX_CACHED_KEYS);
    }

    @Test
    void aKeyThatDoesNotDecodeIsNotKept() {
        CheckpointSigner run = CheckpointSigner.generate();
        CheckpointVerifier v = CheckpointVerifier.trusting(run.publicKey());
        CheckpointSignature good = signed(run, 1);
        byte[] key = good.signerKey();
        key[0] ^= 0x55; // no longer a DER SubjectPublicKeyInfo
        CheckpointSignature bad = new CheckpointSignature(APP, good.name(), good.sequence(), good.size(), SHA,
                good.signature(), key, java.util.List.of());
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> v.verify(bad, APP)).isInstanceOf(CheckpointSignatureException.class)
                    .hasMessageContaining("not Ed25519");
        }
        assertThat(v.cachedKeys()).isZero();
    }
}
