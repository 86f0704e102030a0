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
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a CA configured, a destination takes a checkpoint only from a signer whose certificate chain leads to that CA
 * and whose certificate is for the signing key. The certificates are made by the JDK's keytool (Ed25519).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckpointCertificateTest {
    static final char[] PASSWORD = "changeit".toCharArray();
    static final byte[] BYTES = "TALENTCK state".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    X509Certificate ca;
    CheckpointSigner host;
    CheckpointSigner rogue;
    PrivateKey hostKey;
    X509Certificate hostCert;

    @BeforeAll
    void pki() throws Exception {
        // one store, four keytool runs: two CAs, and a host key certified by each (-signer)
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=fleet-ca", "-ext", "bc:c");
        keytool("-genkeypair", "-alias", "rogue", "-dname", "CN=rogue-ca", "-ext", "bc:c");
        keytool("-genkeypair", "-alias", "h1", "-dname", "CN=h1", "-signer", "ca");
        keytool("-genkeypair", "-alias", "h2", "-dname", "CN=h2", "-signer", "rogue");
        KeyStore ks = store();
        ca = (X509Certificate) ks.getCertificate("ca");
        hostKey = (PrivateKey) ks.getKey("h1", PASSWORD);
        hostCert = (X509Certificate) ks.getCertificate("h1");
        host = new CheckpointSigner(hostKey, hostCert.getPublicKey(), List.of(hostCert));
        X509Certificate h2 = (X509Certificate) ks.getCertificate("h2");
        rogue = new CheckpointSigner((PrivateKey) ks.getKey("h2", PASSWORD), h2.getPublicKey(), List.of(h2));
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-keyalg", "Ed25519", "-validity", "2", "-keystore", "pki.p12", "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-noprompt", "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }

    private KeyStore store() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("pki.p12"))) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private Path receive(CheckpointSigner by) throws IOException {
        Path ck = Files.createDirectories(dir.resolve("ck-" + System.nanoTime()));
        CheckpointSignature s = by.sign("svc", "ckpt-000001.tck", BigInteger.ONE, BYTES.length,
                CheckpointSigningTest.sha256(BYTES));
        new CheckpointReceiver(CheckpointVerifier.withCa(ca), "svc", 1 << 20).receive(s, new ByteArrayInputStream(BYTES),
                dir.resolve("incoming"), ck, CheckpointSigningTest::empty);
        return ck;
    }

    @Test
    void aSignerCertifiedByTheFleetsCaIsTrusted() throws IOException {
        assertThat(receive(host).resolve("ckpt-000001.tck")).hasBinaryContent(BYTES);
    }

    @Test
    void aSignerCertifiedByAnotherCaIsRefused() {
        assertThatThrownBy(() -> receive(rogue)).isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("the signer's certificate is not valid for this fleet's CA CN=fleet-ca");
    }

    @Test
    void aSignerWithoutACertificateIsRefused() {
        assertThatThrownBy(() -> receive(CheckpointSigner.generate())).isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("comes without the signer's certificate; refused");
    }

    @Test
    void aCertificateForAnotherKeyDoesNotCoverTheSignature() throws Exception {
        // a stranger signs with its own key but presents the fleet host's certificate
        CheckpointSigner stranger = CheckpointSigner.generate();
        CheckpointSignature own = stranger.sign("svc", "ckpt-000001.tck", BigInteger.ONE, BYTES.length,
                CheckpointSigningTest.sha256(BYTES));
        CheckpointSignature borrowed = new CheckpointSignature(own.app(), own.name(), own.sequence(), own.size(), own.sha256(),
                own.signature(), own.signerKey(), List.of(hostCert.getEncoded()));
        Path ck = Files.createDirectories(dir.resolve("ck-borrowed"));
        assertThatThrownBy(() -> new CheckpointReceiver(CheckpointVerifier.withCa(ca), "svc", 1 << 20).receive(borrowed,
                new ByteArrayInputStream(BYTES), dir.resolve("incoming"), ck, CheckpointSigningTest::empty))
                .isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("is signed by a key that is not the one of its certificate CN=h1");
        assertThat(ck).isEmptyDirectory();
        // and a host key cannot be paired with someone else's certificate at all
        assertThatThrownBy(() -> new CheckpointSigner(hostKey, stranger.publicKey(), List.of(hostCert)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not for this signing key");
    }
}
