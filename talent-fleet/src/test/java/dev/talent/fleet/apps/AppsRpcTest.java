package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.Pki;
import dev.talent.fleet.TlsFiles;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CheckpointSignatureException;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The apps service over mutual TLS on loopback, without containers (no root needed). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AppsRpcTest {
    @TempDir Path tmp;
    private AgentServer agent;
    private GrpcFleetAgents fleet;
    private Pki pki;

    private TlsFiles tls(String name) { return new TlsFiles(pki.caCertificate(), pki.certificate(name), pki.key(name)); }

    @BeforeEach
    void up() throws FleetException {
        pki = Pki.at(tmp.resolve("pki"));
        pki.init("test fleet");
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        agent = AgentServer.start("h1", new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0), tls("h1"), tmp.resolve("h1"), e -> { });
        fleet = GrpcFleetAgents.of(tls("cli"), Map.of("h1", new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), agent.port())),
                GrpcFleetAgents.Timeouts.defaults(), w -> { });
    }

    @AfterEach
    void down() {
        if (fleet != null) fleet.close();
        if (agent != null) agent.close();
    }

    @Test
    void aBlobIsUploadedInChunksCheckedAndKeptOnce() throws Exception {
        byte[] b = new byte[300_000];
        new Random(1).nextBytes(b);
        Path f = tmp.resolve("bin");
        Files.write(f, b);
        String sha = BlobStore.digest(f);
        fleet.putBlob("h1", sha, f);
        assertThat(Files.readAllBytes(agent.apps().blobs().path(sha))).isEqualTo(b);
        fleet.putBlob("h1", sha, f); // present: nothing sent
        Path other = tmp.resolve("other");
        Files.writeString(other, "not it");
        String wrong = sha.substring(0, 63) + (sha.charAt(63) == '0' ? '1' : '0');
        assertThatThrownBy(() -> fleet.putBlob("h1", wrong, f)).isInstanceOf(FleetException.class).hasMessageContaining("has SHA-256");
        assertThat(agent.apps().blobs().has(wrong)).isFalse();
    }

    @Test
    void unknownAppsAreAbsentAndBadRequestsAreRefusedWithTheirReason() {
        assertThat(call(() -> fleet.state("h1", "nothing"))).isInstanceOf(FleetAgents.AppState.Absent.class);
        assertThatThrownBy(() -> fleet.logs("h1", "nothing", 0, 100)).hasMessageContaining("no app nothing on h1");
        assertThatThrownBy(() -> fleet.state("h1", "../etc")).hasMessageContaining("not an app name");
        assertThatThrownBy(() -> fleet.start(new FleetAgents.Placement("h1", "x86_64"), new FleetAgents.AppSpec("svc",
                Map.of("x86_64", "0".repeat(64)), List.of(), Optional.empty(), true, Optional.empty())))
                .hasMessageContaining("app svc has --net and h1 has no network for such apps");
        assertThatThrownBy(() -> fleet.start(new FleetAgents.Placement("h1", "vax"), new FleetAgents.AppSpec("svc",
                Map.of("x86_64", "0".repeat(64)), List.of(), Optional.empty(), false, Optional.empty())))
                .hasMessageContaining("not a platform");
        assertThatThrownBy(() -> fleet.state("h9", "svc")).hasMessageContaining("no host h9");
        call(() -> {
            fleet.remove("h1", "nothing");
            return null;
        });
    }

    @Test
    void aClientWithoutAFleetCertificateIsRefused() throws FleetException {
        Pki other = Pki.at(tmp.resolve("other"));
        other.init("another fleet");
        other.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        try (GrpcFleetAgents stranger = GrpcFleetAgents.of(new TlsFiles(other.caCertificate(), other.certificate("cli"), other.key("cli")),
                Map.of("h1", new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), agent.port())), GrpcFleetAgents.Timeouts.defaults(), w -> { })) {
            assertThatThrownBy(() -> stranger.state("h1", "svc")).isInstanceOf(FleetException.class).hasMessageContaining("UNAVAILABLE");
        }
    }

    @Test
    void aHostsSigningKeyIsCertifiedByTheFleetCaAndNothingElsePasses() throws Exception {
        X509Certificate cert = Pki.readJdkCertificate(pki.signingCertificate("h1"));
        CheckpointSigner signer = new CheckpointSigner(Pki.readEd25519Key(pki.signingKey("h1")), cert.getPublicKey(), List.of(cert));
        CheckpointVerifier fleetCa = CheckpointVerifier.withCa(Pki.readJdkCertificate(pki.caCertificate()));
        CheckpointSignature s = signer.sign("svc", "ckpt-000001.tck", BigInteger.ONE, 10, new byte[32]);
        fleetCa.verify(s, "svc");
        // through the wire form and back, unchanged
        fleetCa.verify(HostedApps.signature(HostedApps.statement(s, 0)), "svc");
        assertThatThrownBy(() -> fleetCa.verify(s.withSignature(new byte[0]), "svc")).isInstanceOf(CheckpointSignatureException.class)
                .hasMessageContaining("unsigned");
        byte[] forged = s.signature();
        forged[5] ^= 1;
        assertThatThrownBy(() -> fleetCa.verify(s.withSignature(forged), "svc")).hasMessageContaining("wrong signature");
        // a signer certified by another CA
        Pki other = Pki.at(tmp.resolve("other"));
        other.init("another fleet");
        other.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        X509Certificate foreign = Pki.readJdkCertificate(other.signingCertificate("h1"));
        CheckpointSigner stranger = new CheckpointSigner(Pki.readEd25519Key(other.signingKey("h1")), foreign.getPublicKey(), List.of(foreign));
        assertThatThrownBy(() -> fleetCa.verify(stranger.sign("svc", "ckpt-000001.tck", BigInteger.ONE, 10, new byte[32]), "svc"))
                .hasMessageContaining("not valid for this fleet's CA");
    }

    @Test
    void anOlderHostWithoutASigningKeyGetsOneAndNothingIsOverwritten() throws Exception {
        byte[] tlsCert = Files.readAllBytes(pki.certificate("h1"));
        Files.delete(pki.signingCertificate("h1"));
        Files.delete(pki.signingKey("h1"));
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        assertThat(pki.signingKey("h1")).exists();
        assertThat(Files.readAllBytes(pki.certificate("h1"))).isEqualTo(tlsCert);
        assertThatThrownBy(() -> pki.issue("h1", Pki.Usage.HOST, List.of(), List.of())).hasMessageContaining("refusing to overwrite");
    }

    @Test
    void chunksCarryAnyStreamWhole() throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        List<Integer> sizes = new java.util.ArrayList<>();
        try (AppsRpc.ChunkOut out = new AppsRpc.ChunkOut(c -> {
            sizes.add(c.length);
            got.write(c);
        })) {
            byte[] b = new byte[AppsRpc.CHUNK * 2 + 17];
            new Random(2).nextBytes(b);
            out.write(b);
            InputStream in = new AppsRpc.BoundedInput(new java.io.ByteArrayInputStream(b), 10);
            assertThat(in.readAllBytes()).hasSize(10);
        }
        assertThat(sizes).containsExactly(AppsRpc.CHUNK, AppsRpc.CHUNK, 17);
    }

    interface Call<T> {
        T run() throws Exception;
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
