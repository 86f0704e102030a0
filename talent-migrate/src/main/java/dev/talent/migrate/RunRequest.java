package dev.talent.migrate;

import dev.talent.env.SyncLimits;
import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code talent run} was asked to do.
 *
 * @param name        the app's name (control socket, container ids, log)
 * @param program     DIR/NAME: {@code DIR/NAME.<platform>} is run on each platform
 * @param args        the program's arguments (fresh start only; a restart takes them from the checkpoint)
 * @param platforms   where it may run; the first is where it starts
 * @param every       migration intervals are drawn uniformly from this range; empty: only on request
 * @param migrations  stop migrating after this many successful migrations
 * @param workdir     the app's home environment: copied to the first platform, receives the final state at the end
 * @param stateDir    replicas, bundles, checkpoints and logs of this run
 * @param presyncEvery how often the changes are pre-synced to the prepared destination
 * @param log         one JSON line per migration
 * @param fault       a step to fail on purpose at the first migration (testing the rollback)
 * @param seed        seed of the schedule's random generator (random when empty)
 * @param programStdout where the program's stdout goes: empty = talent's own stdout (talent run); a file = appended
 *                    to it by every container of the run (talent bench migration, whose stdout is its report)
 * @param syncLimits  the most every copy of the working directory (home to replica, replica to replica, replica
 *                    home) may hold: bytes, entries, depth; beyond them the copy fails with a clear error
 * @param network     {@code --net}: a network namespace per container with the app's address on a host bridge;
 *                    empty: the host's network
 */
public record RunRequest(String name, Path program, List<String> args, List<Platform> platforms,
                         Optional<Interval> every, OptionalInt migrations, Path workdir, Path stateDir,
                         Duration presyncEvery, Optional<Path> log, Optional<Step> fault, Optional<Long> seed,
                         Optional<Path> programStdout, SyncLimits syncLimits, Optional<NetRequest> network) {

    public RunRequest {
        java.util.Objects.requireNonNull(syncLimits);
        java.util.Objects.requireNonNull(network);
        args = List.copyOf(args);
        platforms = List.copyOf(platforms);
        if (platforms.isEmpty()) {
            throw new IllegalArgumentException("no platform given");
        }
        if (platforms.stream().distinct().count() != platforms.size()) {
            throw new IllegalArgumentException("a platform is listed twice in --platforms");
        }
    }

    /** A request on the host's network. */
    public RunRequest(String name, Path program, List<String> args, List<Platform> platforms,
                      Optional<Interval> every, OptionalInt migrations, Path workdir, Path stateDir,
                      Duration presyncEvery, Optional<Path> log, Optional<Step> fault, Optional<Long> seed,
                      Optional<Path> programStdout, SyncLimits syncLimits) {
        this(name, program, args, platforms, every, migrations, workdir, stateDir, presyncEvery, log, fault, seed,
                programStdout, syncLimits, Optional.empty());
    }

    /** The same request with {@code network} (the address resolved at the start of a run). */
    public RunRequest withNetwork(Optional<NetRequest> network) {
        return new RunRequest(name, program, args, platforms, every, migrations, workdir, stateDir, presyncEvery, log,
                fault, seed, programStdout, syncLimits, network);
    }

    /** A request with the default sync limits. */
    public RunRequest(String name, Path program, List<String> args, List<Platform> platforms, Optional<Interval> every,
                      OptionalInt migrations, Path workdir, Path stateDir, Duration presyncEvery, Optional<Path> log,
                      Optional<Step> fault, Optional<Long> seed, Optional<Path> programStdout) {
        this(name, program, args, platforms, every, migrations, workdir, stateDir, presyncEvery, log, fault, seed,
                programStdout, SyncLimits.DEFAULT);
    }

    /** A request whose program writes to talent's own stdout. */
    public RunRequest(String name, Path program, List<String> args, List<Platform> platforms, Optional<Interval> every,
                      OptionalInt migrations, Path workdir, Path stateDir, Duration presyncEvery, Optional<Path> log,
                      Optional<Step> fault, Optional<Long> seed) {
        this(name, program, args, platforms, every, migrations, workdir, stateDir, presyncEvery, log, fault, seed,
                Optional.empty());
    }

    /** The binaries of {@link #platforms()} that do not exist (checked before anything starts). */
    public List<Path> missingBinaries() {
        return platforms.stream().map(this::binaryFor).filter(b -> !java.nio.file.Files.isRegularFile(b)).toList();
    }

    /** The binary run on {@code platform}. */
    public Path binaryFor(Platform platform) {
        return program.resolveSibling(program.getFileName() + "." + platform.name());
    }
}
