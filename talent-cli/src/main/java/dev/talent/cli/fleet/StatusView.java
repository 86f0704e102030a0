package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.cli.MigrationLine;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AppArchive;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetHistory;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.Alert;
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

    /**
     * The drained host the app waits to leave (it is placed there, neither ended nor undeploying; a migration off it may
     * be in flight), if any.
     */
    static Optional<Records.Drained> leaving(AppStore.AppView v, Map<String, Records.Drained> drained) {
        if (v.ended().isPresent() || v.spec().value().undeploy()) return Optional.empty();
        return v.placement().map(p -> drained.get(p.value().host()));
    }

    static ObjectNode json(AppStore.AppView v, Map<String, Records.HostInfo> hosts) {
        return json(v, hosts, Map.of());
    }

    /** As above; {@code drained}: the fleet's drained hosts, for {@code host_drained} and {@code drained_since}. */
    static ObjectNode json(AppStore.AppView v, Map<String, Records.HostInfo> hosts, Map<String, Records.Drained> drained) {
        return json(v, hosts, drained, Optional.of(List.of()));
    }

    /**
     * As above; {@code alerts}: the fleet's active alerts (empty: they could not be read, {@code "alerts": null}), for
     * {@code alerts}: each active alert that concerns the app, with what it did to the app ({@code effect}, null while
     * the leader has not recorded it). A migration an alert caused is also among {@code migrations}, with reason
     * {@code alert TAG}.
     */
    static ObjectNode json(AppStore.AppView v, Map<String, Records.HostInfo> hosts, Map<String, Records.Drained> drained,
            Optional<List<Alert>> alerts) {
        return json(v, hosts, drained, alerts, Optional.of(List.of()));
    }

    /**
     * As above; {@code history}: the alert events of the app's history in etcd ({@link FleetHistory}; empty: they could
     * not be read, {@code "alert_history": null}), for {@code alert_history}: oldest first, each as {@code talent run}
     * writes it to {@code history.jsonl} ({@code {"event":"alert","at","tag","reason","raised_at","action","from","to",
     * "detail"}}, {@code {"event":"alert-clear","at","tag"}}); they stay after the alert is cleared.
     */
    static ObjectNode json(AppStore.AppView v, Map<String, Records.HostInfo> hosts, Map<String, Records.Drained> drained,
            Optional<List<Alert>> alerts, Optional<List<FleetHistory.Event>> history) {
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
        // its host is drained (talent drain): it waits to leave it
        Optional<Records.Drained> leaving = leaving(v, drained);
        o.put("host_drained", leaving.isPresent());
        o.put("drained_since", leaving.map(d -> Instant.ofEpochMilli(d.sinceMs()).toString()).orElse(null));
        if (alerts.isEmpty()) {
            o.putNull("alerts");
        } else {
            ArrayNode as = o.putArray("alerts");
            for (Alert a : alerts.get()) {
                if (!a.concerns(v.name())) continue;
                ObjectNode j = as.addObject();
                j.put("tag", a.tag());
                j.put("app", a.app());
                j.put("reason", a.reason());
                j.put("raised_at", a.at());
                Optional<Alert.Effect> e = a.effects().stream().filter(x -> v.name().equals(x.app())).reduce((x, y) -> y);
                j.set("effect", e.<com.fasterxml.jackson.databind.JsonNode>map(ControlJson.MAPPER::valueToTree)
                        .orElse(ControlJson.MAPPER.nullNode()));
            }
        }
        if (history.isEmpty()) {
            o.putNull("alert_history");
        } else {
            ArrayNode h = o.putArray("alert_history");
            for (FleetHistory.Event e : history.get()) h.add(historyLine(e));
        }
        return o;
    }

    /**
     * How an archived app ended: its program's end, or (none recorded: it ran until then) its stop by {@code undeploy}
     * at the archive's time, where it last ran.
     */
    static AppRecords.Ended ended(AppArchive.Retired r) {
        AppArchive.Archived a = r.archived();
        if (a.ended() != null) return a.ended();
        Records.Placement p = a.placement();
        return new AppRecords.Ended(a.app(), p == null ? null : p.host(), p == null ? null : p.platform(), null,
                "stopped by undeploy", a.archivedMs());
    }

    /**
     * {@code status APP --json} of an undeployed app whose history etcd keeps ({@link AppArchive}): the fields of a
     * deployed one, with {@code state} {@code ended}, {@code status}/{@code error} of its end ({@code error} "stopped by
     * undeploy" when its program ran until then), {@code undeployed} (when) and {@code archived: true}; the fields host and
     * {@code platform} are where it last ran; no active alert concerns it ({@code alerts} empty); {@code generation}: its
     * incarnation (20 digits), as {@code status --all} lists it and {@code APP@GENERATION} names it.
     */
    static ObjectNode json(AppArchive.Retired r, Map<String, Records.HostInfo> hosts) {
        ObjectNode o = json(r.view(), hosts, Map.of(), Optional.of(List.of()), Optional.of(r.history()));
        o.put("state", "ended");
        AppRecords.Ended e = ended(r);
        o.put("status", e.status());
        o.put("error", e.error());
        o.put("next_migration", (String) null);
        o.put("undeployed", Instant.ofEpochMilli(r.archived().archivedMs()).toString());
        o.put("archived", true);
        o.put("generation", r.archived().generation());
        return o;
    }

    /**
     * How an ended app kept in etcd ended: {@code exit} (its program exited: {@code status}), {@code failed} (the fleet
     * lost it or could not run it: {@code error}), {@code undeployed} (it ran, or waited to start, until {@code undeploy}
     * stopped it).
     */
    static String how(AppArchive.Archived a) {
        if (a.ended() == null) return "undeployed";
        return a.ended().error() != null || a.ended().status() == null ? "failed" : "exit";
    }

    /** What {@link #how} says in words: {@code exit status 0}, the error, {@code stopped by undeploy}. */
    private static String endText(AppArchive.Archived a) {
        if (a.ended() != null) return a.ended().error() != null ? a.ended().error() : "exit status " + a.ended().status();
        return a.placement() == null ? "undeployed before it started" : "stopped by undeploy";
    }

    /** Where an ended app last ran: where it ended, else its last placement; empty when it never ran. */
    private static Optional<String[]> lastPlace(AppArchive.Archived a) {
        if (a.ended() != null && a.ended().host() != null) return Optional.of(new String[] {a.ended().host(), a.ended().platform()});
        if (a.placement() != null) return Optional.of(new String[] {a.placement().host(), a.placement().platform()});
        return Optional.empty();
    }

    /**
     * One ended app kept in etcd as {@code talent status --ended/--all --json} lists it (its summary alone; {@code talent
     * status APP --json} gives the newest one whole): {@code name}, {@code state} ({@code ended}), {@code archived}
     * (true), {@code generation} (20 digits: its incarnation), {@code how} ({@link #how}), {@code status} (its exit status,
     * or null), {@code error} (as {@code status APP --json} has it, or null), {@code host} and {@code platform} (where it
     * last ran, or null), {@code ended_at} (ISO-8601: when its program ended, else when it was undeployed),
     * {@code undeployed} (ISO-8601) and {@code migration_count} (its migrations, kept and compacted).
     */
    static ObjectNode json(AppArchive.Archived a) {
        ObjectNode o = ControlJson.MAPPER.createObjectNode();
        o.put("name", a.app());
        o.put("state", "ended");
        o.put("archived", true);
        o.put("generation", a.generation());
        o.put("how", how(a));
        o.put("status", a.ended() == null ? null : a.ended().status());
        o.put("error", a.ended() == null ? endText(a) : a.ended().error());
        Optional<String[]> place = lastPlace(a);
        o.put("host", place.map(p -> p[0]).orElse(null));
        o.put("platform", place.map(p -> p[1]).orElse(null));
        o.put("ended_at", Instant.ofEpochMilli(a.ended() == null ? a.archivedMs() : a.ended().atMs()).toString());
        o.put("undeployed", Instant.ofEpochMilli(a.archivedMs()).toString());
        o.put("migration_count", a.records() + (a.compacted() == null ? 0 : a.compacted().count()));
        return o;
    }

    /**
     * One ended app kept in etcd on one line of {@code talent status --ended/--all}: {@code svc: ended, undeployed
     * 2026-...Z (generation 000...0042): exit status 0 on h1/x86_64 at 2026-...Z; 3 migrations}.
     */
    static String line(AppArchive.Archived a) {
        StringBuilder s = new StringBuilder(a.app()).append(": ended, undeployed ").append(Instant.ofEpochMilli(a.archivedMs()))
                .append(" (generation ").append(a.generation()).append("): ").append(endText(a).replaceAll("[^\\x20-\\x7e]", "?"));
        lastPlace(a).ifPresent(p -> s.append(" on ").append(p[0]).append('/').append(p[1]));
        if (a.ended() != null) s.append(" at ").append(Instant.ofEpochMilli(a.ended().atMs()));
        long total = a.records() + (a.compacted() == null ? 0 : a.compacted().count());
        return s.append("; ").append(total).append(total == 1 ? " migration" : " migrations").toString();
    }

    /** {@code status APP} of such an app: its first line says it ended and was undeployed; its last records follow. */
    static String text(AppArchive.Retired r, Map<String, Records.HostInfo> hosts) {
        String live = text(r.view(), hosts);
        String rest = live.substring(live.indexOf('\n') + 1);
        AppRecords.Ended e = ended(r);
        AppStore.AppView v = r.view();
        long okCount = v.migrations().stream().filter(MigrationRecord::ok).count() + v.compacted().map(c -> c.value().ok()).orElse(0L);
        return v.name() + ": ended (undeployed " + Instant.ofEpochMilli(r.archived().archivedMs()) + "; its history is kept as "
                + v.name() + "@" + r.archived().generation() + "); "
                + ended(e) + "; " + v.total() + " migration" + (v.total() == 1 ? "" : "s") + " (" + okCount + " ok)\n" + rest;
    }

    /** An alert event as {@code talent run}'s {@code history.jsonl} has it (an alert's fields all present, null or not). */
    static ObjectNode historyLine(FleetHistory.Event e) {
        ObjectNode j = ControlJson.MAPPER.createObjectNode();
        j.put("event", e.event());
        j.put("at", e.at());
        j.put("tag", e.tag());
        if (e.event().equals("alert")) {
            j.put("reason", e.reason());
            j.put("raised_at", e.raisedAt());
            j.put("action", e.action());
            j.put("from", e.from());
            j.put("to", e.to());
            j.put("detail", e.detail());
        }
        return j;
    }

    /** An alert event on one line of {@code talent status APP}: {@code 2026-...Z alert CVE-1 (ids): moved h1/s390x -> h2/x86_64}. */
    static String historyText(FleetHistory.Event e) {
        if (e.event().equals("alert-clear")) return e.at() + " alert " + e.tag() + " cleared";
        StringBuilder s = new StringBuilder(e.at()).append(" alert ").append(e.tag());
        if (e.reason() != null && !e.reason().isEmpty()) s.append(" (").append(e.reason().replaceAll("[^\\x20-\\x7e]", "?")).append(')');
        s.append(": ").append(e.action());
        if (e.from() != null) s.append(' ').append(e.from());
        if (e.to() != null) s.append(" -> ").append(e.to());
        if (e.detail() != null) s.append("; ").append(e.detail().replaceAll("[^\\x20-\\x7e]", "?"));
        return s.toString();
    }

    static String text(AppStore.AppView v, Map<String, Records.HostInfo> hosts) {
        return text(v, hosts, Map.of());
    }

    /** As above; an app on a drained host says it waits to leave it, at the end of its first line. */
    static String text(AppStore.AppView v, Map<String, Records.HostInfo> hosts, Map<String, Records.Drained> drained) {
        StringBuilder s = new StringBuilder(v.name()).append(": ").append(state(v));
        v.where().ifPresent(w -> s.append(" on ").append(w));
        address(v, hosts).ifPresent(a -> s.append(" (").append(a).append(')'));
        v.placement().ifPresent(p -> s.append(" since ").append(Instant.ofEpochMilli(p.value().sinceMs())));
        v.ended().ifPresent(e -> s.append("; ").append(ended(e)));
        List<MigrationRecord> ms = v.migrations();
        long okCount = ms.stream().filter(MigrationRecord::ok).count() + v.compacted().map(c -> c.value().ok()).orElse(0L);
        s.append("; ").append(v.total()).append(" migration").append(v.total() == 1 ? "" : "s")
                .append(" (").append(okCount).append(" ok)");
        leaving(v, drained).ifPresent(d -> s.append("; waiting to leave drained host ").append(d.host()));
        s.append('\n');
        for (MigrationRecord r : ms.subList(Math.max(0, ms.size() - 10), ms.size()))
            s.append("  ").append(MigrationLine.of(r)).append('\n');
        return s.toString();
    }

    /**
     * One line per drained host, after the apps of {@code talent status}: since when, by which controller, and the apps
     * that wait to leave it ({@code views}: the fleet's apps).
     */
    static String drainedHosts(Map<String, Records.Drained> drained, List<AppStore.AppView> views) {
        StringBuilder s = new StringBuilder();
        for (Records.Drained d : drained.values()) {
            List<String> waiting = views.stream().filter(v -> leaving(v, drained).map(x -> x.host().equals(d.host())).orElse(false))
                    .map(AppStore.AppView::name).toList();
            s.append("host ").append(d.host()).append(" is drained since ").append(Instant.ofEpochMilli(d.sinceMs()))
                    .append(" (controller ").append(d.controller()).append("); ")
                    .append(waiting.isEmpty() ? "no app waits to leave it" : "waiting to leave it: " + String.join(", ", waiting))
                    .append('\n');
        }
        return s.toString();
    }
}
