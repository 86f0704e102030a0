package dev.talent.container;

import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one container runs: a program built for {@code platform} (its host path, typically
 * {@code build/NAME.<platform>}), with its arguments, over the given host directories.
 *
 * @param id            runc's container id: letters, digits and {@code _ . + -}, unique in the host
 * @param program       the static binary on the host, mounted read-only at /talent/bin/NAME
 * @param workdir       host directory mounted read-write at /work, the program's working directory
 * @param checkpointDir host directory mounted read-write at /talent/ck ({@code TALENT_CHECKPOINT_DIR})
 * @param eventFile     host FIFO or file mounted read-write at /talent/events ({@code TALENT_EVENT_FILE})
 * @param env           extra environment variables; the container's own TALENT_* variables (see
 *                      {@link #environment()}) take precedence over them
 * @param restart       whether the runtime restores the newest checkpoint ({@code TALENT_RESTART=1})
 * @param stdoutFile    where the program's stdout goes: empty (production) = this JVM's own stdout,
 *                      inherited; a file (tests) = appended to that file
 * @param stderrFile    where the program's stderr goes: empty = a log of this container's own under the host's
 *                      state directory ({@code logs/ID.log}, created afresh); a file = appended to that file (a fleet
 *                      agent's per-app stderr log, which outlives its containers). runc's own messages about the
 *                      container go there too.
 * @param network       empty: the host's network (as without {@code --net}); else a network namespace of the
 *                      container's own with this address on the host bridge ({@link NetworkSlot})
 * @param awaitGo       with {@code restart}: the container may be started ahead, its runtime then waits for its
 *                      go on a FIFO in the bundle ({@link ContainerLayout#GO_FILE}, {@code TALENT_AWAIT_GO}) before
 *                      it reads a checkpoint ({@link Container#go()})
 */
public record ContainerSpec(String id, Platform platform, Path program, List<String> args, Path workdir,
                            Path checkpointDir, Path eventFile, Map<String, String> env, boolean restart,
                            Optional<Path> stdoutFile, Optional<Path> stderrFile, Optional<NetworkAttachment> network,
                            boolean awaitGo) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

    public ContainerSpec {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("container id '" + id
                    + "' must be 1 to 128 letters, digits, '_', '.', '+' or '-', starting with a letter or digit");
        }
        program = absolute(program);
        workdir = absolute(workdir);
        checkpointDir = absolute(checkpointDir);
        eventFile = absolute(eventFile);
        args = List.copyOf(args);
        for (String key : env.keySet()) {
            if (key.isEmpty() || key.contains("=")) throw new IllegalArgumentException("bad environment variable name '" + key + "'");
        }
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        stdoutFile = stdoutFile.map(ContainerSpec::absolute);
        stderrFile = stderrFile.map(ContainerSpec::absolute);
        if (awaitGo && !restart) throw new IllegalArgumentException("only a restart waits for a go (container " + id + ")");
    }

    /** A spec whose container does not wait for a go. */
    public ContainerSpec(String id, Platform platform, Path program, List<String> args, Path workdir,
                         Path checkpointDir, Path eventFile, Map<String, String> env, boolean restart,
                         Optional<Path> stdoutFile, Optional<Path> stderrFile, Optional<NetworkAttachment> network) {
        this(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart, stdoutFile, stderrFile, network,
                false);
    }

    /** A spec whose stderr goes to the container's own log. */
    public ContainerSpec(String id, Platform platform, Path program, List<String> args, Path workdir,
                         Path checkpointDir, Path eventFile, Map<String, String> env, boolean restart,
                         Optional<Path> stdoutFile, Optional<NetworkAttachment> network) {
        this(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart, stdoutFile, Optional.empty(), network);
    }

    /** A spec on the host's network. */
    public ContainerSpec(String id, Platform platform, Path program, List<String> args, Path workdir,
                         Path checkpointDir, Path eventFile, Map<String, String> env, boolean restart,
                         Optional<Path> stdoutFile) {
        this(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart, stdoutFile, Optional.empty());
    }

    /** A spec whose program writes to this JVM's stdout. */
    public ContainerSpec(String id, Platform platform, Path program, List<String> args, Path workdir,
                         Path checkpointDir, Path eventFile, Map<String, String> env, boolean restart) {
        this(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart, Optional.empty());
    }

    /** The same spec with the program's stdout appended to {@code file} instead of this JVM's stdout. */
    public ContainerSpec withStdoutFile(Path file) {
        return new ContainerSpec(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart,
                Optional.of(file), stderrFile, network, awaitGo);
    }

    /** The same spec with the program's stderr appended to {@code file} instead of the container's own log. */
    public ContainerSpec withStderrFile(Path file) {
        return new ContainerSpec(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart,
                stdoutFile, Optional.of(file), network, awaitGo);
    }

    /** The same spec in a network namespace of its own with {@code attachment}'s address. */
    public ContainerSpec withNetwork(NetworkAttachment attachment) {
        return new ContainerSpec(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart,
                stdoutFile, stderrFile, Optional.of(attachment), awaitGo);
    }

    /** The same restart spec, its container to be started ahead: the runtime waits for its go ({@link #awaitGo()}). */
    public ContainerSpec withAwaitGo() {
        return new ContainerSpec(id, platform, program, args, workdir, checkpointDir, eventFile, env, restart,
                stdoutFile, stderrFile, network, true);
    }

    /** The same spec with the program's environment variable {@code key} set to {@code value}. */
    public ContainerSpec withEnvironment(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(key, value);
        return new ContainerSpec(id, platform, program, args, workdir, checkpointDir, eventFile, more, restart,
                stdoutFile, stderrFile, network, awaitGo);
    }

    /** The program's name inside the container: the host file name without its {@code .<platform>} suffix. */
    public String programName() {
        String file = program.getFileName().toString();
        String suffix = "." + platform.name();
        return file.endsWith(suffix) && file.length() > suffix.length()
                ? file.substring(0, file.length() - suffix.length()) : file;
    }

    /** The container's host name: {@code talent-<platform>}, so a program (or its log) can tell where it runs. */
    public String hostname() { return "talent-" + platform.name(); }

    /** The program's whole environment: {@link #env()} plus talent's variables (which win). */
    public Map<String, String> environment() {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put(RuntimeContract.ENV_PLATFORM, platform.name());
        all.put(RuntimeContract.ENV_CHECKPOINT_DIR, ContainerLayout.CHECKPOINT_DIR);
        all.put(RuntimeContract.ENV_EVENT_FILE, ContainerLayout.EVENT_FILE);
        if (restart) all.put(RuntimeContract.ENV_RESTART, "1");
        else all.remove(RuntimeContract.ENV_RESTART);
        if (awaitGo) all.put(RuntimeContract.ENV_AWAIT_GO, ContainerLayout.GO_FILE);
        else all.remove(RuntimeContract.ENV_AWAIT_GO);
        return all;
    }

    private static Path absolute(Path path) { return path.toAbsolutePath().normalize(); }
}
