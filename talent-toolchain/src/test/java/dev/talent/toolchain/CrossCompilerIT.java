package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Compiles and runs real programs with every installed cross toolchain and emulator. */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CrossCompilerIT {

    private static final String PROBE_PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            int main(int argc, char **argv) {
                unsigned int one = 1;
                unsigned char first;
                memcpy(&first, &one, 1);
                char c = (char)200;
                printf("bits=%u endian=%s char_signed=%d\\n", (unsigned)(sizeof(void *) * 8),
                       first == 1 ? "little" : "big", c < 0);
                printf("platform=%s args=%d:%s\\n", getenv("TALENT_PLATFORM"), argc - 1, argc > 1 ? argv[1] : "");
                printf("%.17g\\n", 0.1 * 3.0 + 1e-17 / 7.0);
                return 42;
            }
            """;

    static List<Platform> platforms() { return HostPlatforms.usable(); }

    @ParameterizedTest
    @MethodSource("platforms")
    void helloWorldBuildsStaticAndRunsWithItsDataModel(Platform platform, @TempDir Path dir) throws Exception {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        Path source = Files.writeString(dir.resolve("probe.c"), PROBE_PROGRAM);
        Path binary = dir.resolve("out/probe." + platform.name());
        CrossCompiler compiler = CrossCompiler.forPlatform(platform, probe);

        compiler.linkExecutable(new ExecutableSpec(List.of(source), List.of("-Wall"), List.of(), List.of("-lm"), binary));
        CapturedRun run = Launcher.forPlatform(platform, probe).runCapturing(binary, List.of("hello world"),
                EnvironmentChange.setting(Map.of("TALENT_PLATFORM", platform.name())), dir);

        assertThat(run.exitCode()).isEqualTo(42);
        assertThat(run.stdout()).isEqualTo("bits=%d endian=%s char_signed=1\nplatform=%s args=1:hello world\n%s\n"
                .formatted(platform.isa().pointerBits(),
                        platform.bigEndian() ? "big" : "little",
                        platform.name(), String.format("%.17g", 0.1 * 3.0 + 1e-17 / 7.0)));
        // Static: no program interpreter, so it runs under qemu without a sysroot.
        assertThat(ElfHeader.read(binary).hasInterpreter()).as("PT_INTERP in %s", binary).isFalse();
        assertThat(ElfHeader.read(binary).pointerBits()).isEqualTo(platform.isa().pointerBits());
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void compileErrorCarriesTheCompilersOwnMessage(Platform platform, @TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("broken.c"), "int main(void) { return undeclared_name; }\n");
        CrossCompiler compiler = CrossCompiler.forPlatform(platform, ToolchainProbe.ofHost());

        assertThatThrownBy(() -> compiler.linkExecutable(new ExecutableSpec(List.of(source), List.of(), List.of(),
                List.of(), dir.resolve("broken"))))
                .isInstanceOfSatisfying(ToolFailedException.class, e -> {
                    assertThat(e.output()).contains("broken.c:1:").contains("undeclared_name");
                    assertThat(e.exitCode()).isNotZero();
                });
    }
}
