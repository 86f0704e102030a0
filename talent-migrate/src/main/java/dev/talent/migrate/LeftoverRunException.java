package dev.talent.migrate;

import java.nio.file.Path;
import java.util.List;

/**
 * A new {@code talent run} found what a killed run of the same app left in the state directory (its record, its
 * containers): it does not start over it, since the orphan's program may still run and share its working
 * directory. {@code talent run --resume NAME} adopts it.
 */
public final class LeftoverRunException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path stateDir;

    public LeftoverRunException(String app, Path stateDir, List<String> containers) {
        super("a talent run of " + app + " did not end (killed?) and left " + (containers.isEmpty() ? "its state"
                : "container" + (containers.size() > 1 ? "s " : " ") + String.join(", ", containers)) + " in " + stateDir
                + "; resume the app with: talent run --resume " + app + " --state-dir " + stateDir
                + " (or remove that directory to start afresh)");
        this.stateDir = stateDir;
    }

    public Path stateDirectory() { return stateDir; }
}
