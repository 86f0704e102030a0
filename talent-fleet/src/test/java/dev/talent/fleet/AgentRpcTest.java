package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** The agent's service over mutual TLS 1.3 on the loopback: answers the fleet's certificates, refuses the rest. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentRpcTest {
    @TempDir Path tmp;
    private Pki pki;
    private Server server;

    @BeforeEach
    void serve() throws Exception {
        pki = Pki.at(tmp.resolve("pki"));
        pki.init("test CA");
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        TlsFiles host = new TlsFiles(pki.caCertificate(), pki.certificate("h1"), pki.key("h1"));
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0)).sslContext(host.serverContext())
                .addService(AgentRpc.service(() -> new Records.AgentAlive("h1", 42, 7))).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void answersAClientWithACertificateFromTheFleetCa() throws Exception {
        TlsFiles cli = new TlsFiles(pki.caCertificate(), pki.certificate("cli"), pki.key("cli"));
        assertThat(AgentRpc.ping(cli, "127.0.0.1", server.getPort(), "test", Duration.ofSeconds(10)))
                .isEqualTo(new Records.AgentAlive("h1", 42, 7));
    }

    @Test
    void refusesAClientWithACertificateFromAnotherCa() throws Exception {
        Pki other = Pki.at(tmp.resolve("other"));
        other.init("another CA");
        other.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        // trusts the fleet's CA (so it would accept the server) but presents a certificate of another CA
        TlsFiles stranger = new TlsFiles(pki.caCertificate(), other.certificate("cli"), other.key("cli"));
        assertThatThrownBy(() -> AgentRpc.ping(stranger, "127.0.0.1", server.getPort(), "test", Duration.ofSeconds(10)))
                .isInstanceOf(FleetException.class).hasMessageContaining("UNAVAILABLE");
    }

    @Test
    void refusesAClientWithoutCertificateDuringTheHandshake() throws Exception {
        // a plain TLS 1.3 client that trusts everything and presents no certificate
        var trustAll = new javax.net.ssl.X509TrustManager() {
            @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
            @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
            @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        };
        var ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        SSLSocketFactory f = ctx.getSocketFactory();
        try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", server.getPort())) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            // TLS 1.3: the server's refusal of the missing certificate arrives after the client's Finished, so it
            // shows at the handshake, the first write or the first read, whichever meets it first
            assertThatThrownBy(() -> {
                s.startHandshake();
                s.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                if (s.getInputStream().read() < 0) throw new java.io.EOFException("closed");
            }).isInstanceOfAny(SSLHandshakeException.class, javax.net.ssl.SSLException.class, java.io.EOFException.class,
                    java.net.SocketException.class);
        }
    }
}
