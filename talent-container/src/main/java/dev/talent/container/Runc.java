package dev.talent.container;

import dev.talent.base.Executables;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code runc} executable talent runs containers with. crun is not used: on hosts with a hybrid cgroup
 * layout (cgroup v1 controllers plus a v2 hierarchy, as on the reference machine) crun 1.8 refuses to start.
 */
public final class Runc {

    public static final String DEBIAN_PACKAGE = "runc";
    /** Debian installs runc in /usr/sbin, which is not on an ordinary user's PATH, so these are searched too. */
    static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/sbin"), Path.of("/sbin"));

    private final Path executable;

    private Runc(Path executable) { this.executable = executable; }

    /** runc from PATH, else from the system directories. */
    public static Optional<Runc> find() {
        return find(Executables.directories(System.getenv("PATH")));
    }

    static Optional<Runc> find(List<Path> searchPath) {
        List<Path> directories = new ArrayList<>(searchPath);
        directories.addAll(SYSTEM_DIRECTORIES);
        return Executables.onPath("runc", directories).map(Runc::new);
    }

    /** runc, or an exception saying where it was looked for and which package to install. */
    public static Runc locate() throws ContainerException {
        return find().orElseThrow(() -> new ContainerException(missingMessage()));
    }

    /** The error shown when runc is missing. */
    public static String missingMessage() {
        return "runc is not installed (looked on PATH and in "
                + SYSTEM_DIRECTORIES.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "); install it with: apt-get install " + DEBIAN_PACKAGE;
    }

    public Path executable() { return executable; }

    /** runc's version, as {@code 1.1.5+ds1}. */
    public String version() throws ContainerException, IOException, InterruptedException {
        CapturedRun run = ProcessRunner.capture(List.of(executable.toString(), "--version"), EnvironmentChange.NONE, null);
        if (run.exitCode() != 0) {
            throw new ContainerException(executable + " --version failed (exit status " + run.exitCode() + ")", run.stderr());
        }
        return parseVersion(run.stdout()).orElseThrow(() -> new ContainerException(
                "cannot read the version in the output of " + executable + " --version", run.stdout()));
    }

    /** The version in {@code runc --version} output, whose first line reads {@code runc version 1.1.5+ds1}. */
    static Optional<String> parseVersion(String output) {
        return output.lines().filter(l -> l.startsWith("runc version ")).findFirst()
                .map(l -> l.substring("runc version ".length()).strip()).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() { return executable.toString(); }
}
