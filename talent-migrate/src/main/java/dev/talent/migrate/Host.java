package dev.talent.migrate;

import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One platform's place in a run: on one machine the stand-in for another host. It has its own replica of the
 * workdir (mounted at /work), its own checkpoint directory (/talent/ck) and the FIFO its runtime reports on.
 */
final class Host implements AutoCloseable {
    final Platform platform;
    final Path dir;
    final Path work;
    final Path checkpoints;
    final EventChannel events;

    private Host(Platform platform, Path dir, EventChannel events) {
        this.platform = platform;
        this.dir = dir;
        this.work = dir.resolve("work");
        this.checkpoints = dir.resolve("ck");
        this.events = events;
    }

    static Host create(Platform platform, Path hostsDir) throws IOException {
        Path dir = hostsDir.resolve(platform.name());
        Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(dir.resolve("ck"));
        return new Host(platform, dir, EventChannel.open(dir.resolve("events")));
    }

    /**
     * Removes everything here (whatever an earlier program put there: links are removed, never followed), so that
     * the only checkpoint a restart finds is the one talent hands over.
     */
    void clearCheckpoints() throws IOException {
        StateFiles.emptyDirectory(checkpoints);
    }

    @Override
    public void close() throws IOException { events.close(); }

    /** Stops reading the events, keeping their FIFO for the next process (an agent that leaves its containers). */
    public void detach() throws IOException { events.detach(); }

    @Override
    public String toString() { return platform.name(); }
}
