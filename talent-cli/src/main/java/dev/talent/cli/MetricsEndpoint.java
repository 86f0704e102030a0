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

/** {@code --metrics ADDR:PORT}: serves {@link RunMetrics} at {@code /metrics} (Prometheus text format). */
final class MetricsEndpoint implements AutoCloseable {
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
        InetSocketAddress bind = parse(address);
        RunMetrics metrics = new RunMetrics();
        HttpServer server = HttpServer.create(bind, 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
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
        return new MetricsEndpoint(server, metrics);
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

    RunMetrics metrics() { return metrics; }

    /** The port bound (when 0 was asked for). */
    int port() { return server.getAddress().getPort(); }

    @Override
    public void close() { server.stop(0); }
}
