package dev.talent.migrate.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The wire format, one JSON object per line each way, one request per connection:
 * <pre>
 *   {"op":"ping"}                                  -> {"ok":true,"app":A,"pid":P}
 *   {"op":"status"}                                -> {"ok":true,"app":A,"pid":P,"status":{StatusReport}}
 *   {"op":"migrate","to":"s390x"|null,"wait":true} -> {"ok":true,"app":A,"pid":P,"migration":{MigrationRecord}}
 *   {"op":"migrate","to":null,"wait":false}        -> {"ok":true,"app":A,"pid":P,"queued":true}
 *   {"op":"alert","alert":{Alert}}                 -> {"ok":true,"app":A,"pid":P,"effect":{Alert.Effect}}
 *   {"op":"alert-clear","tag":T}                   -> {"ok":true,"app":A,"pid":P}
 *   any failure                                    -> {"ok":false,"app":A,"pid":P,"error":MESSAGE,"code":CODE}
 * </pre>
 * CODE is one of {@code bad-request} (not this protocol), {@code refused} (the app declined: the message says
 * why), {@code permission-denied} (another user), {@code internal} (a bug in talent run). "wait" defaults to
 * true; unknown fields are errors, so a mismatch between talent versions is reported rather than half-understood.
 */
final class ControlProtocol {
    static final String BAD_REQUEST = "bad-request";
    static final String REFUSED = "refused";
    static final String PERMISSION_DENIED = "permission-denied";
    static final String INTERNAL = "internal";

    private ControlProtocol() {}

    sealed interface Request {
        record Ping() implements Request {}

        record Status() implements Request {}

        record Migrate(Optional<String> to, boolean untilDone) implements Request {}

        record RaiseAlert(dev.talent.policy.Alert alert) implements Request {}

        record ClearAlert(String tag) implements Request {}
    }

    /** The request is not this protocol; the message says what is wrong. */
    static final class BadRequestException extends Exception {
        private static final long serialVersionUID = 1L;
        BadRequestException(String message) {
            super(message);
        }
    }

    static String encode(Request request) {
        ObjectNode json = ControlJson.MAPPER.createObjectNode();
        switch (request) {
            case Request.Ping p -> json.put("op", "ping");
            case Request.Status s -> json.put("op", "status");
            case Request.Migrate m -> {
                json.put("op", "migrate");
                json.put("to", m.to().orElse(null));
                json.put("wait", m.untilDone());
            }
            case Request.RaiseAlert a -> {
                json.put("op", "alert");
                json.set("alert", ControlJson.MAPPER.valueToTree(a.alert()));
            }
            case Request.ClearAlert c -> {
                json.put("op", "alert-clear");
                json.put("tag", c.tag());
            }
        }
        return json.toString();
    }

    static Request decode(String line) throws BadRequestException {
        JsonNode json;
        try {
            json = ControlJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("request is not JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) throw new BadRequestException("request is not a JSON object");
        JsonNode op = json.get("op");
        if (op == null || !op.isTextual()) throw new BadRequestException("request has no \"op\" (status, migrate or ping)");
        return switch (op.asText()) {
            case "ping" -> {
                onlyFields(json, Set.of("op"));
                yield new Request.Ping();
            }
            case "status" -> {
                onlyFields(json, Set.of("op"));
                yield new Request.Status();
            }
            case "migrate" -> {
                onlyFields(json, Set.of("op", "to", "wait"));
                JsonNode to = json.get("to");
                if (to != null && !to.isNull() && !(to.isTextual() && !to.asText().isEmpty())) {
                    throw new BadRequestException("\"to\" must be a platform name or null, not " + to);
                }
                JsonNode wait = json.get("wait");
                if (wait != null && !wait.isBoolean()) throw new BadRequestException("\"wait\" must be true or false, not " + wait);
                yield new Request.Migrate(to == null || to.isNull() ? Optional.empty() : Optional.of(to.asText()),
                        wait == null || wait.booleanValue());
            }
            case "alert" -> {
                onlyFields(json, Set.of("op", "alert"));
                try {
                    yield new Request.RaiseAlert(ControlJson.MAPPER.treeToValue(json.get("alert"), dev.talent.policy.Alert.class));
                } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
                    throw new BadRequestException("\"alert\" is not an alert: " + e.getMessage());
                }
            }
            case "alert-clear" -> {
                onlyFields(json, Set.of("op", "tag"));
                JsonNode tag = json.get("tag");
                if (tag == null || !tag.isTextual()) throw new BadRequestException("\"tag\" must be a tag");
                try {
                    dev.talent.policy.Alert.checkTag(tag.asText());
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException(e.getMessage());
                }
                yield new Request.ClearAlert(tag.asText());
            }
            default -> throw new BadRequestException("unknown op \"" + op.asText() + "\" (this app understands status, migrate, "
                    + "ping, alert, alert-clear)");
        };
    }

    private static void onlyFields(JsonNode json, Set<String> allowed) throws BadRequestException {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new BadRequestException("unknown field \"" + name + "\" in a " + json.get("op").asText() + " request");
            }
        }
    }

    static ObjectNode success(String app, long pid) {
        ObjectNode json = ControlJson.MAPPER.createObjectNode();
        json.put("ok", true);
        json.put("app", app);
        json.put("pid", pid);
        return json;
    }

    static ObjectNode failure(String app, long pid, String code, String message) {
        ObjectNode json = ControlJson.MAPPER.createObjectNode();
        json.put("ok", false);
        json.put("app", app);
        json.put("pid", pid);
        json.put("error", message);
        json.put("code", code);
        return json;
    }
}
