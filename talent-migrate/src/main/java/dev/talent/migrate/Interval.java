package dev.talent.migrate;

import java.time.Duration;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The range {@code --every MIN..MAX} that migration intervals are drawn from, uniformly. A single value
 * ({@code --every 10s}) is a fixed interval. Units: {@code ms}, {@code s}, {@code m}, {@code h}; decimals allowed.
 */
public record Interval(Duration min, Duration max) {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    public Interval {
        if (min.isNegative() || min.isZero()) {
            throw new IllegalArgumentException("the interval must be positive, not " + min.toMillis() + " ms");
        }
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("the interval's maximum (" + max.toMillis() + " ms) is below its minimum ("
                    + min.toMillis() + " ms)");
        }
    }

    /** Parses {@code 5s..20s}, {@code 500ms..2s} or {@code 10s}; the message of a failure shows the expected form. */
    public static Interval parse(String text) {
        String t = text.strip();
        int dots = t.indexOf("..");
        try {
            if (dots < 0) {
                Duration d = duration(t);
                return new Interval(d, d);
            }
            return new Interval(duration(t.substring(0, dots)), duration(t.substring(dots + 2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the interval '" + text + "': " + e.getMessage()
                    + " (expected MIN..MAX such as 5s..20s or 500ms..2s, units ms s m h)");
        }
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not a duration");
        }
        double value = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> throw new IllegalStateException(m.group(2));
        };
        if (millis < 1) {
            throw new IllegalArgumentException("'" + text.strip() + "' is shorter than 1 ms");
        }
        return Duration.ofNanos(Math.round(millis * 1e6));
    }

    /** A duration drawn uniformly from [min, max]. */
    public Duration draw(RandomGenerator random) {
        long lo = min.toNanos(), hi = max.toNanos();
        return lo == hi ? min : Duration.ofNanos(lo + random.nextLong(hi - lo + 1));
    }

    @Override
    public String toString() {
        return min.toMillis() + "ms.." + max.toMillis() + "ms";
    }
}
