package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The take's request to send the checkpoint ahead ({@link HostedApps#sendAhead}): the destination it names must be
 * the very {@code Send} the controller's {@code SendCheckpoint} names afterwards, or that call would not find the send
 * the take started and would stream the checkpoint a second time.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SendAheadTest {
    @Test
    void theTakesDestinationIsTheSendCheckpointsOwn() throws Exception {
        AppsMessages.Send ahead = HostedApps.sendAhead("svc", "x86_64", HostedApps.sendAheadArg("10.213.0.3", 7443, "aarch64"));
        // as GrpcFleetAgents' destination files build it for SendCheckpoint
        assertThat(ahead).isEqualTo(new AppsMessages.Send("svc", "x86_64", "10.213.0.3", 7443, "aarch64", ""));
    }

    @Test
    void anEmptyArgumentAsksForNoSend() throws Exception {
        assertThat(HostedApps.sendAhead("svc", "x86_64", "")).isNull();
        assertThat(HostedApps.sendAhead("svc", "x86_64", null)).isNull();
    }

    @Test
    void aMalformedDestinationIsRefused() {
        for (String bad : new String[] {"10.0.0.1", "10.0.0.1\n7443", "\n7443\nx86_64", "10.0.0.1\n99999\nx86_64",
                "10.0.0.1\n-1\nx86_64", "10.0.0.1\n7443\nx86_64\nmore", "10.0.0.1\nport\nx86_64"}) {
            assertThatThrownBy(() -> HostedApps.sendAhead("svc", "x86_64", bad)).as(bad.replace("\n", "|"))
                    .isInstanceOf(IOException.class);
        }
    }
}
