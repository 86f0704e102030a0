package dev.talent.migrate.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.policy.Alert;
import dev.talent.policy.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The alerts resource, whatever carries it (the local control socket's HTTP, {@link HttpAlerts}; a fleet controller's
 * HTTPS endpoint with client certificates):
 * <pre>
 *   POST   /v1/alerts        {"tag":T, "reason":R?, "app":A?}   -> 200 {"alert":{Alert with effects}}
 *   GET    /v1/alerts                                          -> 200 {"alerts":[...]}
 *   DELETE /v1/alerts/T                                        -> 200 {"cleared":[...]}
 * </pre>
 * Errors are {@code {"error": message}} with 400 (a body or tag that is not valid), 404, 405, 500 or 503. The body
 * is at most {@link #MAX_BODY} bytes; the transport refuses larger ones before reading them.
 */
public final class AlertsApi {
    /** The largest request body taken. */
    public static final int MAX_BODY = 64 * 1024;

    private AlertsApi() {}

    /** What raises, lists and clears the alerts: one host's alert book, or a fleet's etcd. */
    public interface Service {
        /** Raises an alert and returns it once its effects are known (as the book or the fleet holds it then). */
        Alert raise(String tag, String app, String reason) throws PolicyException, ControlException, InterruptedException;

        /** The active alerts, oldest first. */
        List<Alert> active() throws PolicyException, ControlException, InterruptedException;

        /** Clears every alert with {@code tag}; returns them (empty: none was active). */
        List<Alert> clear(String tag) throws PolicyException, ControlException, InterruptedException;
    }

    /** An answer: its status and JSON body. */
    public record Response(int status, ObjectNode body) {
        /** The body as sent: JSON and a newline. */
        public byte[] bytes() { return (body.toString() + "\n").getBytes(StandardCharsets.UTF_8); }
    }

    /** Answers one request ({@code body}: exactly what the client sent, at most {@link #MAX_BODY} bytes). */
    public static Response handle(Service service, String method, String path, byte[] body) {
        try {
            if (path.equals("/v1/alerts")) {
                return switch (method) {
                    case "POST" -> raise(service, body);
                    case "GET" -> {
                        ObjectNode out = ControlJson.MAPPER.createObjectNode();
                        out.set("alerts", ControlJson.MAPPER.valueToTree(service.active()));
                        yield new Response(200, out);
                    }
                    default -> error(405, "use POST (raise) or GET (list) on /v1/alerts");
                };
            }
            if (path.startsWith("/v1/alerts/")) {
                if (!method.equals("DELETE")) return error(405, "use DELETE /v1/alerts/TAG to clear an alert");
                String tag = java.net.URLDecoder.decode(path.substring("/v1/alerts/".length()), StandardCharsets.UTF_8);
                List<Alert> cleared = service.clear(tag);
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
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "shutting down");
        }
    }

    private static Response raise(Service service, byte[] body) throws PolicyException, ControlException, InterruptedException {
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
        Alert raised = service.raise(tag.asText(), app == null || app.isNull() ? null : app.asText(),
                reason == null || reason.isNull() ? "" : reason.asText());
        ObjectNode out = ControlJson.MAPPER.createObjectNode();
        out.set("alert", ControlJson.MAPPER.valueToTree(raised));
        return new Response(200, out);
    }

    public static Response error(int status, String message) {
        ObjectNode out = ControlJson.MAPPER.createObjectNode();
        out.put("error", message);
        return new Response(status, out);
    }

    public static String phrase(int status) {
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
