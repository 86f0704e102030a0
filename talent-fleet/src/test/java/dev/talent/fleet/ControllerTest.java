package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ControllerTest {
    @Test
    void theTestingAidsAreACommaSeparatedList() {
        assertThat(Controller.testingFaults(null)).isEmpty();
        assertThat(Controller.testingFaults("")).isEmpty();
        assertThat(Controller.testingFaults("commit-stall")).containsExactly("commit-stall");
        assertThat(Controller.testingFaults("commit-stall,requests")).containsExactlyInAnyOrder("commit-stall", "requests");
        assertThat(Controller.testingFaults(" requests , ")).containsExactly("requests");
    }
}
