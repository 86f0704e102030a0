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
    public record Sample(MigrationRecord record, long etcdWrites) {}

    /** Migrates {@code app} {@code n} times to the places of {@code cycle} in turn (skipping the one it is on). */
    public static List<Sample> run(Etcd etcd, FleetApps apps, String app, List<FleetAgents.Placement> cycle, int n,
            Consumer<String> progress) throws FleetException, InterruptedException {
        List<Sample> out = new ArrayList<>();
        int i = 0;
        while (out.size() < n) {
            FleetAgents.Placement here = apps.view(app).flatMap(AppStore.AppView::where)
                    .orElseThrow(() -> new FleetException(app + " does not run anywhere"));
            FleetAgents.Placement to = cycle.get(i++ % cycle.size());
            if (to.equals(here)) continue;
            long before = revision(etcd);
            MigrationRecord r = apps.migrate(app, to.host(), to.platform(), Duration.ofMinutes(2));
            long after = revision(etcd);
            out.add(new Sample(r, after - before));
            progress.accept(r.from() + " -> " + r.to() + (r.ok() ? " " + r.downtimeMs() + " ms" + phases(r) : " failed: " + r.error()));
        }
        return out;
    }

    /** A migration's phases on one line: safe point, checkpoint (its parts), final sync, start, restore. */
    static String phases(MigrationRecord r) {
        MigrationRecord.CheckpointParts p = r.parts();
        return " (safe point " + r.safePointMs() + ", checkpoint " + r.checkpointMs()
                + (p == null ? "" : " = exit " + p.exitMs() + " + take " + p.takeMs() + " + hand-over " + p.handOverMs())
                + ", sync " + r.syncMs() + ", start " + r.startMs() + ", restore " + r.restoreMs() + ")";
    }

    static long revision(Etcd etcd) throws FleetException, InterruptedException {
        return Etcd.await(etcd.client().getKVClient().get(Etcd.bytes("/talent/leader")), "get /talent/leader").getHeader().getRevision();
    }

    /** The {@code q} quantile (0..1) of {@code values} (nearest rank); NaN when empty. */
    public static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> s = values.stream().sorted().toList();
        int rank = (int) Math.ceil(q * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}
