package dev.talent.migrate.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.policy.Alert;
import dev.talent.policy.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 on a control socket, for intrusion detection systems and scripts ({@code curl --unix-socket}):
 * <pre>
 *   POST   /v1/alerts        {"tag":T, "reason":R?, "app":A?}   -> 200 {"alert":{Alert with effects}}
 *   GET    /v1/alerts                                          -> 200 {"alerts":[...]}
 *   DELETE /v1/alerts/T                                        -> 200 {"cleared":[...]}
 * </pre>
 * Authentication is the socket's: it lives in the user's 0700 directory with mode 0600, and the peer's uid
 * (SO_PEERCRED) must be the user's; anyone else gets 403. One request per connection ({@code Connection: close});
 * headers at most 64 lines, the body at most 64 KiB; the POST answers once every running app concerned has moved.
 */
final class HttpAlerts {
    private static final Pattern REQUEST_LINE = Pattern.compile("(GET|POST|DELETE|PUT|HEAD|OPTIONS|PATCH) (\\S{1,2048}) HTTP/1\\.[01]\\r?");
    private static final int MAX_BODY = 64 * 1024;
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
        if (length > MAX_BODY) return error(413, "the body is larger than " + MAX_BODY + " bytes");
        byte[] body = lines.readExactly((int) length, READ_TIMEOUT);
        try {
            if (path.equals("/v1/alerts")) {
                return switch (method) {
                    case "POST" -> raise(body);
                    case "GET" -> {
                        ObjectNode out = ControlJson.MAPPER.createObjectNode();
                        out.set("alerts", ControlJson.MAPPER.valueToTree(dispatcher.book().active()));
                        yield new Response(200, out);
                    }
                    default -> error(405, "use POST (raise) or GET (list) on /v1/alerts");
                };
            }
            if (path.startsWith("/v1/alerts/")) {
                if (!method.equals("DELETE")) return error(405, "use DELETE /v1/alerts/TAG to clear an alert");
                String tag = java.net.URLDecoder.decode(path.substring("/v1/alerts/".length()), StandardCharsets.UTF_8);
                List<Alert> cleared = dispatcher.clear(tag);
                if (cleared.isEmpty()) return error(404, "no active alert has tag " + tag);
                ObjectNode out = ControlJson.MAPPER.createObjectNode();
                out.set("cleared", ControlJson.MAPPER.valueToTree(cleared));
                return new Response(200, out);
            }
            return error(404, "no such resource: " + path + " (this endpoint serves /v1/alerts)");
        } catch (PolicyException e) {
            return error(e.getCause() instanceof IllegalArgumentException ? 400 : 500, e.getMessage());
        } catch (ControlException e) {
            return error(500, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "the app is shutting down");
        }
    }

    private Response raise(byte[] body) throws PolicyException, ControlException, InterruptedException {
        JsonNode json;
        try {
            json = ControlJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return error(400, "the body is not JSON");
        }
        if (json == null || !json.isObject()) return error(400, "the body must be a JSON object {\"tag\": ..., \"reason\": ...}");
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("tag", "reason", "app").contains(f)) return error(400, "unknown field \"" + f + "\" (tag, reason, app)");
        }
        JsonNode tag = json.get("tag");
        JsonNode reason = json.get("reason");
        JsonNode app = json.get("app");
        if (tag == null || !tag.isTextual()) return error(400, "\"tag\" (a string) is required");
        if (reason != null && !reason.isTextual() && !reason.isNull()) return error(400, "\"reason\" must be a string");
        if (app != null && !app.isTextual() && !app.isNull()) return error(400, "\"app\" must be a string");
        Alert raised = dispatcher.raise(tag.asText(), app == null || app.isNull() ? null : app.asText(),
                reason == null || reason.isNull() ? "" : reason.asText());
        ObjectNode out = ControlJson.MAPPER.createObjectNode();
        out.set("alert", ControlJson.MAPPER.valueToTree(raised));
        return new Response(200, out);
    }

    private static Response error(int status, String message) {
        ObjectNode out = ControlJson.MAPPER.createObjectNode();
        out.put("error", message);
        return new Response(status, out);
    }

    private static String phrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
