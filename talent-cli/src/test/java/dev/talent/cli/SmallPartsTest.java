package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.Diagnostic;
import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SmallPartsTest {

    @Test
    void diagnosticsLookLikeACompilers() {
        DiagnosticRenderer renderer = new DiagnosticRenderer(Path.of("/home/u/proj"));

        assertThat(renderer.render(Diagnostic.error("/home/u/proj/src/app.c", 12, 5, "setjmp cannot be checkpointed",
                "restructure the error handling without setjmp/longjmp")))
                .isEqualTo("src/app.c:12:5: error: setjmp cannot be checkpointed\n  restructure the error handling without setjmp/longjmp");
        assertThat(renderer.render(Diagnostic.note("/elsewhere/u.c", 3, 0, "site not placed inside a macro")))
                .isEqualTo("/elsewhere/u.c:3: note: site not placed inside a macro");
    }

    @Test
    void platformsNamesThePackageWhenRuncIsMissing() {
        assertThat(PlatformsCommand.containersLine(Optional.empty()))
                .isEqualTo("containers: missing: apt-get install runc (talent run needs runc; crun is not used)");
    }

    @Test
    void cacheDirectoryFollowsTheEnvironment() {
        Path home = Path.of("/home/u");

        assertThat(TalentDirectories.cache(Map.of("TALENT_CACHE_DIR", "/c"), home)).isEqualTo(Path.of("/c"));
        assertThat(TalentDirectories.cache(Map.of("XDG_CACHE_HOME", "/x"), home)).isEqualTo(Path.of("/x/talent"));
        assertThat(TalentDirectories.cache(Map.of(), home)).isEqualTo(Path.of("/home/u/.cache/talent"));
    }

    @Test
    void isolatedRuntimeEnvironmentRemovesInheritedTalentVariables() {
        RuntimeEnvironment env = new RuntimeEnvironment(Platform.parse("riscv64"), Optional.empty(), OptionalLong.empty(),
                false, OptionalInt.of(3), true);

        assertThat(env.variables()).containsExactlyInAnyOrderEntriesOf(
                Map.of("TALENT_PLATFORM", "riscv64", "TALENT_KEEP", "3", "TALENT_VERBOSE", "1", "TALENT_RESTART", "0"));
        assertThat(env.isolated().unset()).contains("TALENT_STOP_AFTER", "TALENT_RESTART", "TALENT_CHECKPOINT_DIR");
        assertThat(env.inheriting().unset()).isEmpty();
    }

    @Test
    void defaultNameIsTheFirstFileWithoutDotC() {
        assertThat(BuildRequest.defaultName(List.of(Path.of("src/app.c"), Path.of("util.c")))).isEqualTo("app");
    }

    @Test
    void demoRendersHopsAndSizes() {
        DemoEvent.Hop hop = new DemoEvent.Hop(2, Platform.parse("s390x"),
                Optional.of(new DemoEvent.ResumePoint("demo.c:31:9", "advance", 3)),
                new DemoEvent.Stopped(400, 2150, Path.of("ck/ckpt-000002.tck")));

        assertThat(DemoCommand.render(hop)).startsWith("hop 2: s390x       resumed at demo.c:31:9 (frame depth 3)")
                .endsWith("ran 400 site visits, checkpoint 2.1 KiB\n");
        assertThat(DemoCommand.size(900)).isEqualTo("900 B");
        assertThat(DemoCommand.size(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
    }
}
