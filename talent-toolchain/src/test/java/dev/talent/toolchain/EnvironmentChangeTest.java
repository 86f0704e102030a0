package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EnvironmentChangeTest {

    @Test
    void unsetsThenSets() {
        Map<String, String> env = new HashMap<>(Map.of("PATH", "/bin", "TALENT_STOP_AFTER", "5", "TALENT_KEEP", "3"));
        EnvironmentChange change = new EnvironmentChange(Map.of("TALENT_KEEP", "9"), Set.of("TALENT_STOP_AFTER", "TALENT_KEEP"))
                .plus(Map.of("TALENT_PLATFORM", "s390x"));

        change.applyTo(env);

        assertThat(env).containsExactlyInAnyOrderEntriesOf(
                Map.of("PATH", "/bin", "TALENT_KEEP", "9", "TALENT_PLATFORM", "s390x"));
    }
}
