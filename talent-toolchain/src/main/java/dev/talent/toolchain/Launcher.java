package dev.talent.toolchain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a binary built for one platform on this host: directly when the host executes that ISA, otherwise
 * under the platform's {@code qemu-<arch>-static} (qemu-user passes the environment through to the guest).
 */
public final class Launcher {

    private final Platform platform;
    private final List<String> prefix;

    private Launcher(Platform platform, List<String> prefix) {
        this.platform = platform;
        this.prefix = List.copyOf(prefix);
    }

    /** A launcher for the platform, or an exception naming the missing emulator and its package. */
    public static Launcher forPlatform(Platform platform, ToolchainProbe probe) throws PlatformUnavailableException {
        PlatformSupport support = probe.probe(platform);
        if (!support.isRunnable()) throw new PlatformUnavailableException(platform, "run", support.missingForRun());
        return new Launcher(platform, support.emulator().map(p -> List.of(p.toString())).orElse(List.of()));
    }

    public Platform platform() { return platform; }

    /** Whether binaries run under an emulator rather than natively. */
    public boolean isEmulated() { return !prefix.isEmpty(); }

    public List<String> command(Path binary, List<String> args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(binary.toString());
        command.addAll(args);
        return command;
    }

    /** Runs with this process's stdin/stdout/stderr; returns the program's exit status. */
    public int run(Path binary, List<String> args, EnvironmentChange env, Path workingDirectory)
            throws IOException, InterruptedException {
        return ProcessRunner.runInheritingIO(command(binary, args), env, workingDirectory);
    }

    /** Runs with empty stdin, capturing stdout and stderr. */
    public CapturedRun runCapturing(Path binary, List<String> args, EnvironmentChange env, Path workingDirectory)
            throws IOException, InterruptedException {
        return ProcessRunner.capture(command(binary, args), env, workingDirectory);
    }
}
