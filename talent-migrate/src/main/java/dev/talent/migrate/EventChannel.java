package dev.talent.migrate;

import dev.talent.base.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The FIFO a platform's runtime writes its event lines to (mounted into the container). talent keeps it open
 * read-write, so the runtime's open never blocks and the read side never sees end-of-file between containers;
 * a reader thread turns lines into {@link RuntimeEvent}s as they arrive.
 *
 * <p>Whatever comes through the FIFO was written by the program's process, which may be compromised: memory and
 * work stay bounded whatever it writes. A line longer than {@link RuntimeEvent#MAX_LINE_BYTES} is dropped up to
 * its newline without being kept; a line outside the grammar ({@link RuntimeEvent#parse}) is dropped; at most
 * {@link #QUEUE_CAPACITY} events wait, and further lines are dropped while the queue is full. Each kind of drop
 * is counted, and {@link #takeReport()} tells the counts at most once every {@link #REPORT_EVERY}.
 */
final class EventChannel implements AutoCloseable {

    /** Events waiting for the orchestrator; lines beyond {@link #QUEUE_CAPACITY} - {@link #RESERVED} are dropped. */
    static final int QUEUE_CAPACITY = 256;
    /** Room kept for the events talent posts itself (a container's exit), which are never dropped. */
    static final int RESERVED = 16;
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    private static final int SAMPLE_CHARS = 60;

    /** mkfifo(3) through FFM (errno captured); the JVM is run with --enable-native-access. */

    private final Path fifo;
    private final FileChannel channel;
    private final BlockingQueue<RuntimeEvent> events = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread reader;
    private final LineSplitter splitter = new LineSplitter(RuntimeEvent.MAX_LINE_BYTES);

    // counts since the last report, and the first bad line of them (escaped, shortened)
    private long malformed;
    private long overlong;
    private long dropped;
    private String sample;
    private long lastReportNanos;
    private boolean reportedOnce;

    private EventChannel(Path fifo, FileChannel channel, boolean startReader) {
        this.fifo = fifo;
        this.channel = channel;
        this.reader = startReader
                ? Thread.ofPlatform().daemon().name("talent-events-" + fifo.getParent().getFileName()).start(this::readLines)
                : null;
    }

    /** Whether {@code path} itself (not what a link names) is a FIFO. */
    static boolean isFifo(Path path) throws IOException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & 0170000) == 0010000;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Creates the FIFO at {@code fifo} (replacing whatever else is there; a FIFO is kept) and starts reading it. */
    static EventChannel open(Path fifo) throws IOException {
        // a FIFO already there is kept: a container that an earlier process left running (a fleet agent that restarted
        // takes it over) has this very inode bind-mounted; without a reader nothing was buffered in it
        if (isFifo(fifo)) {
            return new EventChannel(fifo, FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE), true);
        }
        Files.deleteIfExists(fifo);
        int errno = Libc.mkfifo(fifo, 0600);
        if (errno != 0) throw new IOException("cannot create the event FIFO " + fifo + ": " + Libc.describe(errno));
        return new EventChannel(fifo, FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE), true);
    }

    /** A channel fed only through {@link #accept(byte[], int, long)} (tests). */
    static EventChannel detached(Path name) {
        return new EventChannel(name, null, false);
    }

    Path path() { return fifo; }

    private void readLines() {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try {
            while (channel.read(buf) >= 0) {
                buf.flip();
                accept(buf.array(), buf.limit(), System.nanoTime());
                buf.clear();
            }
        } catch (ClosedChannelException e) {
            // closed by close()
        } catch (IOException e) {
            synchronized (this) {
                if (sample == null) sample = "reading " + fifo + " failed: " + e.getMessage();
                malformed++;
            }
        }
    }

    /** Takes {@code length} bytes read from the FIFO: complete lines become events, the rest waits for its newline. */
    void accept(byte[] bytes, int length, long receivedNanos) {
        splitter.feed(bytes, length, (line, tooLong) -> {
            if (tooLong) {
                count(Drop.OVERLONG, line);
                return;
            }
            RuntimeEvent e = RuntimeEvent.parse(line, receivedNanos);
            if (e == null) count(Drop.MALFORMED, line);
            else if (events.remainingCapacity() <= RESERVED || !events.offer(e)) count(Drop.QUEUE_FULL, line);
        });
    }

    private enum Drop { MALFORMED, OVERLONG, QUEUE_FULL }

    private synchronized void count(Drop why, String line) {
        switch (why) {
            case MALFORMED -> malformed++;
            case OVERLONG -> overlong++;
            case QUEUE_FULL -> dropped++;
        }
        if (sample == null && why != Drop.QUEUE_FULL) sample = Printable.escape(line, SAMPLE_CHARS);
    }

    /**
     * What was dropped since the last report, when there is something and the last report is at least
     * {@link #REPORT_EVERY} old (the first one is told at once); empty otherwise.
     */
    synchronized Optional<String> takeReport() {
        return takeReport(false);
    }

    /** {@link #takeReport()}; {@code now} = whatever the time of the last report (the run's last word). */
    synchronized Optional<String> takeReport(boolean now) {
        long time = System.nanoTime();
        if (malformed + overlong + dropped == 0) return Optional.empty();
        if (!now && reportedOnce && time - lastReportNanos < REPORT_EVERY.toNanos()) return Optional.empty();
        StringBuilder s = new StringBuilder("ignored event lines from the program on " + fifo.getParent().getFileName() + ":");
        if (malformed > 0) s.append(' ').append(malformed).append(" malformed");
        if (overlong > 0) s.append(malformed > 0 ? "," : "").append(' ').append(overlong)
                .append(" longer than ").append(RuntimeEvent.MAX_LINE_BYTES).append(" bytes");
        if (dropped > 0) s.append(malformed + overlong > 0 ? "," : "").append(' ').append(dropped)
                .append(" beyond ").append(QUEUE_CAPACITY - RESERVED).append(" waiting events");
        if (sample != null) s.append(" (first: \"").append(sample).append("\")");
        malformed = overlong = dropped = 0;
        sample = null;
        lastReportNanos = time;
        reportedOnce = true;
        return Optional.of(s.toString());
    }

    /** Adds an event that did not come through the FIFO (the container's exit): never dropped. */
    void post(RuntimeEvent event) {
        while (!events.offer(event)) {
            // full of the program's lines: the oldest of them goes, talent's own event stays
            events.poll();
            synchronized (this) {
                dropped++;
            }
        }
    }

    /** Forgets the events received so far (those of an earlier container on this platform). */
    void clear() { events.clear(); }

    /** The next event, waiting at most {@code timeout}; null on timeout. */
    RuntimeEvent next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        detach();
        if (reader != null) Files.deleteIfExists(fifo);
    }

    /**
     * Stops reading and closes this process's end, keeping the FIFO (a container left running for the next process
     * has it mounted): what the runtime writes from now on is for that process.
     */
    void detach() throws IOException {
        if (reader != null) reader.interrupt();
        if (channel != null) channel.close();
    }

    /**
     * Splits a byte stream into lines of at most {@code max} bytes without ever holding more than {@code max}
     * bytes: a longer line is reported once as too long (with its first bytes) when its newline arrives.
     */
    static final class LineSplitter {
        interface Sink { void line(String text, boolean tooLong); }

        private final byte[] line;
        private int length;
        private boolean tooLong;

        LineSplitter(int max) { this.line = new byte[max]; }

        void feed(byte[] bytes, int n, Sink sink) {
            for (int i = 0; i < n; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    // ISO-8859-1: one char per byte, so a non-ASCII byte stays visible to the grammar (and refused)
                    sink.line(new String(line, 0, length, StandardCharsets.ISO_8859_1), tooLong);
                    length = 0;
                    tooLong = false;
                } else if (length < line.length) {
                    line[length++] = b;
                } else {
                    tooLong = true;
                }
            }
        }

        /** Bytes of the current, unfinished line kept (at most {@code max}). */
        int pending() { return length; }
    }
}
