package dev.talent.cli.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a peer of {@code talent bench network} saw (thread-safe): the spans it waited, each from when it started
 * waiting to when a reply came (the streaming peer: from one reply to the next; the request/reply peer: from a
 * request to its answer), and the number of every reply in the order the replies came (-1 for one that answered no
 * request), so that lost and duplicated replies can be counted. Times are {@link System#nanoTime}; migrations are
 * timed by {@link Instant}s, placed on the same clock through one pair of readings of both taken at the start.
 */
final class PeerLog {
    /** A span of waiting: its length in ms, and when it ended (System.nanoTime). */
    record Gap(double ms, long endNanos) {}

    private final long originNanos;
    private final Instant origin;
    private final List<Long> starts = new ArrayList<>();
    private final List<Long> ends = new ArrayList<>();
    private final List<Long> numbers = new ArrayList<>();

    PeerLog() { this(System.nanoTime(), Instant.now()); }

    /** A log whose clocks read {@code originNanos} and {@code origin} at the same moment. */
    PeerLog(long originNanos, Instant origin) {
        this.originNanos = originNanos;
        this.origin = origin;
    }

    /**
     * The number of the request a reply answers: the server answers the line "req-N" with "C req-N", C counting the
     * lines it served, which is N on the benchmark's only connection; -1 for anything else.
     */
    static long replyNumber(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space > 19) return -1;
        String count = line.substring(0, space);
        if (!line.substring(space + 1).equals("req-" + count)) return -1;
        try {
            long n = Long.parseLong(count);
            return n > 0 && count.equals(Long.toString(n)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The peer waited from {@code startNanos} until a reply came at {@code endNanos}. */
    synchronized void waited(long startNanos, long endNanos) {
        starts.add(startNanos);
        ends.add(endNanos);
    }

    /** A reply came: the number of the request it answers, -1 if none ({@link #replyNumber}). */
    synchronized void reply(long number) {
        numbers.add(number);
    }

    /** The longest span of waiting that overlaps [from, to] (zero, ending at {@code to}, if none does). */
    synchronized Gap largest(Instant from, Instant to) {
        long a = nanos(from);
        long b = nanos(to);
        long best = 0, bestEnd = b;
        for (int i = 0; i < starts.size(); i++) {
            long s = starts.get(i), e = ends.get(i);
            if (e >= a && s <= b && e - s > best) {
                best = e - s;
                bestEnd = e;
            }
        }
        return new Gap(best / 1e6, bestEnd);
    }

    /** How many ms {@code nanos} (System.nanoTime) is before {@code at}. */
    double msBefore(long nanos, Instant at) {
        return (nanos(at) - nanos) / 1e6;
    }

    private long nanos(Instant at) {
        return originNanos + Duration.between(origin, at).toNanos();
    }

    /** Requests among {@code sent} (numbered from 1) that no reply answered. */
    synchronized long lost(long sent) {
        return sent - numbers.stream().filter(n -> n > 0 && n <= sent).distinct().count();
    }

    /**
     * Replies that came again, came after a missing one (out of order), or answered no request. A reply numbered
     * beyond what was sent is counted too: it answered no request.
     */
    synchronized long duplicated(long sent) {
        long valid = numbers.stream().filter(n -> n > 0).count();
        long dup = valid - numbers.stream().filter(n -> n > 0).distinct().count();
        long expect = 1;
        for (long n : numbers) {
            if (n <= 0 || n > sent) dup++;
            else if (n == expect) expect++;
            else if (n > expect) dup++; // a gap: an earlier reply is missing here
        }
        return dup;
    }
}
