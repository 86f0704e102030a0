package dev.talent.migrate.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The effective uid of this process: the owner of the files it creates and the uid its socket peers see through
 * SO_PEERCRED (the JDK exposes neither as a number, so it is read from /proc).
 */
final class CurrentUser {
    private static volatile Integer uid;

    private CurrentUser() {}

    static int uid() {
        Integer known = uid;
        if (known == null) {
            known = read();
            uid = known;
        }
        return known;
    }

    private static int read() {
        try {
            return effectiveUid(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException | IllegalStateException e) {
            return ownerOfNewFile();
        }
    }

    /** From the "Uid:" line of /proc/PID/status: real, effective, saved, filesystem uid. */
    static int effectiveUid(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("Uid:")) {
                String[] fields = line.substring(4).trim().split("\\s+", -1);
                if (fields.length >= 2) return Integer.parseInt(fields[1]);
            }
        }
        throw new IllegalStateException("no Uid: line in /proc/self/status");
    }

    /** Without /proc: a file we create is owned by our (filesystem) uid. */
    private static int ownerOfNewFile() {
        try {
            Path probe = Files.createTempFile("talent-uid", "");
            try {
                return (Integer) Files.getAttribute(probe, "unix:uid");
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot determine the current uid (no /proc/self/status, no temporary file)", e);
        }
    }
}
