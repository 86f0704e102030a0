package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync expects the destination's log sizes the last sync to the same place left there ({@link HostedApps.SyncedLogs})
 * instead of asking for them; the destination refuses one whose expectation is not its logs' sizes, with a status the
 * source tells from any other failure (it then asks and sends again).
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SyncedLogsTest {
    static final AppsMessages.Send TO = new AppsMessages.Send("svc", "x86_64", "10.213.0.3", 7443, "x86_64", "journal");

    @Test
    void theSizesAreExpectedOnlyAtThePlaceTheLastSyncWentTo() {
        HostedApps.SyncedLogs last = new HostedApps.SyncedLogs(TO, 120, 7);
        assertThat(last.expected(TO)).containsExactly(120, 7);
        assertThat(last.expected(new AppsMessages.Send("svc", "x86_64", "10.213.0.3", 7443, "x86_64", "mirror"))).containsExactly(120, 7);
        for (AppsMessages.Send other : new AppsMessages.Send[] {
                new AppsMessages.Send("web", "x86_64", "10.213.0.3", 7443, "x86_64", "journal"),
                new AppsMessages.Send("svc", "aarch64", "10.213.0.3", 7443, "x86_64", "journal"),
                new AppsMessages.Send("svc", "x86_64", "10.213.0.4", 7443, "x86_64", "journal"),
                new AppsMessages.Send("svc", "x86_64", "10.213.0.3", 7444, "x86_64", "journal"),
                new AppsMessages.Send("svc", "x86_64", "10.213.0.3", 7443, "aarch64", "journal")}) {
            assertThat(last.expected(other)).as(other.toString()).isNull();
        }
    }

    @Test
    void aLogPartEndsWhereTheSourcesLogEndedWhenItWasRead(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("output.log");
        Files.writeString(log, "0123456789");
        HostedApps.LogTail tail = HostedApps.LogTail.of(log, 4);
        assertThat(tail.from()).isEqualTo(4);
        assertThat(tail.end()).isEqualTo(10);
        Path copy = dir.resolve("copy.log");
        Files.writeString(copy, "0123");
        tail.appendTo(copy);
        assertThat(Files.size(copy)).isEqualTo(tail.end());
    }

    @Test
    void aRefusalForMovedLogsIsToldFromOtherFailures() {
        var moved = AppsRpc.status(new AgentLink.LogsMovedException("the logs of svc here are 3 and 0 bytes"));
        assertThat(moved.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(moved.getStatus().getDescription()).startsWith(AgentLink.LogsMovedException.MARK).endsWith("3 and 0 bytes");
        assertThat(AppsRpc.status(new IOException("no app svc on h2")).getStatus().getCode()).isNotEqualTo(Status.Code.ABORTED);
    }
}
