package dev.talent.cli;

import com.sun.net.httpserver.HttpServer;
import dev.talent.migrate.RunMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --metrics ADDR:PORT}: serves {@link RunMetrics} ({@code talent run}) or an agent's or a controller's metrics
 * at {@code /metrics} (Prometheus text format, as Micrometer's registry writes it).
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** What a scrape serves: the exposition text. */
    @FunctionalInterface
    public interface Exposition {
        String text() throws InterruptedException;
    }

    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):([0-9]{1,5})");

    private final HttpServer server;
    private final RunMetrics metrics;

    private MetricsEndpoint(HttpServer server, RunMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /**
     * @throws IllegalArgumentException not ADDR:PORT
     * @throws IOException              the address cannot be bound
     */
    static MetricsEndpoint start(String address) throws IOException {
        RunMetrics metrics = new RunMetrics();
        return new MetricsEndpoint(serve(parse(address), metrics::scrape), metrics);
    }

    /**
     * Serves {@code exposition} at {@code http://ADDRESS/metrics}, plain HTTP without authentication as Prometheus
     * scrapes: bind it to loopback or to an address only the scraper reaches (it says which apps run where).
     *
     * @throws IllegalArgumentException not ADDR:PORT
     * @throws IOException              the address cannot be bound
     */
    public static MetricsEndpoint serve(String address, Exposition exposition) throws IOException {
        return new MetricsEndpoint(serve(parse(address), exposition), null);
    }

    private static HttpServer serve(InetSocketAddress bind, Exposition exposition) throws IOException {
        dev.talent.base.HttpServerLimits.apply();
        HttpServer server = HttpServer.create(bind, 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body;
                try {
                    body = exposition.text().getBytes(StandardCharsets.UTF_8);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                if (!exchange.getRequestMethod().equals("HEAD")) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    static InetSocketAddress parse(String address) {
        Matcher m = ADDRESS.matcher(address.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + address + "' is not ADDR:PORT (such as 127.0.0.1:9464)");
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) throw new IllegalArgumentException("port " + port + " is beyond 65535");
        String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown address " + host);
        }
    }

    /** The run's metrics ({@link #start}); null for an endpoint that serves another exposition ({@link #serve}). */
    RunMetrics metrics() { return metrics; }

    /** The port bound (when 0 was asked for). */
    public int port() { return server.getAddress().getPort(); }

    @Override
    public void close() { server.stop(0); }
}
