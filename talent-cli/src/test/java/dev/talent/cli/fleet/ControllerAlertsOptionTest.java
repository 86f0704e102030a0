package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControllerAlertsOptionTest {
    @Test
    void alertsTakesAnAddressLiteralAndAPort() {
        assertThat(ControllerCommand.listenAddress("10.213.0.11:7444").getAddress().getHostAddress()).isEqualTo("10.213.0.11");
        assertThat(ControllerCommand.listenAddress("10.213.0.11:7444").getPort()).isEqualTo(7444);
        assertThat(ControllerCommand.listenAddress("[::1]:7444").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        for (String bad : new String[] {"7444", "10.213.0.11", "10.213.0.11:x", "10.213.0.11:70000", "h1.lab:7444", ":7444"})
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ControllerCommand.listenAddress(bad));
    }

    @Test
    void keepEndedForTakesAnAgeWithItsUnit() {
        assertThat(ControllerCommand.ageMs("30d")).isEqualTo(30L * 86_400_000);
        assertThat(ControllerCommand.ageMs("12h")).isEqualTo(12L * 3_600_000);
        assertThat(ControllerCommand.ageMs("90m")).isEqualTo(90L * 60_000);
        assertThat(ControllerCommand.ageMs("600s")).isEqualTo(600_000);
        for (String bad : new String[] {"30", "0s", "3651d", "-1d", "1w", "", "1.5d"})
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ControllerCommand.ageMs(bad));
    }
}
