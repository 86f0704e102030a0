package dev.talent.cli.bench;

import dev.talent.migrate.Interval;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code talent bench migration} measured: for each scenario (a set of platforms the orchestrator migrated
 * the bundled program between), the orchestrator's record of every migration, successful or rolled back.
 *
 * @param migrations  successful migrations asked for per scenario
 * @param stepMs      how long the program sleeps per step
 * @param loadBefore  /proc/loadavg's three load averages when the measurements began
 * @param loadAfter   the same when they ended
 * @param cores       processors available to this JVM
 */
public record MigrationReport(List<Scenario> scenarios, int migrations, Interval every, long seed, long stepMs,
                              String loadBefore, String loadAfter, int cores) {

    /** Issue #5: downtime <= 50 ms native -> native (judged on the median). */
    public static final double TARGET_MS = 50.0;
    /** Issue #5: median and p95 over at least 20 migrations. */
    public static final int MINIMUM_MIGRATIONS = 20;
    public static final double PERCENTILE = 95;

    public MigrationReport {
        scenarios = List.copyOf(scenarios);
        if (scenarios.isEmpty()) throw new IllegalArgumentException("no scenarios");
    }

    /** Fewer migrations than the issue asks for: a quick check, not the measurement. */
    public boolean scaled() { return migrations < MINIMUM_MIGRATIONS; }

    /**
     * A part of the downtime, as the orchestrator timed it; {@link #DOWNTIME} is the sum of those that are not
     * {@link #part() parts} of the phase before them.
     */
    public enum Phase {
        DOWNTIME("downtime: stop requested -> runs", MigrationRecord::downtimeMs),
        SAFE_POINT("safe point: checkpoint written", MigrationRecord::safePointMs),
        /** From the checkpoint event until the file is at the destination: includes waiting for the source's exit. */
        CHECKPOINT("source exit + checkpoint copy", MigrationRecord::checkpointMs),
        /** {@link #CHECKPOINT}'s first part: from the checkpoint event to the source program's exit. */
        SOURCE_EXIT("source exit", r -> r.parts() == null ? null : r.parts().exitMs(), true),
        /** {@link #CHECKPOINT}'s second part: the source reads, validates and signs the checkpoint. */
        TAKE("take: read, validate, sign", r -> r.parts() == null ? null : r.parts().takeMs(), true),
        /** {@link #CHECKPOINT}'s last part: the destination verifies, writes and places it. */
        HAND_OVER("hand-over: verify, write, place", r -> r.parts() == null ? null : r.parts().handOverMs(), true),
        SYNC("final sync of the workdir", MigrationRecord::syncMs),
        START("runc start", MigrationRecord::startMs),
        RESTORE("restore: started -> runs", MigrationRecord::restoreMs);

        private final String label;
        @SuppressWarnings("ImmutableEnumChecker") // a method reference to a record accessor: stateless
        private final Function<MigrationRecord, Double> time;
        private final boolean part;

        Phase(String label, Function<MigrationRecord, Double> time) {
            this(label, time, false);
        }

        Phase(String label, Function<MigrationRecord, Double> time, boolean part) {
            this.label = label;
            this.time = time;
            this.part = part;
        }

        public String label() { return label; }

        /** Whether this is a part of the phase before it (not a phase of the downtime's sum of its own). */
        public boolean part() { return part; }

        public Double of(MigrationRecord record) { return time.apply(record); }
    }

    /**
     * One scenario.
     *
     * @param title       e.g. "native -> native"
     * @param platforms   the platforms of the run, the first is where it started
     * @param emulated    those of them that ran under qemu
     * @param nativeOnly  whether the downtime target applies (every platform runs natively)
     * @param records     every migration in order, including rolled-back ones
     * @param notes       warnings of the orchestrator that did not stop the program
     * @param steps       steps the program made (its output was checked against an uninterrupted run of as many)
     * @param outputLines lines of stdout that were compared
     * @param files       files of the working directory that were compared
     */
    public record Scenario(String title, List<Platform> platforms, Set<Platform> emulated, boolean nativeOnly,
                           List<MigrationRecord> records, List<String> notes, int steps, long outputLines, int files,
                           Optional<Start> start) {

        public Scenario {
            platforms = List.copyOf(platforms);
            emulated = Set.copyOf(emulated);
            records = List.copyOf(records);
            notes = List.copyOf(notes);
        }

        /** A scenario that does not say how its destinations were started. */
        public Scenario(String title, List<Platform> platforms, Set<Platform> emulated, boolean nativeOnly,
                        List<MigrationRecord> records, List<String> notes, int steps, long outputLines, int files) {
            this(title, platforms, emulated, nativeOnly, records, notes, steps, outputLines, files, Optional.empty());
        }

        /** The title with how the destinations were started, when the scenario says it. */
        public String heading() { return start.map(s -> title + " (" + s.label() + ")").orElse(title); }

        public List<MigrationRecord> succeeded() { return records.stream().filter(MigrationRecord::ok).toList(); }

        public List<MigrationRecord> failed() { return records.stream().filter(r -> !r.ok()).toList(); }

        /** The phase's times over the successful migrations; empty when there is none. */
        public Optional<Samples> phase(Phase phase) { return samples(succeeded(), phase); }

        /**
         * The scenario's first migration, when it succeeded (a rolled-back first attempt leaves it empty): in the
         * scenario run first it is also the first migration of the JVM, the one that loads and compiles the code of the
         * downtime's path unless it was warmed up before (docs/ARCHITECTURE.md, "Warm-up").
         */
        public Optional<MigrationRecord> first() {
            return records.isEmpty() || !records.getFirst().ok() ? Optional.empty() : Optional.of(records.getFirst());
        }

        /** The successful migrations after the first attempt. */
        public List<MigrationRecord> later() { return records.stream().skip(1).filter(MigrationRecord::ok).toList(); }

        /** Files the final syncs copied or deleted (median over the successful migrations). */
        public Optional<Samples> syncFiles() {
            List<Double> files = succeeded().stream().map(r -> (double) r.syncFiles()).toList();
            return files.isEmpty() ? Optional.empty() : Optional.of(new Samples(files));
        }

        /** The successful migrations by hop ("x86_64 -> aarch64"), in the order each hop first occurred. */
        public Map<String, List<MigrationRecord>> hops() {
            Map<String, List<MigrationRecord>> hops = new LinkedHashMap<>();
            for (MigrationRecord r : succeeded()) {
                hops.computeIfAbsent(r.from() + " -> " + r.to(), k -> new ArrayList<>()).add(r);
            }
            return hops;
        }

        /** Whether the median downtime meets the target; empty when the target does not apply or nothing succeeded. */
        public Optional<Boolean> meetsTarget() {
            if (!nativeOnly) return Optional.empty();
            return phase(Phase.DOWNTIME).map(s -> s.median() <= TARGET_MS);
        }

        /** The phase taking the largest share of the median downtime (downtime itself excluded). */
        public Optional<Phase> dominantPhase() {
            Phase best = null;
            double bestMedian = -1;
            for (Phase p : Phase.values()) {
                if (p == Phase.DOWNTIME || p.part()) continue;
                Optional<Samples> s = phase(p);
                if (s.isPresent() && s.get().median() > bestMedian) {
                    best = p;
                    bestMedian = s.get().median();
                }
            }
            return Optional.ofNullable(best);
        }
    }

    /** How the destinations of a scenario were started (talent run --prestart / --no-prestart). */
    public enum Start {
        /** Created ahead, started by runc start inside the downtime. */
        RUNC_START("runc start in the window", "runc start"),
        /** Started ahead; their runtime waited for its go, which is all of the start inside the downtime. */
        AHEAD("started ahead", "go (started ahead)");

        private final String label;
        private final String phaseLabel;

        Start(String label, String phaseLabel) {
            this.label = label;
            this.phaseLabel = phaseLabel;
        }

        public String label() { return label; }

        /** What the start phase of such a migration is. */
        public String phaseLabel() { return phaseLabel; }
    }

    static Optional<Samples> samples(List<MigrationRecord> records, Phase phase) {
        List<Double> values = records.stream().map(phase::of).filter(Objects::nonNull).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(new Samples(values));
    }
}
