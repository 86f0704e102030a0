package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.FleetException;
import dev.talent.migrate.control.MigrationRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code talent bench fleet --migrations N}: requested migrations of a deployed app around a cycle of places (host to
 * host on one ISA, or across ISAs), each through the leader as {@code talent migrate} does; the records give the
 * downtime and its phases, and etcd's revision, read before the request and after the record, the writes made.
 */
public final class HostToHostBench {
    private HostToHostBench() {}

    /**
     * One migration as measured.
     *
     * @param etcdWrites etcd revisions consumed, the request of {@code talent migrate} included
     */
    public record Sample(MigrationRecord record, long etcdWrites, Double peerPauseMs) {
        /** A migration no peer watched. */
        public Sample(MigrationRecord record, long etcdWrites) {
            this(record, etcdWrites, null);
        }
    }

    /**
     * A peer of the app that watches each migration ({@code talent bench fleet --net}): told when a migration's request
     * is about to be made, and asked afterwards the largest pause it saw in between (ms, null when it cannot say).
     */
    public interface Watch {
        void before();

        Double after();
    }

    /** Migrates {@code app} {@code n} times to the places of {@code cycle} in turn (skipping the one it is on). */
    public static List<Sample> run(Etcd etcd, FleetApps apps, String app, List<FleetAgents.Placement> cycle, int n,
            Consumer<String> progress) throws FleetException, InterruptedException {
        return run(etcd, apps, app, cycle, n, progress, null);
    }

    /** {@link #run(Etcd, FleetApps, String, List, int, Consumer)} with {@code watch} (null: none) around each migration. */
    public static List<Sample> run(Etcd etcd, FleetApps apps, String app, List<FleetAgents.Placement> cycle, int n,
            Consumer<String> progress, Watch watch) throws FleetException, InterruptedException {
        List<Sample> out = new ArrayList<>();
        int i = 0;
        while (out.size() < n) {
            FleetAgents.Placement here = apps.view(app).flatMap(AppStore.AppView::where)
                    .orElseThrow(() -> new FleetException(app + " does not run anywhere"));
            FleetAgents.Placement to = cycle.get(i++ % cycle.size());
            if (to.equals(here)) continue;
            long before = revision(etcd);
            if (watch != null) watch.before();
            MigrationRecord r = apps.migrate(app, to.host(), to.platform(), Duration.ofMinutes(2));
            Double pause = watch == null ? null : watch.after();
            long after = revision(etcd);
            out.add(new Sample(r, after - before, pause));
            progress.accept(r.from() + " -> " + r.to() + (r.ok() ? " " + r.downtimeMs() + " ms" + phases(r) : " failed: " + r.error())
                    + (r.netMs() == null ? "" : ", net " + r.netMs() + " ms, " + r.sockets() + " socket(s)")
                    + (pause == null ? "" : ", the peer's largest pause " + String.format(java.util.Locale.ROOT, "%.1f", pause) + " ms"));
        }
        return out;
    }

    /** A migration's phases on one line: safe point, checkpoint (its parts), final sync, start, restore. */
    static String phases(MigrationRecord r) {
        MigrationRecord.CheckpointParts p = r.parts();
        return " (safe point " + r.safePointMs() + ", checkpoint " + r.checkpointMs()
                + (p == null ? "" : " = exit " + p.exitMs() + " + take " + p.takeMs() + " + hand-over " + p.handOverMs()
                        + (p.receiveMs() == null ? "" : " (" + p.receiveMs() + " at the destination)"))
                + ", sync " + r.syncMs() + ", start " + r.startMs() + ", restore " + r.restoreMs() + ")";
    }

    static long revision(Etcd etcd) throws FleetException, InterruptedException {
        return Etcd.await(etcd.client().getKVClient().get(Etcd.bytes("/talent/leader")), "get /talent/leader").getHeader().getRevision();
    }

    /**
     * The downtimes of {@code records} by way ({@code from -> to}, each as {@code host/platform}), the ways in the order
     * they first came; a record without a downtime (failed) is left out.
     */
    public static java.util.Map<String, List<Double>> byWay(List<MigrationRecord> records) {
        java.util.Map<String, List<Double>> out = new java.util.LinkedHashMap<>();
        for (MigrationRecord r : records) {
            if (r.downtimeMs() == null) continue;
            out.computeIfAbsent(r.from() + " -> " + r.to(), k -> new ArrayList<>()).add(r.downtimeMs());
        }
        return out;
    }

    /** The {@code q} quantile (0..1) of {@code values} (nearest rank); NaN when empty. */
    public static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> s = values.stream().sorted().toList();
        int rank = (int) Math.ceil(q * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
