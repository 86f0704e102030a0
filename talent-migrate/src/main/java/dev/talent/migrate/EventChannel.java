package dev.talent.migrate;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The FIFO a platform's runtime writes its event lines to (mounted into the container). talent keeps it open
 * read-write, so the runtime's open never blocks and the read side never sees end-of-file between containers;
 * a reader thread turns lines into {@link RuntimeEvent}s as they arrive.
 */
final class EventChannel implements AutoCloseable {

    private static final MethodHandle MKFIFO = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mkfifo").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private final Path fifo;
    private final FileChannel channel;
    private final BlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    private EventChannel(Path fifo, FileChannel channel) {
        this.fifo = fifo;
        this.channel = channel;
        this.reader = Thread.ofPlatform().daemon().name("talent-events-" + fifo.getParent().getFileName()).start(this::readLines);
    }

    /** Creates the FIFO at {@code fifo} (replacing whatever is there) and starts reading it. */
    static EventChannel open(Path fifo) throws IOException {
        Files.deleteIfExists(fifo);
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) MKFIFO.invokeExact(arena.allocateFrom(fifo.toString()), 0600);
            if (rc != 0) {
                throw new IOException("cannot create the event FIFO " + fifo);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot create the event FIFO " + fifo + ": " + t, t);
        }
        return new EventChannel(fifo, FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    Path path() { return fifo; }

    private void readLines() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        StringBuilder line = new StringBuilder();
        try {
            while (channel.read(buf) >= 0) {
                long now = System.nanoTime();
                buf.flip();
                String chunk = StandardCharsets.UTF_8.decode(buf).toString();
                buf.clear();
                for (int i = 0; i < chunk.length(); i++) {
                    char c = chunk.charAt(i);
                    if (c == '\n') {
                        events.add(RuntimeEvent.parse(line.toString(), now));
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (ClosedChannelException e) {
            // closed by close()
        } catch (IOException e) {
            events.add(new RuntimeEvent.Other("talent: reading " + fifo + " failed: " + e.getMessage(), System.nanoTime()));
        }
    }

    /** Adds an event that did not come through the FIFO (the container's exit). */
    void post(RuntimeEvent event) { events.add(event); }

    /** Forgets the events received so far (those of an earlier container on this platform). */
    void clear() { events.clear(); }

    /** The next event, waiting at most {@code timeout}; null on timeout. */
    RuntimeEvent next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws IOException {
        reader.interrupt();
        channel.close();
        Files.deleteIfExists(fifo);
    }
}
