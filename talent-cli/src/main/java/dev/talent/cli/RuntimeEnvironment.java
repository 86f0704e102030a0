package dev.talent.cli;

import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Platform;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The runtime's configuration, carried to the program in environment variables (the same ones a user can set
 * without the CLI). The runtime reads its configuration file first and these variables after it, so what is
 * given here overrides both the file and talent's own environment; variables not given here are inherited.
 * Every key is documented once, in talent-runtime/src/main/c/README.md ("Configuration").
 */
public record RuntimeEnvironment(Platform platform, Optional<Path> checkpointDir, OptionalLong stopAfter, boolean restart,
                                 OptionalInt keep, boolean verbose, Optional<Path> config, OptionalLong everyVisits,
                                 OptionalDouble everySeconds) {

    public static final String CHECKPOINT_DIR = RuntimeContract.ENV_CHECKPOINT_DIR;
    public static final String STOP_AFTER = RuntimeContract.ENV_STOP_AFTER;
    public static final String RESTART = RuntimeContract.ENV_RESTART;
    public static final String KEEP = RuntimeContract.ENV_KEEP;
    public static final String PLATFORM = RuntimeContract.ENV_PLATFORM;
    public static final String VERBOSE = RuntimeContract.ENV_VERBOSE;
    public static final String CONFIG = RuntimeContract.ENV_CONFIG;
    public static final String EVERY_VISITS = RuntimeContract.ENV_EVERY_VISITS;
    public static final String EVERY_SECONDS = RuntimeContract.ENV_EVERY_SECONDS;
    /** Set only by the ./talent launcher for a request that reached it before the program started. */
    public static final String EARLY_REQUEST = RuntimeContract.ENV_EARLY_REQUEST;
    public static final Set<String> ALL = Set.of(CHECKPOINT_DIR, STOP_AFTER, RESTART, KEEP, PLATFORM, VERBOSE, CONFIG,
            EVERY_VISITS, EVERY_SECONDS, EARLY_REQUEST);

    /** Without a configuration file and periodic checkpoints (the tools' own runs: demo, bench). */
    public RuntimeEnvironment(Platform platform, Optional<Path> checkpointDir, OptionalLong stopAfter, boolean restart,
                              OptionalInt keep, boolean verbose) {
        this(platform, checkpointDir, stopAfter, restart, keep, verbose, Optional.empty(), OptionalLong.empty(),
                OptionalDouble.empty());
    }

    public Map<String, String> variables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(PLATFORM, platform.name());
        config.ifPresent(f -> env.put(CONFIG, f.toAbsolutePath().normalize().toString()));
        checkpointDir.ifPresent(d -> env.put(CHECKPOINT_DIR, d.toAbsolutePath().normalize().toString()));
        stopAfter.ifPresent(n -> env.put(STOP_AFTER, Long.toString(n)));
        // always explicit: a TALENT_RESTART inherited from the caller's shell must not make a plain run restore
        env.put(RESTART, restart ? "1" : "0");
        keep.ifPresent(k -> env.put(KEEP, Integer.toString(k)));
        everyVisits.ifPresent(n -> env.put(EVERY_VISITS, Long.toString(n)));
        // BigDecimal: never an exponent ("1.0E-3"), which the runtime's strtod would accept but a reader may not.
        everySeconds.ifPresent(t -> env.put(EVERY_SECONDS, BigDecimal.valueOf(t).stripTrailingZeros().toPlainString()));
        if (verbose) env.put(VERBOSE, "1");
        return env;
    }

    /** Sets these variables, inheriting any other TALENT_* variable from this process. */
    public EnvironmentChange inheriting() { return EnvironmentChange.setting(variables()); }

    /** Sets exactly these variables: every other TALENT_* variable is removed (for reproducible runs). */
    public EnvironmentChange isolated() { return new EnvironmentChange(variables(), ALL); }
}
