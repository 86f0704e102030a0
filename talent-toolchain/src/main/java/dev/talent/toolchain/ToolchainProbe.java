package dev.talent.toolchain;

import dev.talent.base.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds out which platforms this host can build and run, by looking for the commands on the search path and
 * the static C libraries at their Debian locations. Cheap (file checks only), so callers probe when needed.
 */
public final class ToolchainProbe {

    private final List<Path> searchPath;
    private final Path root;
    private final Optional<Isa> host;

    private ToolchainProbe(List<Path> searchPath, Path root, Optional<Isa> host) {
        this.searchPath = List.copyOf(searchPath);
        this.root = root;
        this.host = host;
    }

    /** Probes the real host: its {@code PATH} and file system, its ISA. */
    public static ToolchainProbe ofHost() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        List<Path> dirs = Executables.directories(path);
        return new ToolchainProbe(dirs, Path.of("/"), Isa.host());
    }

    /** Probes a host described by a search path, a directory standing for {@code /}, and an ISA. */
    public static ToolchainProbe of(List<Path> searchPath, Path root, Optional<Isa> host) {
        return new ToolchainProbe(searchPath, root, host);
    }

    public Optional<Isa> host() { return host; }

    /** The executable named {@code command} on the search path. */
    public Optional<Path> findCommand(String command) {
        return Executables.onPath(command, searchPath);
    }

    /** The platforms {@code talent build} targets by default on this host (see {@link Platform#defaultTargets(boolean)}). */
    public List<Platform> defaultTargets() {
        return Platform.defaultTargets(findCommand(new Platform(Isa.X86_64, Userland.MUSL).compilerCommand()).isPresent());
    }

    public PlatformSupport probe(Platform platform) {
        List<MissingTool> missingForBuild = new ArrayList<>();
        Optional<Path> compiler = findCommand(platform.compilerCommand());
        if (compiler.isEmpty()) {
            missingForBuild.add(new MissingTool(platform.compilerCommand(), platform.compilerPackage(host)));
        }
        if (findCommand(platform.archiverCommand()).isEmpty()) {
            // The archiver ships with the cross gcc's binutils; for musl with the host's binutils.
            missingForBuild.add(new MissingTool(platform.archiverCommand(),
                    platform.userland() == Userland.MUSL ? "binutils" : platform.compilerPackage(host)));
        }
        Path libc = platform.staticLibc(host);
        if (!Files.isRegularFile(root.resolve(Path.of("/").relativize(libc)))) {
            missingForBuild.add(new MissingTool(libc.toString(), platform.libcPackage(host)));
        }
        boolean isNative = platform.runsNativelyOn(host);
        Optional<Path> emulator = Optional.empty();
        List<MissingTool> missingForRun = new ArrayList<>();
        if (!isNative) {
            emulator = findCommand(platform.isa().qemuCommand());
            if (emulator.isEmpty()) missingForRun.add(new MissingTool(platform.isa().qemuCommand(), Isa.QEMU_PACKAGE));
        }
        return new PlatformSupport(platform, compiler, emulator, isNative, missingForBuild, missingForRun);
    }

    public List<PlatformSupport> probe(List<Platform> platforms) {
        return platforms.stream().map(this::probe).toList();
    }

    /** Every known platform. */
    public List<PlatformSupport> probeAll() { return probe(Platform.KNOWN); }
}
