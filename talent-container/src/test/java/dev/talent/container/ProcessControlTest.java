package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProcessControlTest {

    @Test
    void waitStatusesDecodeAsAShellReportsThem() {
        assertThat(ProcessControl.exitCode(0)).isZero();
        assertThat(ProcessControl.exitCode(75 << 8)).isEqualTo(75);
        assertThat(ProcessControl.exitCode(15)).isEqualTo(143);
        assertThat(ProcessControl.exitCode(9 | 0x80)).as("killed, core dumped").isEqualTo(137);
        assertThatThrownBy(() -> ProcessControl.exitCode(0x137f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void killReachesLiveProcessesAndReportsMissingOnes() throws Exception {
        assertThat(ProcessControl.kill((int) ProcessHandle.current().pid(), 0)).isTrue();
        // pid_max is at most 2^22 on Linux, so this pid cannot exist.
        assertThat(ProcessControl.kill(1 << 23, 0)).isFalse();
    }

    @Test
    void waitingForAProcessThatIsNotAChildFailsWithErrno() {
        assertThatThrownBy(() -> ProcessControl.reap(1)).isInstanceOfSatisfying(NativeCallException.class, e -> {
            assertThat(e.errno()).isEqualTo(10);
            assertThat(e).hasMessage("waitpid(1) failed: No child processes (errno 10)");
        });
    }
}
