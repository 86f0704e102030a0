package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ContainerSpecTest {

    private static ContainerSpec spec(String id, String program, boolean restart) {
        return new ContainerSpec(id, Platform.parse("x86_64-musl"), Path.of("build", program), List.of(), Path.of("w"),
                Path.of("ck"), Path.of("ev"), Map.of("TALENT_RESTART", "1"), restart);
    }

    @Test
    void programNameDropsThePlatformSuffixOnly() {
        assertThat(spec("a", "app.x86_64-musl", false).programName()).isEqualTo("app");
        assertThat(spec("a", "app.x86_64", false).programName()).isEqualTo("app.x86_64");
        assertThat(spec("a", "tool", false).programName()).isEqualTo("tool");
    }

    @Test
    void pathsBecomeAbsoluteAndStdoutIsInheritedUnlessRedirected() {
        ContainerSpec spec = spec("a", "app.x86_64-musl", false);

        assertThat(spec.workdir().isAbsolute()).isTrue();
        assertThat(spec.workdir().getFileName()).isEqualTo(Path.of("w"));
        assertThat(spec.stdoutFile()).isEmpty();
        assertThat(spec.withStdoutFile(Path.of("out.txt")).stdoutFile()).hasValueSatisfying(p -> assertThat(p.isAbsolute()).isTrue());
    }

    @Test
    void restartFlagDecidesTalentRestartWhateverTheCallerSet() {
        assertThat(spec("a", "app", false).environment()).doesNotContainKey("TALENT_RESTART")
                .containsEntry("TALENT_PLATFORM", "x86_64-musl");
        assertThat(spec("a", "app", true).environment()).containsEntry("TALENT_RESTART", "1");
        assertThat(spec("a", "app", true).hostname()).isEqualTo("talent-x86_64-musl");
    }

    @Test
    void onlyARestartWaitsForAGoAndTheCallerCannotSetTheVariable() {
        ContainerSpec plain = new ContainerSpec("a", Platform.parse("x86_64-musl"), Path.of("build", "app"), List.of(),
                Path.of("w"), Path.of("ck"), Path.of("ev"), Map.of("TALENT_AWAIT_GO", "/work/fifo"), true);
        assertThat(plain.awaitGo()).isFalse();
        assertThat(plain.environment()).doesNotContainKey("TALENT_AWAIT_GO");
        ContainerSpec ahead = plain.withAwaitGo().withStdoutFile(Path.of("out.txt")).withStderrFile(Path.of("err.txt"));
        assertThat(ahead.awaitGo()).isTrue();
        assertThat(ahead.environment()).containsEntry("TALENT_AWAIT_GO", "/talent/go").containsEntry("TALENT_RESTART", "1");
        assertThatThrownBy(() -> spec("a", "app", false).withAwaitGo()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only a restart waits for a go");
        ContainerSpec base = ahead.withEnvironment("TALENT_AHEAD", "base");
        assertThat(base.environment()).containsEntry("TALENT_AHEAD", "base").containsEntry("TALENT_AWAIT_GO", "/talent/go");
        assertThat(base.awaitGo()).isTrue();
        assertThat(base.stdoutFile()).isEqualTo(ahead.stdoutFile());
        assertThat(ahead.environment()).as("the spec it came from").doesNotContainKey("TALENT_AHEAD");
        assertThat(base.withEnvironment("TALENT_AWAIT_GO", "/elsewhere").environment())
                .as("talent's own variables still win").containsEntry("TALENT_AWAIT_GO", "/talent/go");
    }

    @Test
    void idsAreWhatRuncAccepts() {
        assertThat(spec("app-s390x.2_b+c", "app", false).id()).isEqualTo("app-s390x.2_b+c");
        for (String bad : List.of("", "-x", "a/b", "a b", "..", "x".repeat(129))) {
            assertThatThrownBy(() -> spec(bad, "app", false)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("container id");
        }
    }
}
