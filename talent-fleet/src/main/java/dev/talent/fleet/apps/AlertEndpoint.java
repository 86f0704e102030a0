package dev.talent.fleet.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.TlsFiles;
import dev.talent.migrate.control.AlertsApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A controller's alerts endpoint ({@code talent controller --alerts ADDR:PORT}): HTTPS with mutual TLS 1.3, the
 * fleet's CA the only trust anchor, a client certificate required in the handshake (a client without one from the
 * fleet CA is refused before it can send a request). It serves {@link AlertsApi}'s {@code /v1/alerts} (the same
 * bodies and answers as the local control socket's). HTTPS rather than the controllers' gRPC: intrusion detection
 * systems (Falco's falcosidekick, Suricata via a script, Alertmanager) post JSON webhooks with a client certificate and
 * speak no gRPC; the JDK's HTTPS server needs no new dependency.
 */
public final class AlertEndpoint implements AutoCloseable {
    private final HttpsServer server;
    private final ExecutorService threads;
    private final URI url;

    private AlertEndpoint(HttpsServer server, ExecutorService threads, URI url) {
        this.server = server;
        this.threads = threads;
        this.url = url;
    }

    /** Where clients reach it: {@code https://ADDR:PORT} (the address it was bound to, which its certificate names). */
    public URI url() { return url; }

    /**
     * Starts serving on {@code at} (port 0: a free one).
     *
     * @throws FleetException the TLS files are not usable, or the address cannot be bound
     */
    public static AlertEndpoint start(InetSocketAddress at, TlsFiles tls, AlertsApi.Service service, Consumer<String> events)
            throws FleetException {
        if (at.getAddress() == null || at.getAddress().isAnyLocalAddress())
            throw new FleetException("--alerts needs the address clients reach (one the controller's certificate names), not "
                    + at.getHostString());
        SSLContext ctx = tls.jdkContext();
        dev.talent.base.HttpServerLimits.apply();
        HttpsServer server;
        try {
            server = HttpsServer.create(at, 64);
        } catch (IOException e) {
            throw new FleetException("cannot listen for alerts on " + at + ": " + e.getMessage(), e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(threads);
        server.createContext("/", ex -> serve(ex, service, events));
        server.start();
        String host = at.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return new AlertEndpoint(server, threads, URI.create("https://" + host + ":" + server.getAddress().getPort()));
    }

    private static void serve(HttpExchange ex, AlertsApi.Service service, Consumer<String> events) throws IOException {
        try (ex) {
            AlertsApi.Response r;
            String te = ex.getRequestHeaders().getFirst("Transfer-Encoding");
            String cl = ex.getRequestHeaders().getFirst("Content-Length");
            if (te != null) {
                r = AlertsApi.error(411, "send the body with a Content-Length (curl does for -d/--data)");
            } else if (cl != null && (!cl.strip().matches("[0-9]{1,9}") || Long.parseLong(cl.strip()) > AlertsApi.MAX_BODY)) {
                r = AlertsApi.error(413, "the body is larger than " + AlertsApi.MAX_BODY + " bytes");
            } else {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readNBytes(AlertsApi.MAX_BODY + 1);
                }
                if (body.length > AlertsApi.MAX_BODY) {
                    r = AlertsApi.error(413, "the body is larger than " + AlertsApi.MAX_BODY + " bytes");
                } else {
                    String who = ex instanceof HttpsExchange s ? peer(s) : "?";
                    String method = ex.getRequestMethod();
                    String path = ex.getRequestURI().getRawPath();
                    r = AlertsApi.handle(service, method, path == null ? "" : path, body);
                    if (!method.equals("GET")) events.accept("alerts: " + method + " " + path + " from " + who + ": " + r.status());
                }
            }
            byte[] out = r.bytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.status(), out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        }
    }

    private static String peer(HttpsExchange ex) {
        try {
            return ex.getSSLSession().getPeerPrincipal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "an unverified peer";
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
