package dev.talent.cli;

import dev.talent.format.CheckpointDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notices a checkpoint file that appears in a directory after {@link #watch}: a name that was not there, or a
 * name whose file was replaced (a restarted program renumbers from the checkpoint it resumed from, so it can
 * write a name an abandoned later history used). The runtime renames a complete file into place, so a file
 * seen here is whole.
 */
public final class CheckpointWatcher {

    private static final Duration POLL = Duration.ofMillis(50);

    private final Path dir;
    private final Map<Path, Object> before;

    private CheckpointWatcher(Path dir, Map<Path, Object> before) {
        this.dir = dir;
        this.before = before;
    }

    public static CheckpointWatcher watch(Path dir) throws IOException {
        return new CheckpointWatcher(dir, identities(dir));
    }

    /** The first new checkpoint file that appeared since {@link #watch}, if any. */
    public Optional<Path> newCheckpoint() throws IOException {
        for (CheckpointDirectory.Entry entry : CheckpointDirectory.list(dir)) {   // newest first
            Object now = identity(entry.file());
            if (now != null && !now.equals(before.get(entry.file()))) return Optional.of(entry.file());
        }
        return Optional.empty();
    }

    /**
     * Waits until a new checkpoint appears, the process ends (one last look after it ended), or the timeout
     * (null: none) passes.
     */
    public Optional<Path> await(ProcessHandle process, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            boolean alive = process.isAlive();
            Optional<Path> found = newCheckpoint();
            boolean late = timeout != null && System.nanoTime() - start >= timeout.toNanos();
            if (found.isPresent() || !alive || late) return found;
            Thread.sleep(POLL);
        }
    }

    private static Map<Path, Object> identities(Path dir) throws IOException {
        Map<Path, Object> ids = new HashMap<>();
        for (CheckpointDirectory.Entry entry : CheckpointDirectory.list(dir)) {
            Object id = identity(entry.file());
            if (id != null) ids.put(entry.file(), id);
        }
        return ids;
    }

    /**
     * The file's inode (a rename installs a new one), or its modification time where there is none; null when
     * the file was deleted meanwhile (the runtime deletes checkpoints beyond the K it keeps).
     */
    private static Object identity(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.fileKey() != null ? attributes.fileKey() : attributes.lastModifiedTime();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
