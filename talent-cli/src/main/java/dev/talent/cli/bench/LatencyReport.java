package dev.talent.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code talent bench latency} measured: per way of waiting, the runtime's request-latency lines of
 * {@code requests} SIGUSR1 requests, each sent to a fresh process.
 *
 * @param targetMs the latency the signal-to-checkpoint time should stay under (issue #4: 10 ms natively)
 * @param scaled   whether fewer requests than the issue asks for were allowed (a quick check, not the measurement)
 */
public record LatencyReport(List<ModeResult> modes, int requests, double targetMs, boolean scaled) {

    public static final double TARGET_MS = 10.0;
    /** Issue #4: median and p99 over at least 50 requests. */
    public static final int MINIMUM_REQUESTS = 50;
    public static final double PERCENTILE = 99;

    public LatencyReport {
        modes = List.copyOf(modes);
        if (modes.isEmpty()) throw new IllegalArgumentException("no modes");
    }

    /**
     * One way of waiting: the latencies of the requests that produced a checkpoint and a latency line, and
     * for each one that did not, why.
     */
    public record ModeResult(LatencyMode mode, List<RuntimeTimings.RequestLatency> latencies, List<String> missing) {

        public ModeResult {
            latencies = List.copyOf(latencies);
            missing = List.copyOf(missing);
        }

        public int requested() { return latencies.size() + missing.size(); }

        /** Signal to checkpoint file renamed into place; empty when no request produced a sample. */
        public Optional<Samples> toWrittenMs() {
            return latencies.isEmpty() ? Optional.empty()
                    : Optional.of(new Samples(latencies.stream().map(RuntimeTimings.RequestLatency::toWrittenMs).toList()));
        }

        /** Signal to the site that took the checkpoint; empty when no request produced a sample. */
        public Optional<Samples> toSiteMs() {
            return latencies.isEmpty() ? Optional.empty()
                    : Optional.of(new Samples(latencies.stream().map(RuntimeTimings.RequestLatency::toSiteMs).toList()));
        }

        /** The reasons of the missing samples, each with how often it occurred, in alphabetical order. */
        public Map<String, Long> missingReasons() {
            Map<String, Long> counts = new TreeMap<>();
            missing.forEach(reason -> counts.merge(reason, 1L, Long::sum));
            return counts;
        }
    }
}
