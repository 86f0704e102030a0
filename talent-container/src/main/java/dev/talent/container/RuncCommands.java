package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runc command lines of one host, all with {@code --root <state>/runc} so that talent's containers live in
 * their own runc state directory, apart from any other runc user's.
 */
final class RuncCommands {

    private static final File DEV_NULL = new File("/dev/null");
    private static final Path NICE = Path.of("/usr/bin/nice");

    private final Runc runc;
    private final Path root;

    RuncCommands(Runc runc, Path root) {
        this.runc = runc;
        this.root = root;
    }

    Path root() { return root; }

    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(runc.executable().toString(), "--root", root.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * {@code runc create}: sets up the namespaces and mounts and leaves the init process waiting for
     * {@code runc start}. runc hands its own stdio to the container (no terminal), so the container's stdout is
     * {@code stdout} (this JVM's own when empty) and its stderr the log file. Neither may be a pipe of this
     * JVM: the JDK drains and closes a child's pipes when the child (runc) exits, long before the container does.
     */
    int create(String id, Path bundle, Path pidFile, Optional<Path> stdout, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command("create", "--bundle", bundle.toString(),
                "--pid-file", pidFile.toString(), id))
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(stdout.map(f -> ProcessBuilder.Redirect.appendTo(f.toFile())).orElse(ProcessBuilder.Redirect.INHERIT))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return ProcessRunner.waitFor(builder.start());
    }

    CapturedRun start(String id) throws IOException, InterruptedException {
        return ProcessRunner.capture(command("start", id), EnvironmentChange.NONE, null);
    }

    /** {@code runc state}: the container's state as JSON (id, pid, status, bundle...). */
    CapturedRun state(String id) throws IOException, InterruptedException {
        return ProcessRunner.capture(command("state", id), EnvironmentChange.NONE, null);
    }

    /** {@code runc kill ID SIGNAL}: the signal to the container's init (which forwards it to the program). */
    CapturedRun kill(String id, String signal) throws IOException, InterruptedException {
        return ProcessRunner.capture(command("kill", id, signal), EnvironmentChange.NONE, null);
    }

    /** {@code runc delete --force}: kills the container if it still runs and removes its state and cgroups. */
    CapturedRun delete(String id) throws IOException, InterruptedException {
        return ProcessRunner.capture(command("delete", "--force", id), EnvironmentChange.NONE, null);
    }

    /**
     * {@link #delete} at the lowest CPU priority ({@code nice -n 19}, when coreutils' nice is there), for a removal
     * nothing waits for: it takes the processors only when what is waited for (other apps' moves) leaves them idle.
     */
    CapturedRun deleteAtLowPriority(String id) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (java.nio.file.Files.isExecutable(NICE)) command.addAll(List.of(NICE.toString(), "-n", "19"));
        command.addAll(command("delete", "--force", id));
        return ProcessRunner.capture(command, EnvironmentChange.NONE, null);
    }
}
