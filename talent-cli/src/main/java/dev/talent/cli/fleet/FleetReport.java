package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AppArchive;
import dev.talent.fleet.apps.AppRef;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetHistory;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code talent report APP --fleet FILE}: the events of {@code talent report}'s page for a fleet app, from etcd instead
 * of a {@code history.jsonl}: {@code start} (where it was first, at its deployment), its kept migration records
 * ({@code migration}, places as {@code host/platform}, so the timeline has one lane per host and platform), its alert
 * history ({@code alert}, {@code alert-clear}: {@link FleetHistory}) and {@code end} when it ended; in time order.
 * An undeployed app's page comes from its archive ({@link AppArchive}) while etcd keeps it.
 */
public final class FleetReport {
    private FleetReport() {}

    /**
     * The events of the app {@code ref} names: the deployed app, else its newest kept incarnation; with a generation
     * ({@code APP@G}), that kept incarnation only. Empty when there is none.
     */
    public static Optional<ArrayNode> read(Path fleet, Map<String, String> env, AppRef ref) throws FleetException, InterruptedException {
        try (FleetSession s = FleetSession.open(fleet, env)) {
            if (ref.generation().isEmpty()) {
                Optional<AppStore.AppView> v = new AppStore(s.etcd).view(ref.app());
                if (v.isPresent()) return Optional.of(events(v.get(), new FleetHistory(s.etcd).read(ref.app())));
            }
            // undeployed: its history, while etcd keeps it (talent controller --keep-ended)
            return FleetCommands.retired(s, ref).map(FleetReport::events);
        }
    }

    /** The events of an undeployed app, from its archive: they end with its end (its stop by undeploy if nothing else). */
    static ArrayNode events(AppArchive.Retired r) {
        AppStore.AppView v = r.view();
        AppStore.AppView ended = new AppStore.AppView(v.spec(), v.placement(), v.inFlight(), v.requests(),
                Optional.of(StatusView.ended(r)), v.migrations(), v.compacted());
        return events(ended, r.history());
    }

    /**
     * The events, in time order. Where it started: the first kept record's source, else where it is; when older
     * records were compacted away (docs/FLEET.md), the timeline starts at the last compacted one's time instead of the
     * deployment's, where the first kept record's source is known to be its place.
     */
    static ArrayNode events(AppStore.AppView v, List<FleetHistory.Event> history) {
        List<ObjectNode> out = new ArrayList<>();
        List<MigrationRecord> records = v.migrations();
        Optional<String> first = records.stream().findFirst().map(MigrationRecord::from)
                .or(() -> v.placement().map(p -> p.value().host() + "/" + p.value().platform()));
        long startMs = v.compacted().map(c -> c.value().toMs()).orElse(v.spec().value().createdMs());
        ObjectNode start = line("start", Instant.ofEpochMilli(startMs));
        start.put("platform", first.orElse(null));
        out.add(start);
        for (MigrationRecord r : records) {
            ObjectNode m = line("migration", r.at() == null ? Instant.ofEpochMilli(startMs) : r.at());
            m.setAll((ObjectNode) ControlJson.MAPPER.valueToTree(r));
            m.put("event", "migration");
            if (r.at() == null) m.put("at", Instant.ofEpochMilli(startMs).toString());
            out.add(m);
        }
        for (FleetHistory.Event e : history) out.add(StatusView.historyLine(e));
        v.ended().ifPresent(e -> {
            ObjectNode end = line("end", Instant.ofEpochMilli(e.atMs()));
            if (e.status() != null) end.put("status", e.status());
            else end.put("status", e.error());
            end.put("error", e.error());
            out.add(end);
        });
        // stable: start first, then by time (a record's "at" is when it began)
        List<ObjectNode> sorted = new ArrayList<>(out.subList(1, out.size()));
        sorted.sort(Comparator.comparing(o -> Instant.parse(o.get("at").asText())));
        ArrayNode a = ControlJson.MAPPER.createArrayNode();
        a.add(out.getFirst());
        sorted.forEach(a::add);
        return a;
    }

    private static ObjectNode line(String event, Instant at) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("event", event);
        o.put("at", at.toString());
        return o;
    }
}
