package dev.talent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AlertClient;
import dev.talent.migrate.control.ControlJson;
import dev.talent.policy.Alert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code talent alert --fleet FILE}, {@code alerts --fleet FILE}, {@code alert clear --fleet FILE T}: the same
 * {@code /v1/alerts} calls an intrusion detection system makes, on a controller's HTTPS endpoint with the fleet
 * file's certificate.
 */
final class FleetAlertCalls {
    private FleetAlertCalls() {}

    /** A refusal by the controller: its status and message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static Alert raise(Path fleet, String tag, String app, String reason) throws FleetException, InterruptedException, Refused {
        ObjectNode body = ControlJson.MAPPER.createObjectNode();
        body.put("tag", tag);
        if (app != null) body.put("app", app);
        body.put("reason", reason == null ? "" : reason);
        JsonNode out = check(AlertClient.call(FleetConfig.read(fleet), "POST", "/v1/alerts",
                body.toString().getBytes(StandardCharsets.UTF_8)));
        return alert(out.get("alert"));
    }

    static List<Alert> active(Path fleet) throws FleetException, InterruptedException, Refused {
        return alerts(check(AlertClient.call(FleetConfig.read(fleet), "GET", "/v1/alerts", null)).get("alerts"));
    }

    static List<Alert> clear(Path fleet, String tag) throws FleetException, InterruptedException, Refused {
        return alerts(check(AlertClient.call(FleetConfig.read(fleet), "DELETE",
                "/v1/alerts/" + URLEncoder.encode(tag, StandardCharsets.UTF_8), null)).get("cleared"));
    }

    private static JsonNode check(AlertClient.Answer a) throws Refused {
        if (a.status() == 200) return a.body();
        JsonNode e = a.body() == null ? null : a.body().get("error");
        throw new Refused(a.status(), e != null && e.isTextual() ? e.asText() : "status " + a.status() + " from " + a.from());
    }

    private static Alert alert(JsonNode n) throws FleetException {
        if (n == null || !n.isObject()) throw new FleetException("the controller's answer has no alert");
        try {
            return ControlJson.MAPPER.convertValue(n, Alert.class);
        } catch (IllegalArgumentException e) {
            throw new FleetException("the controller's answer is not an alert: " + e.getMessage(), e);
        }
    }

    private static List<Alert> alerts(JsonNode n) throws FleetException {
        if (n == null || !n.isArray()) throw new FleetException("the controller's answer has no list of alerts");
        List<Alert> out = new ArrayList<>();
        for (JsonNode a : n) out.add(alert(a));
        return out;
    }
}
