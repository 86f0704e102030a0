package dev.talent.cli;

import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The runtime's configuration, carried to the program in environment variables (the same ones a user can set
 * without the CLI). Variables not given here are inherited from talent's own environment.
 */
public record RuntimeEnvironment(Platform platform, Optional<Path> checkpointDir, OptionalLong stopAfter, boolean restart,
                                 OptionalInt keep, boolean verbose) {

    public static final String CHECKPOINT_DIR = "TALENT_CHECKPOINT_DIR";
    public static final String STOP_AFTER = "TALENT_STOP_AFTER";
    public static final String RESTART = "TALENT_RESTART";
    public static final String KEEP = "TALENT_KEEP";
    public static final String PLATFORM = "TALENT_PLATFORM";
    public static final String VERBOSE = "TALENT_VERBOSE";
    public static final Set<String> ALL = Set.of(CHECKPOINT_DIR, STOP_AFTER, RESTART, KEEP, PLATFORM, VERBOSE);

    public Map<String, String> variables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(PLATFORM, platform.name());
        checkpointDir.ifPresent(d -> env.put(CHECKPOINT_DIR, d.toAbsolutePath().normalize().toString()));
        stopAfter.ifPresent(n -> env.put(STOP_AFTER, Long.toString(n)));
        if (restart) env.put(RESTART, "1");
        keep.ifPresent(k -> env.put(KEEP, Integer.toString(k)));
        if (verbose) env.put(VERBOSE, "1");
        return env;
    }

    /** Sets these variables, inheriting any other TALENT_* variable from this process. */
    public EnvironmentChange inheriting() { return EnvironmentChange.setting(variables()); }

    /** Sets exactly these variables: every other TALENT_* variable is removed (for reproducible runs). */
    public EnvironmentChange isolated() { return new EnvironmentChange(variables(), ALL); }
}
