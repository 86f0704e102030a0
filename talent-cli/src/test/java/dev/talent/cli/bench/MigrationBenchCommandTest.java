package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationBenchCommandTest {

    static MigrationBench.Settings settings(String... args) {
        MigrationBenchCommand command = new MigrationBenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void crossNoneMeasuresTheNativeScenarioAlone() {
        assertThat(settings("--cross", "none").foreign()).isEmpty();
        assertThat(settings("--cross", "aarch64").foreign()).extracting(p -> p.name())
                .containsExactly("aarch64");
        assertThat(settings().foreign()).extracting(p -> p.name()).containsExactly("aarch64", "s390x");
    }

    @Test
    void stateSizesPrecopyAndAheadModesAreChecked() {
        MigrationBench.Settings s = settings("--state-mib", "1,64,1", "--precopy", "3", "--ahead", "populate,base");
        assertThat(s.stateMib()).containsExactly(1, 64);
        assertThat(s.precopy()).isEqualTo(3);
        assertThat(s.ahead()).containsExactly("populate", "base");
        assertThat(settings("--state-mib", "8").ahead()).as("no mode without pre-copy").isEmpty();
        assertThat(settings().stateMib()).isEmpty();
        for (String[] bad : new String[][] {{"--state-mib", "0"}, {"--precopy", "-1"}, {"--precopy", "2", "--ahead", "all"}}) {
            assertThatThrownBy(() -> settings(bad)).as(String.join(" ", bad)).isInstanceOf(CommandLine.ParameterException.class);
        }
    }

    @Test
    void noneIsNoPlatformBesideOthers() {
        assertThatThrownBy(() -> settings("--cross", "aarch64,none"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}
