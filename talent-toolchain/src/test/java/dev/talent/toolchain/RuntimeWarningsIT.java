package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.runtime.RuntimeSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate behind the runtime's "-Wall -Wextra clean" promise: every translation unit of the packaged runtime
 * compiles with {@link RuntimeLibrary#FLAGS} plus {@code -Werror} for every platform (each cross compiler warns
 * about different things: i686's 32-bit longs, s390x's byte order). {@code -Werror} lives here and not in the
 * library build on purpose: a warning that a newer gcc on a user's machine adds must not break their build.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RuntimeWarningsIT {

    static List<Platform> platforms() { return HostPlatforms.usable(); }

    private static List<String> strictFlags(Path sourceDir) {
        List<String> flags = new ArrayList<>(RuntimeLibrary.FLAGS);
        flags.add("-Werror");
        flags.add("-I" + sourceDir.resolve("include"));
        flags.add("-I" + sourceDir);
        return flags;
    }

    @Test
    void libraryFlagsAskForTheExtraWarnings() {
        assertThat(RuntimeLibrary.FLAGS).contains("-Wall", "-Wextra").doesNotContain("-Werror");
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void packagedRuntimeCompilesWithoutAnyWarning(Platform platform, @TempDir Path dir) throws Exception {
        CrossCompiler compiler = CrossCompiler.forPlatform(platform, ToolchainProbe.ofHost());
        RuntimeSources sources = RuntimeSources.fromClasspath();
        Path sourceDir = RuntimeLibrary.of(sources, dir).sourceDirectory();
        List<String> failures = new ArrayList<>();

        for (String unit : sources.translationUnits()) {
            Path object = dir.resolve(unit.replace('/', '_') + ".o");
            try {
                compiler.compileObject(sourceDir.resolve(unit), strictFlags(sourceDir), object);
            } catch (ToolFailedException e) {
                failures.add(e.output());
            }
        }

        assertThat(sources.translationUnits()).hasSizeGreaterThan(10);
        assertThat(failures).as("warnings of the runtime for %s", platform).isEmpty();
    }

    /** The gate can fail: an unused parameter, which only -Wextra reports, is refused. */
    @Test
    void anExtraWarningFailsTheStrictBuild(@TempDir Path dir) throws Exception {
        CrossCompiler compiler = CrossCompiler.forPlatform(Platform.parse("x86_64"), ToolchainProbe.ofHost());
        Files.createDirectories(dir.resolve("include"));
        Path source = Files.writeString(dir.resolve("unused.c"), "int f(int used, int unused) { return used; }\n");

        assertThatThrownBy(() -> compiler.compileObject(source, strictFlags(dir), dir.resolve("unused.o")))
                .isInstanceOfSatisfying(ToolFailedException.class,
                        e -> assertThat(e.output()).contains("unused parameter", "-Werror"));
    }
}
