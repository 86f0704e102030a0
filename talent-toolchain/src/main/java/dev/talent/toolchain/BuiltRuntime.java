package dev.talent.toolchain;

import java.nio.file.Path;
import java.util.List;

/**
 * libtalent built for one platform.
 *
 * @param archive          the static library, linked after the program's objects
 * @param includeDirectory holds talent.h, for compiling generated code
 * @param linkFlags        what must follow the archive on the link line (the runtime uses libm)
 */
public record BuiltRuntime(Platform platform, Path archive, Path includeDirectory, List<String> linkFlags) {
    public BuiltRuntime {
        linkFlags = List.copyOf(linkFlags);
    }
}
