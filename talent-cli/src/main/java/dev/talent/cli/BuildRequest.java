package dev.talent.cli;

import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One {@code talent build}.
 *
 * @param platforms the platforms named with --isa, or empty for "every platform this host can build"
 */
public record BuildRequest(List<Path> sources, CcOptions cc, Path outputDir, String name, Optional<List<Platform>> platforms) {
    public BuildRequest {
        sources = sources.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        outputDir = outputDir.toAbsolutePath().normalize();
        platforms = platforms.map(List::copyOf);
    }

    /** The program name when --name is not given: the first file's base name without {@code .c}. */
    public static String defaultName(List<Path> sources) {
        String file = sources.getFirst().getFileName().toString();
        return file.endsWith(".c") ? file.substring(0, file.length() - 2) : file;
    }

    /** Where the binary of one platform goes: {@code DIR/NAME.<platform>}. */
    public Path binary(Platform platform) {
        return outputDir.resolve(name + "." + platform.name());
    }

    /** Where the instrumented sources go. */
    public Path workDir() {
        return outputDir.resolve(".talent").resolve("src");
    }
}
