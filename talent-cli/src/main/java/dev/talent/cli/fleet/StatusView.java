package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.cli.MigrationLine;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code talent status} of a fleet app: as text, and as the JSON object of {@code status --json}. */
public final class StatusView {
    private StatusView() {}

    static String state(AppStore.AppView v) {
        if (v.spec().value().undeploy()) return "undeploying";
        if (v.ended().isPresent()) return "ended";
        if (v.inFlight().isPresent()) return "migrating";
        return v.placement().isPresent() ? "running" : "starting";
    }

    static String ended(AppRecords.Ended e) {
        return e.error() != null ? e.error() : "exit status " + e.status() + " on " + e.host() + "/" + e.platform();
    }

    /** The app's address: its own with --net and --ip, else its host's. */
    static Optional<String> address(AppStore.AppView v, Map<String, Records.HostInfo> hosts) {
        if (v.spec().value().ip() != null) return Optional.of(v.spec().value().ip());
        return v.where().map(p -> hosts.get(p.host())).map(Records.HostInfo::address);
    }

    static ObjectNode json(AppStore.AppView v, Map<String, Records.HostInfo> hosts) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("name", v.name());
        o.put("state", state(v));
        Optional<Records.Placement> p = v.placement().map(AppStore.Versioned::value);
        o.put("host", p.map(Records.Placement::host).orElse(null));
        o.put("platform", p.map(Records.Placement::platform).orElse(null));
        o.put("address", address(v, hosts).orElse(null));
        o.put("since", p.map(x -> Instant.ofEpochMilli(x.sinceMs()).toString()).orElse(null));
        o.put("next_migration", p.map(Records.Placement::nextMs).map(ms -> Instant.ofEpochMilli(ms).toString()).orElse(null));
        v.inFlight().ifPresent(f -> o.set("in_flight", ControlJson.MAPPER.valueToTree(f.value())));
        if (v.ended().isPresent()) {
            o.put("status", v.ended().get().status());
            o.put("error", v.ended().get().error());
        }
        ArrayNode m = o.putArray("migrations");
        for (MigrationRecord r : v.migrations()) m.add(ControlJson.MAPPER.<ObjectNode>valueToTree(r));
        // etcd keeps the newest AppRecords.KEEP_RECORDS records: the older ones are only counted
        v.compacted().ifPresent(c -> o.set("migrations_compacted", ControlJson.MAPPER.valueToTree(c.value())));
        o.put("epoch", p.map(Records.Placement::epoch).orElse(0L));
        return o;
    }

    static String text(AppStore.AppView v, Map<String, Records.HostInfo> hosts) {
        StringBuilder s = new StringBuilder(v.name()).append(": ").append(state(v));
        v.where().ifPresent(w -> s.append(" on ").append(w));
        address(v, hosts).ifPresent(a -> s.append(" (").append(a).append(')'));
        v.placement().ifPresent(p -> s.append(" since ").append(Instant.ofEpochMilli(p.value().sinceMs())));
        v.ended().ifPresent(e -> s.append("; ").append(ended(e)));
        List<MigrationRecord> ms = v.migrations();
        long okCount = ms.stream().filter(MigrationRecord::ok).count() + v.compacted().map(c -> c.value().ok()).orElse(0L);
        s.append("; ").append(v.total()).append(" migration").append(v.total() == 1 ? "" : "s")
                .append(" (").append(okCount).append(" ok)\n");
        for (MigrationRecord r : ms.subList(Math.max(0, ms.size() - 10), ms.size()))
            s.append("  ").append(MigrationLine.of(r)).append('\n');
        return s.toString();
    }
}
