package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.apps.FleetApps;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DrainCommandTest {
    @Test
    void eachAppIsOneLineThatSaysWhereItWentOrWhyItStays() {
        assertThat(DrainCommand.line(new FleetApps.DrainOutcome("web", "h2/x86_64", "h3/x86_64", true, "downtime 312 ms")))
                .isEqualTo("web: h2/x86_64 -> h3/x86_64 (downtime 312 ms)");
        assertThat(DrainCommand.line(new FleetApps.DrainOutcome("arm", "h2/aarch64", null, false,
                "no other live, undrained host has any of its platforms (aarch64)")))
                .isEqualTo("arm: stays on h2/aarch64: no other live, undrained host has any of its platforms (aarch64)");
        assertThat(DrainCommand.line(new FleetApps.DrainOutcome("old", "h2", null, true, "ended meanwhile"))).isEqualTo("old: ended meanwhile");
    }
}
