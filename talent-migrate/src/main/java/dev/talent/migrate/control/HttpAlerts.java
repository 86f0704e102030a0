package dev.talent.migrate.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 on a control socket, for intrusion detection systems and scripts ({@code curl --unix-socket}): the
 * framing (request line, headers, body) is read here; the resources ({@code /v1/alerts}) are {@link AlertsApi}'s,
 * which a fleet's controller serves over mutual TLS as well.
 * Authentication is the socket's: it lives in the user's 0700 directory with mode 0600, and the peer's uid
 * (SO_PEERCRED) must be the user's; anyone else gets 403. One request per connection ({@code Connection: close});
 * headers at most 64 lines, the body at most 64 KiB; the POST answers once every running app concerned has moved.
 */
final class HttpAlerts {
    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|POST|DELETE|PUT|HEAD|OPTIONS|PATCH) (\\S{1,2048}) HTTP/1\\.[01]\\r?");
    private static final int MAX_HEADERS = 64;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final AlertDispatcher dispatcher;

    HttpAlerts(AlertDispatcher dispatcher) { this.dispatcher = dispatcher; }

    static boolean isRequestLine(String line) {
        return REQUEST_LINE.matcher(line).matches();
    }

    private record Response(int status, ObjectNode body) {}

    void serve(String requestLine, LineChannel lines, Optional<String> refusal) throws IOException {
        Response r;
        try {
            r = handle(requestLine, lines, refusal);
        } catch (LineChannel.TimeoutException e) {
            r = error(408, "the request was not complete within " + READ_TIMEOUT.toSeconds() + " s");
        } catch (LineChannel.LineTooLongException e) {
            r = error(431, "a header line is too long");
        }
        byte[] body = (r.body().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + r.status() + " " + phrase(r.status()) + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        lines.write(head.getBytes(StandardCharsets.US_ASCII));
        lines.write(body);
    }

    private Response handle(String requestLine, LineChannel lines, Optional<String> refusal) throws IOException {
        Matcher m = REQUEST_LINE.matcher(requestLine);
        if (!m.matches()) return error(400, "not an HTTP request line");
        String method = m.group(1);
        String path = m.group(2);
        long length = 0;
        boolean chunked = false;
        for (int n = 0; ; n++) {
            if (n > MAX_HEADERS) return error(431, "more than " + MAX_HEADERS + " header lines");
            String h = lines.readLine(Optional.of(READ_TIMEOUT)).orElse("");
            if (h.endsWith("\r")) h = h.substring(0, h.length() - 1);
            if (h.isEmpty()) break;
            int colon = h.indexOf(':');
            if (colon <= 0) return error(400, "malformed header line");
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                if (!value.matches("[0-9]{1,9}")) return error(400, "bad Content-Length");
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                chunked = true;
            }
        }
        if (refusal.isPresent()) return error(403, refusal.get());
        if (chunked) return error(411, "send the body with a Content-Length (curl does for -d/--data)");
        if (length > AlertsApi.MAX_BODY) return error(413, "the body is larger than " + AlertsApi.MAX_BODY + " bytes");
        byte[] body = lines.readExactly((int) length, READ_TIMEOUT);
        AlertsApi.Response r = AlertsApi.handle(dispatcher, method, path, body);
        return new Response(r.status(), r.body());
    }

    private static Response error(int status, String message) {
        AlertsApi.Response r = AlertsApi.error(status, message);
        return new Response(r.status(), r.body());
    }

    private static String phrase(int status) { return AlertsApi.phrase(status); }
}
