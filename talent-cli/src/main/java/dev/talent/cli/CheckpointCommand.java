package dev.talent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code talent checkpoint [--stop] [--wait DIR] PID}: asks a running talent program for a checkpoint. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ask a running talent program for a checkpoint at its next site (SIGUSR2; --stop: SIGUSR1, exit 75).",
                "PID is the program's: the PID `./talent exec` was started as (the program replaces it), or that of "
                        + "the binary or qemu-<arch>-static run directly."},
        footer = {"", "Exit status: 0 sent (with --wait: written), 1 the process ended or the time passed without a new "
                + "checkpoint, 64 bad command line, 69 no such process or not a talent program (nothing is sent), "
                + "77 not permitted (another user's process)."})
public final class CheckpointCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--stop", description = "Checkpoint and exit 75 (SIGUSR1) instead of continuing (SIGUSR2).")
    boolean stop;

    @Option(names = "--wait", paramLabel = "DIR",
            description = "Wait until a new checkpoint file appears in DIR (the program's checkpoint directory) and print its path.")
    Path waitDir;

    @Option(names = "--timeout", paramLabel = "T", description = "With --wait: give up after T seconds (default: wait while the program runs).")
    Double timeoutSeconds;

    @Parameters(index = "0", paramLabel = "PID", description = "The program's process id.")
    long pid;

    /** How processes are judged; tests point it at a /proc of their own. */
    TalentProgram programs = TalentProgram.ofHost();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (pid < 1) throw new ParameterException(spec.commandLine(), "PID must be a positive process id, not " + pid);
        if (timeoutSeconds != null && waitDir == null) throw new ParameterException(spec.commandLine(), "--timeout needs --wait DIR");
        if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--timeout must be more than 0 seconds");
        }
        if (waitDir != null && !Files.isDirectory(waitDir)) {
            throw new ParameterException(spec.commandLine(), "--wait " + waitDir + ": no such directory");
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            err.println("talent checkpoint: no process " + pid);
            return ExitCodes.UNAVAILABLE;
        }
        Optional<String> javaExec = talentJavaExec(process.get());
        if (javaExec.isPresent()) {
            err.println("talent checkpoint: " + pid + " is talent's own Java process (" + javaExec.get() + "), not the program;");
            List<Long> children = process.get().children().map(ProcessHandle::pid).toList();
            err.println("  signal the program it runs instead" + (children.isEmpty() ? "" : ": " + children.getFirst())
                    + " (./talent exec runs the program in its own process, with talent's PID)");
            return ExitCodes.USAGE;
        }
        // Only a talent program catches SIGUSR1/SIGUSR2: any other process would die of them.
        switch (programs.examine(pid, programs.callerUid())) {
            case TalentProgram.Verdict.Talent talent -> { }
            case TalentProgram.Verdict.Gone gone -> {
                err.println("talent checkpoint: no process " + pid);
                return ExitCodes.UNAVAILABLE;
            }
            case TalentProgram.Verdict.OtherUser other -> {
                err.println("talent checkpoint: process " + pid + " belongs to another user (uid " + other.ownerUid()
                        + "); not signalled (run as that user)");
                return ExitCodes.NO_PERMISSION;
            }
            case TalentProgram.Verdict.NotTalent not -> {
                err.println("talent checkpoint: process " + pid + " is not a talent program: " + not.why() + "; not signalled");
                if (isTalentLauncher(process.get())) {
                    err.println("  it looks like ./talent exec still preparing the run: the program replaces it when it "
                            + "starts; try again then");
                }
                return ExitCodes.UNAVAILABLE;
            }
        }
        // The PID must still name the process that was examined (not a new one that reused it).
        if (!ProcessHandle.of(pid).map(p -> p.info().startInstant().equals(process.get().info().startInstant())).orElse(false)) {
            err.println("talent checkpoint: no process " + pid + " (it ended while it was examined)");
            return ExitCodes.UNAVAILABLE;
        }
        CheckpointRequest.Kind kind = stop ? CheckpointRequest.Kind.STOP : CheckpointRequest.Kind.CONTINUE;
        CheckpointWatcher watcher = waitDir == null ? null : CheckpointWatcher.watch(waitDir);
        switch (CheckpointRequest.send(pid, kind)) {
            case CheckpointRequest.Outcome.Sent sent -> { }
            case CheckpointRequest.Outcome.NoSuchProcess gone -> {
                err.println("talent checkpoint: no process " + pid);
                return ExitCodes.UNAVAILABLE;
            }
            case CheckpointRequest.Outcome.PermissionDenied denied -> {
                err.println("talent checkpoint: not permitted to signal process " + pid + " (another user's; run as that user or root)");
                return ExitCodes.NO_PERMISSION;
            }
            case CheckpointRequest.Outcome.Failed failed -> {
                err.println("talent checkpoint: kill -s " + kind.signalName() + " " + pid + " failed: " + failed.message());
                return ExitCodes.FAILURE;
            }
        }
        if (watcher == null) return ExitCodes.OK;
        Duration timeout = timeoutSeconds == null ? null : Duration.ofNanos((long) (timeoutSeconds * 1e9));
        Optional<Path> written = watcher.await(process.get(), timeout);
        if (written.isPresent()) {
            spec.commandLine().getOut().println(written.get());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        err.println("talent checkpoint: no new checkpoint in " + waitDir + (process.get().isAlive()
                ? " after " + timeoutSeconds + " s (the program may not have reached a checkpoint site yet)"
                : ": process " + pid + " ended without writing one (is DIR its checkpoint directory?)"));
        return ExitCodes.FAILURE;
    }

    /** Whether the process looks like the ./talent launcher before it became the program (only to word a hint). */
    static boolean isTalentLauncher(ProcessHandle process) {
        List<String> args = process.info().arguments().map(List::of).orElse(List.of());
        return args.size() >= 2 && Path.of(args.getFirst()).getFileName() != null
                && Path.of(args.getFirst()).getFileName().toString().equals("talent") && args.contains("exec");
    }

    /** Whether the process is a JVM running talent's exec (java -jar talent.jar exec ...): what it runs, if so. */
    static Optional<String> talentJavaExec(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        boolean java = info.command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false);
        List<String> args = info.arguments().map(List::of).orElse(List.of());
        boolean talent = args.stream().anyMatch(a -> a.endsWith("talent.jar") || a.equals("dev.talent.cli.Main"));
        if (java && talent && args.contains("exec")) return Optional.of(info.commandLine().orElse("java"));
        return Optional.empty();
    }
}
