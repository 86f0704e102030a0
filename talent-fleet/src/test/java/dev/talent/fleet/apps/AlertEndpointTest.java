package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Pki;
import dev.talent.fleet.TlsFiles;
import dev.talent.migrate.control.AlertsApi;
import dev.talent.policy.Alert;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A controller's alerts endpoint: mutual TLS 1.3 with the fleet CA, and the same /v1/alerts as the local socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlertEndpointTest {
    @TempDir Path tmp;

    /** An alert service in memory that counts the calls that reach it. */
    private static final class Book implements AlertsApi.Service {
        final List<Alert> alerts = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public synchronized Alert raise(String tag, String app, String reason) throws dev.talent.policy.PolicyException {
            calls.incrementAndGet();
            try {
                Alert a = new Alert(tag, app, reason, "2026-12-03T00:00:00Z", null);
                alerts.add(a);
                return a;
            } catch (IllegalArgumentException e) {
                throw new dev.talent.policy.PolicyException(e.getMessage(), e);
            }
        }

        @Override
        public synchronized List<Alert> active() {
            calls.incrementAndGet();
            return List.copyOf(alerts);
        }

        @Override
        public synchronized List<Alert> clear(String tag) {
            calls.incrementAndGet();
            List<Alert> gone = alerts.stream().filter(a -> a.tag().equals(tag)).toList();
            alerts.removeAll(gone);
            return gone;
        }
    }

    private static HttpResponse<String> send(SSLContext ctx, URI u, String method, String body) throws Exception {
        try (HttpClient c = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            return c.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(10))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** A context that trusts the fleet CA but presents no certificate. */
    private static SSLContext anonymous(Path ca) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pki.readJdkCertificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void onlyAClientWithACertificateOfTheFleetCaIsServed() throws Exception {
        Pki fleet = Pki.at(tmp.resolve("pki"));
        fleet.init("fleet CA");
        fleet.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        fleet.issue("falco", Pki.Usage.CLIENT, List.of(), List.of());
        Pki other = Pki.at(tmp.resolve("other"));
        other.init("another CA");
        other.issue("falco", Pki.Usage.CLIENT, List.of(), List.of());
        Book book = new Book();
        TlsFiles server = new TlsFiles(fleet.caCertificate(), fleet.certificate("h1"), fleet.key("h1"));
        try (AlertEndpoint e = AlertEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server, book, x -> {})) {
            URI alerts = e.url().resolve("/v1/alerts");
            SSLContext good = new TlsFiles(fleet.caCertificate(), fleet.certificate("falco"), fleet.key("falco")).jdkContext();
            HttpResponse<String> r = send(good, alerts, "POST", "{\"tag\":\"CVE-2024-2961\",\"reason\":\"falco: iconv\"}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"alert\":{\"tag\":\"CVE-2024-2961\"").contains("falco: iconv");
            assertThat(send(good, alerts, "GET", null).body()).contains("\"alerts\":[{\"tag\":\"CVE-2024-2961\"");
            // the same validation as the local socket's (AlertsApi)
            assertThat(send(good, alerts, "POST", "{\"tag\":\"no spaces\"}").statusCode()).isEqualTo(400);
            assertThat(send(good, alerts, "POST", "{\"tag\":\"x\",\"extra\":1}").body()).contains("unknown field \\\"extra\\\"");
            assertThat(send(good, alerts, "POST", "x".repeat(AlertsApi.MAX_BODY + 1)).statusCode()).isEqualTo(413);
            assertThat(send(good, alerts, "PUT", "{}").statusCode()).isEqualTo(405);
            assertThat(send(good, e.url().resolve("/v1/alerts/CVE-2024-2961"), "DELETE", null).body()).contains("\"cleared\":[");
            assertThat(send(good, e.url().resolve("/v1/alerts/CVE-2024-2961"), "DELETE", null).statusCode()).isEqualTo(404);
            int served = book.calls.get();
            // no client certificate, one of another CA, and plain HTTP: refused in the handshake, nothing reaches the book
            SSLContext none = anonymous(fleet.caCertificate());
            SSLContext wrong = new TlsFiles(fleet.caCertificate(), other.certificate("falco"), other.key("falco")).jdkContext();
            for (SSLContext bad : List.of(none, wrong))
                assertThatThrownBy(() -> send(bad, alerts, "POST", "{\"tag\":\"evil\"}")).isInstanceOf(IOException.class);
            URI plain = URI.create("http://" + e.url().getAuthority() + "/v1/alerts");
            assertThatThrownBy(() -> send(good, plain, "POST", "{\"tag\":\"evil\"}")).isInstanceOf(IOException.class);
            assertThat(book.calls.get()).isEqualTo(served);
            assertThat(book.alerts).isEmpty();
        }
    }

    @Test
    void theWildcardAddressIsRefused() {
        assertThatThrownBy(() -> AlertEndpoint.start(new InetSocketAddress(0), new TlsFiles(tmp, tmp, tmp), new Book(), x -> {}))
                .hasMessageContaining("needs the address clients reach");
    }
}
