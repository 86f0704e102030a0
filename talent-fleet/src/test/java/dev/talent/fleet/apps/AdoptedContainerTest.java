package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AdoptedContainerTest {
    private static final String REST = " 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615";

    @Test
    void statFieldsAreCountedAfterTheLastParenthesisWhateverTheCommandHolds() {
        assertThat(AdoptedContainer.parseStat("4242 (talent-init) S" + REST + "\n"))
                .contains(new AdoptedContainer.Stat('S', 123456));
        // a program may name itself with spaces and parentheses
        assertThat(AdoptedContainer.parseStat("4242 (a) R 9 9 (x y) Z" + REST))
                .contains(new AdoptedContainer.Stat('Z', 123456));
        assertThat(AdoptedContainer.parseStat("4242 (a) Z" + REST).orElseThrow().gone()).isTrue();
    }

    @Test
    void malformedStatIsNothing() {
        assertThat(AdoptedContainer.parseStat("")).isEmpty();
        assertThat(AdoptedContainer.parseStat("4242 (a")).isEmpty();
        assertThat(AdoptedContainer.parseStat("4242 (a) S 1 2")).isEmpty();
        assertThat(AdoptedContainer.parseStat("4242 (a) S" + REST.replace("123456", "-5"))).isEmpty();
        assertThat(AdoptedContainer.parseStat("4242 (a) S" + REST.replace("123456", "x"))).isEmpty();
    }

    @Test
    void theExitOfAProcessNotItsChildIsSeenWithAnUnknownStatus() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            AdoptedContainer c = AdoptedContainer.adopt(null, "svc-h1-x86_64-1", (int) p.pid(), java.nio.file.Path.of("/nonexistent"), java.util.Optional.empty());
            assertThat(c.onExit()).isNotDone();
            p.destroyForcibly().waitFor();
            assertThat(c.onExit().get(5, TimeUnit.SECONDS)).isEqualTo(AdoptedContainer.UNKNOWN_STATUS);
            assertThat(c.signal(dev.talent.migrate.pipeline.Signal.KILL)).as("nothing is sent once it is gone").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theExitRecordedByTheContainersInitIsItsStatusAKillIs128PlusTheSignal() throws Exception {
        for (var c : java.util.List.of(new dev.talent.container.ContainerExit(3, 0), new dev.talent.container.ContainerExit(0, 9))) {
            Process p = new ProcessBuilder("sleep", "30").start();
            try {
                AdoptedContainer a = AdoptedContainer.adopt(null, "svc-h1-x86_64-1", (int) p.pid(), java.nio.file.Path.of("/nonexistent"),
                        java.util.Optional.empty(), () -> java.util.Optional.of(c));
                p.destroyForcibly().waitFor();
                assertThat(a.onExit().get(5, TimeUnit.SECONDS)).isEqualTo(c.signal() == 0 ? 3 : 137);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aGoneProcessCannotBeAdopted() throws Exception {
        Process p = new ProcessBuilder("true").start();
        int pid = (int) p.pid();
        p.waitFor();
        assertThatThrownBy(() -> AdoptedContainer.adopt(null, "svc-h1-x86_64-1", pid, java.nio.file.Path.of("/nonexistent"), java.util.Optional.empty())).isInstanceOf(IOException.class);
    }
}
