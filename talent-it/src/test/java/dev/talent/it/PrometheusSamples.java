package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A metrics endpoint scraped and parsed by the Prometheus project's own text-format parser (its Python client, Debian's
 * python3-prometheus-client, run through {@code scripts/prom-samples.py}), not by a parser of ours: a malformed
 * exposition or a family without a TYPE fails the test with the parser's message.
 */
final class PrometheusSamples {
    static final Path SCRIPT = Path.of("scripts/prom-samples.py").toAbsolutePath();
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private PrometheusSamples() {
    }

    /** GET http://127.0.0.1:PORT/metrics, checked as format 0.0.4 and parsed: "name{sorted labels}" to value. */
    static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return parse(r.body());
    }

    /** The exposition's samples as the Prometheus parser reads them: "name{sorted labels}" to value. */
    static Map<String, Double> parse(String exposition) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(PYTHON) && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/prometheus_client")))
                .withFailMessage("the Prometheus parser is not installed (apt-get install python3-prometheus-client)").isTrue();
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the parser ended").isTrue();
        assertThat(p.exitValue()).withFailMessage("the Prometheus parser refused the exposition: %s%n%s", out, exposition).isZero();
        Map<String, Double> samples = new HashMap<>();
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty()) continue;
            int tab = line.lastIndexOf('\t');
            assertThat(tab).as("parser output line: %s", line).isPositive();
            samples.put(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1)));
        }
        return samples;
    }
}
