package dev.talent.base;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Finding a command the way a shell does: the first executable file of that name in a PATH directory. */
public final class Executables {

    private Executables() {}

    /** {@code command} in this process's PATH. */
    public static Optional<Path> onPath(String command) {
        return onPath(command, System.getenv("PATH"));
    }

    /**
     * {@code command} in the directories of {@code path} (colon-separated; null or empty: none), or {@code command}
     * itself when it names a file (contains a slash). Empty entries are skipped rather than read as the working
     * directory.
     */
    public static Optional<Path> onPath(String command, String path) {
        if (command.isEmpty()) return Optional.empty();
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath(command, directories(path));
    }

    /** {@code command} in the first of {@code directories} that holds an executable file of that name. */
    public static Optional<Path> onPath(String command, List<Path> directories) {
        if (command.isEmpty() || command.contains("/")) return onPath(command, "");
        for (Path dir : directories) {
            Path p = dir.resolve(command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The directories of a PATH value (null: none), empty entries left out. */
    public static List<Path> directories(String path) {
        if (path == null) return List.of();
        return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(Path::of).toList();
    }
}
