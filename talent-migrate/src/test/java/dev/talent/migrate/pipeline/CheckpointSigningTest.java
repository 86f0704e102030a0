package dev.talent.migrate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The destination's check of a signed checkpoint: what passes, and each way it is refused with nothing left behind. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckpointSigningTest {
    static final String APP = "svc";
    static final String NAME = "ckpt-000007.tck";
    static final byte[] BYTES = "TALENTCK the program's state: counter=41".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;
    Path incoming;
    Path ck;
    CheckpointSigner source;

    @BeforeEach
    void dirs() throws IOException {
        incoming = root.resolve("incoming");
        ck = Files.createDirectories(root.resolve("ck"));
        // what the destination held before: replaced only by a verified checkpoint
        Files.writeString(ck.resolve("ckpt-000001.tck"), "older");
        source = CheckpointSigner.generate();
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    CheckpointSignature signed(CheckpointSigner by) {
        return by.sign(APP, NAME, BigInteger.valueOf(7), BYTES.length, sha256(BYTES));
    }

    CheckpointReceiver receiver(CheckpointVerifier v) {
        return new CheckpointReceiver(v, APP, 1 << 20);
    }

    void receive(CheckpointVerifier v, CheckpointSignature s, InputStream in) throws IOException {
        receiver(v).receive(s, in, incoming, ck, CheckpointSigningTest::empty);
    }

    static void empty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
    }

    /** The destination's checkpoint directory still holds only what it had: nothing of the refused one anywhere. */
    void assertNothingReceived() throws IOException {
        try (Stream<Path> files = Files.list(ck)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
        if (Files.exists(incoming)) {
            try (Stream<Path> files = Files.list(incoming)) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }

    @Test
    void aCheckpointSignedByTheTrustedKeyReplacesTheDestinationsCheckpoints() throws IOException {
        receive(CheckpointVerifier.trusting(source.publicKey()), signed(source), new ByteArrayInputStream(BYTES));
        assertThat(ck.resolve(NAME)).hasBinaryContent(BYTES);
        try (Stream<Path> files = Files.list(ck)) {
            assertThat(files.toList()).hasSize(1);
        }
        try (Stream<Path> files = Files.list(incoming)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aCheckpointChangedOnTheWayIsRefused() throws IOException {
        byte[] tampered = BYTES.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), signed(source),
                new ByteArrayInputStream(tampered)))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("checkpoint " + NAME + " does not match its signature")
                .hasMessageContaining("(changed on the way); refused");
        assertNothingReceived();
    }

    @Test
    void aLongerOrShorterStreamThanSignedIsRefused() throws IOException {
        byte[] longer = (new String(BYTES, StandardCharsets.US_ASCII) + "!").getBytes(StandardCharsets.US_ASCII);
        CheckpointVerifier v = CheckpointVerifier.trusting(source.publicKey());
        assertThatThrownBy(() -> receive(v, signed(source), new ByteArrayInputStream(longer)))
                .isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("longer than the " + BYTES.length);
        assertThatThrownBy(() -> receive(v, signed(source), new ByteArrayInputStream(BYTES, 0, 10)))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("is 10 bytes, not the " + BYTES.length + " bytes its signature covers");
        assertNothingReceived();
    }

    @Test
    void anUnsignedCheckpointIsRefusedBeforeAByteIsRead() throws IOException {
        CheckpointSignature unsigned = signed(source).withSignature(new byte[0]);
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("an unsigned checkpoint must not be read");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new AssertionError("an unsigned checkpoint must not be read");
            }
        };
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), unsigned, never))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessage("checkpoint " + NAME + " is unsigned; refused (every checkpoint a host hands over must carry "
                        + "its Ed25519 signature)");
        assertNothingReceived();
    }

    @Test
    void aSignatureThatDoesNotVerifyIsRefused() throws IOException {
        CheckpointSignature good = signed(source);
        byte[] bad = good.signature();
        bad[0] ^= 1;
        byte[] badScalar = good.signature();
        badScalar[40] ^= 1;
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), good.withSignature(badScalar),
                new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("has a wrong signature (Ed25519");
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), good.withSignature(bad),
                new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("has a wrong signature (Ed25519");
        // a statement changed after signing (another size, another name) fails the same way
        CheckpointSignature renamed = new CheckpointSignature(APP, "ckpt-000008.tck", BigInteger.valueOf(8), good.size(),
                good.sha256(), good.signature(), good.signerKey(), good.signerChain());
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), renamed,
                new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("has a wrong signature");
        assertNothingReceived();
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRefused() throws IOException {
        CheckpointSigner stranger = CheckpointSigner.generate();
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), signed(stranger),
                new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessage("checkpoint " + NAME + " is signed by a key this host does not trust; refused");
        assertNothingReceived();
    }

    @Test
    void aCheckpointOfAnotherAppOrWithABadNameIsRefused() throws IOException {
        CheckpointVerifier v = CheckpointVerifier.trusting(source.publicKey());
        CheckpointSignature other = source.sign("other", NAME, BigInteger.valueOf(7), BYTES.length, sha256(BYTES));
        assertThatThrownBy(() -> receive(v, other, new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("is signed for app 'other', not svc");
        for (String name : List.of("../ckpt-000007.tck", "ckpt-7.tck", "ckpt-000007.tck/x", ".ckpt-000007.tck")) {
            CheckpointSignature s = source.sign(APP, name, BigInteger.valueOf(7), BYTES.length, sha256(BYTES));
            assertThatThrownBy(() -> receive(v, s, new ByteArrayInputStream(BYTES)))
                    .isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("invalid name");
        }
        assertNothingReceived();
    }

    @Test
    void aCheckpointLargerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
        CheckpointSignature huge = source.sign(APP, NAME, BigInteger.valueOf(7), 2L << 20, sha256(BYTES));
        assertThatThrownBy(() -> receive(CheckpointVerifier.trusting(source.publicKey()), huge,
                new ByteArrayInputStream(BYTES)))
                .isInstanceOf(CheckpointSignatureException.class).hasMessageContaining("outside the 0..1048576 bytes");
        assertNothingReceived();
    }
}
