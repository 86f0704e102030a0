package dev.talent.toolchain;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What this host offers for one platform.
 *
 * @param compiler  the C compiler driver, if installed
 * @param emulator  the qemu-user emulator, if the platform needs one and it is installed
 * @param runsNatively whether binaries run directly on the host
 * @param missingForBuild what building needs and the host lacks (empty when buildable)
 * @param missingForRun   what running needs and the host lacks (empty when runnable)
 */
public record PlatformSupport(Platform platform, Optional<Path> compiler, Optional<Path> emulator, boolean runsNatively,
                              List<MissingTool> missingForBuild, List<MissingTool> missingForRun) {

    public PlatformSupport {
        missingForBuild = List.copyOf(missingForBuild);
        missingForRun = List.copyOf(missingForRun);
    }

    public boolean isBuildable() { return missingForBuild.isEmpty(); }

    public boolean isRunnable() { return missingForRun.isEmpty(); }

    /** Build and run needs together, each package once. */
    public List<String> missingPackages() {
        return java.util.stream.Stream.concat(missingForBuild.stream(), missingForRun.stream())
                .map(MissingTool::debianPackage).distinct().toList();
    }
}
