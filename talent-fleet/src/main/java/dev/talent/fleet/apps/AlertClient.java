package dev.talent.fleet.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Hosts;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.ControlJson;
import io.etcd.jetcd.KeyValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's side of a controller's alerts endpoint ({@code talent alert --fleet FILE ...}): it finds the endpoints in
 * etcd ({@code /talent/alert-endpoints/}), the leader's first, and calls {@code /v1/alerts} over HTTPS with the
 * fleet file's certificate; a controller that does not answer is skipped for the next.
 */
public final class AlertClient {
    private AlertClient() {}

    /** The controller's answer: HTTP status and JSON body. */
    public record Answer(int status, JsonNode body, URI from) {}

    /** How long an answer may take (a POST waits up to 30 s for the apps to move). */
    static final Duration ANSWER = Duration.ofSeconds(60);
    /** TCP connect and TLS handshake (on a loaded machine a 3 s limit failed against a lab controller that answered curl). */
    static final Duration CONNECT = Duration.ofSeconds(15);

    public static Answer call(FleetConfig config, String method, String path, byte[] body) throws FleetException, InterruptedException {
        List<URI> endpoints = new ArrayList<>();
        try (Etcd etcd = Etcd.connect(config)) {
            Optional<String> leader = Hosts.leader(etcd).map(Records.ControllerRecord::host);
            for (KeyValue kv : etcd.list(EtcdKeys.ALERT_ENDPOINTS)) {
                Records.AlertEndpoint e = Etcd.decode(kv, Records.AlertEndpoint.class);
                URI u;
                try {
                    u = URI.create(e.url());
                } catch (IllegalArgumentException x) {
                    continue;
                }
                if (!"https".equals(u.getScheme())) continue;
                if (leader.isPresent() && leader.get().equals(e.host())) endpoints.addFirst(u);
                else endpoints.add(u);
            }
        }
        if (endpoints.isEmpty())
            throw new FleetException("no controller of the fleet serves alerts (start controllers with --alerts ADDR:PORT;"
                    + " `talent lab up` does)");
        HttpClient http = HttpClient.newBuilder().sslContext(config.tls().jdkContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT).build();
        List<String> failures = new ArrayList<>();
        try (http) {
            for (URI u : endpoints) {
                HttpRequest.Builder b = HttpRequest.newBuilder(u.resolve(path)).timeout(ANSWER).header("Content-Type", "application/json");
                HttpRequest r = b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)).build();
                try {
                    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
                    if (resp.body().length > 16 << 20) throw new IOException("an answer of " + resp.body().length + " bytes");
                    JsonNode json;
                    try {
                        json = ControlJson.MAPPER.readTree(resp.body());
                    } catch (IOException e) {
                        throw new IOException("an answer that is not JSON (status " + resp.statusCode() + ")", e);
                    }
                    return new Answer(resp.statusCode(), json, u);
                } catch (IOException e) {
                    failures.add(u + ": " + e.getMessage());
                }
            }
        }
        throw new FleetException("no controller's alerts endpoint answered: " + String.join("; ", failures));
    }
}
