package dev.talent.migrate.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talent.policy.Alert;
import dev.talent.policy.AlertBook;
import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** POST/GET/DELETE /v1/alerts over HTTP on a control socket, and the line protocol's alert ops behind it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HttpAlertsTest {
    @TempDir Path temp;
    private ControlPaths paths;
    private final List<ControlServer> servers = new CopyOnWriteArrayList<>();

    /** An app on x86_64 that "moves" to s390x when an alert names a tag of x86_64. */
    static final class AlertedApp implements ControlHandler {
        final String name;
        final List<String> cleared = new CopyOnWriteArrayList<>();

        AlertedApp(String name) { this.name = name; }

        @Override public StatusReport status() { return Samples.status(name, 1); }

        @Override public Optional<MigrationRecord> migrate(Optional<String> to, boolean wait) { return Optional.empty(); }

        @Override
        public Alert.Effect alert(Alert alert) {
            Alert.Effect e = alert.tag().equals("glibc-2.36")
                    ? new Alert.Effect(name, "moved", "x86_64", "x86_64-musl", "2026-01-01T00:00:00Z", "downtime 40.0 ms")
                    : new Alert.Effect(name, "unaffected", "x86_64", null, "2026-01-01T00:00:00Z", null);
            // as talent run: it answers what it did; the dispatcher records the answers in the book
            return e;
        }

        @Override public void alertCleared(String tag) { cleared.add(tag); }
    }

    private AlertedApp a, b;

    @BeforeEach
    void start() throws Exception {
        paths = ControlPaths.at(temp.resolve("ctl"));
        a = new AlertedApp("web");
        b = new AlertedApp("db");
        servers.add(ControlServer.start(paths, "web", a));
        servers.add(ControlServer.start(paths, "db", b));
    }

    @AfterEach
    void stop() { servers.forEach(ControlServer::close); }

    record HttpAnswer(int status, JsonNode body) {}

    private HttpAnswer http(String app, String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(paths.socketFor(app)))) {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) ch.write(out);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in.clear()) > 0) all.write(in.array(), 0, in.position());
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            assertThat(split).as(text).isPositive();
            String head = text.substring(0, split);
            assertThat(head).startsWith("HTTP/1.1 ").contains("Content-Type: application/json");
            return new HttpAnswer(Integer.parseInt(head.substring(9, 12)), ControlJson.MAPPER.readTree(text.substring(split + 4)));
        }
    }

    private static String post(String body) {
        return "POST /v1/alerts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void postRaisesTheAlertForEveryAppAndAnswersWithTheEffects() throws Exception {
        HttpAnswer r = http("db", post("{\"tag\":\"glibc-2.36\",\"reason\":\"IDS: iconv exploit seen\"}"));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        JsonNode alert = r.body().get("alert");
        assertThat(alert.get("tag").asText()).isEqualTo("glibc-2.36");
        assertThat(alert.get("reason").asText()).isEqualTo("IDS: iconv exploit seen");
        assertThat(alert.get("effects")).hasSize(2);
        assertThat(alert.get("effects").findValuesAsText("app")).containsExactlyInAnyOrder("web", "db");
        assertThat(alert.get("effects").findValuesAsText("action")).as(alert.toString()).containsOnly("moved");
        assertThat(AlertBook.in(paths.directory()).quarantinedTags("any")).containsExactly("glibc-2.36");

        HttpAnswer list = http("web", "GET /v1/alerts HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("alerts").findValuesAsText("tag")).containsExactly("glibc-2.36");

        HttpAnswer cleared = http("web", "DELETE /v1/alerts/glibc-2.36 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(a.cleared).containsExactly("glibc-2.36");
        assertThat(b.cleared).containsExactly("glibc-2.36");
        assertThat(AlertBook.in(paths.directory()).active()).isEmpty();
        assertThat(http("web", "DELETE /v1/alerts/glibc-2.36 HTTP/1.1\r\n\r\n").status()).isEqualTo(404);
    }

    @Test
    void anAlertForOneAppReachesOnlyIt() throws Exception {
        HttpAnswer r = http("web", post("{\"tag\":\"s390x\",\"app\":\"db\"}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("alert").get("effects").findValuesAsText("app")).containsExactly("db");
        assertThat(AlertBook.in(paths.directory()).quarantinedTags("web")).isEmpty();
        assertThat(AlertBook.in(paths.directory()).quarantinedTags("db")).containsExactly("s390x");
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() throws Exception {
        assertThat(http("web", post("{\"tag\":\"has space\"}")).status()).isEqualTo(400);
        assertThat(http("web", post("{\"reason\":\"no tag\"}")).body().get("error").asText()).contains("\"tag\"");
        assertThat(http("web", post("{\"tag\":\"x\",\"priority\":1}")).body().get("error").asText()).contains("unknown field");
        assertThat(http("web", post("not json")).status()).isEqualTo(400);
        assertThat(http("web", "POST /v1/alerts HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n").status()).isEqualTo(413);
        assertThat(http("web", "POST /v1/alerts HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status()).isEqualTo(411);
        assertThat(http("web", "GET /v2/other HTTP/1.1\r\n\r\n").status()).isEqualTo(404);
        assertThat(http("web", "PUT /v1/alerts HTTP/1.1\r\n\r\n").status()).isEqualTo(405);
        assertThat(AlertBook.in(paths.directory()).active()).isEmpty();
    }

    @Test
    void theLineProtocolCarriesAlertsToo() throws Exception {
        ControlClient client = new ControlClient(paths);
        AlertBook.in(paths.directory()).raise(new Alert("glibc-2.36", null, "r", "2026-01-01T00:00:00Z", null));
        Alert.Effect e = client.alert("web", new Alert("glibc-2.36", null, "r", "2026-01-01T00:00:00Z", null));
        assertThat(e.action()).isEqualTo("moved");
        assertThat(e.to()).isEqualTo("x86_64-musl");
        client.clearAlert("db", "glibc-2.36");
        assertThat(b.cleared).containsExactly("glibc-2.36");
    }
}
