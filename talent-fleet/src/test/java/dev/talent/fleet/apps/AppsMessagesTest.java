package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.migrate.RuntimeEvent;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The apps service's messages on the wire: exact records, bounded, and runtime events timed on the caller's clock. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AppsMessagesTest {

    private static <T> T roundTrip(JsonMarshaller<T> m, T value) throws IOException {
        return m.parse(new ByteArrayInputStream(m.stream(value).readAllBytes()));
    }

    @Test
    void aStatementAndAChunkSurviveTheWireByteForByte() throws IOException {
        AppsMessages.Statement s = new AppsMessages.Statement("svc", "ckpt-000007.tck", "7", 2, 1234, new byte[] {1, 2, 3},
                new byte[] {9, 8}, new byte[] {7}, List.of(new byte[] {5, 5, 5}));
        AppsMessages.CheckpointPart part = roundTrip(new JsonMarshaller<>(AppsMessages.CheckpointPart.class, AppsRpc.MAX_MESSAGE),
                new AppsMessages.CheckpointPart("aarch64", s, null));
        assertThat(part.statement().sha256()).containsExactly(1, 2, 3);
        assertThat(part.statement().chain().getFirst()).containsExactly(5, 5, 5);
        byte[] data = new byte[AppsRpc.CHUNK];
        new java.util.Random(3).nextBytes(data);
        AppsMessages.SyncPart sync = roundTrip(new JsonMarshaller<>(AppsMessages.SyncPart.class, AppsRpc.MAX_MESSAGE),
                new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, data));
        assertThat(sync.data()).isEqualTo(data);
    }

    @Test
    void theLargestLogsReplyFitsInOneMessage() throws IOException {
        // talent logs of an app that printed more than ~96 KiB failed with "CANCELLED: Failed to read message" when
        // it asked for 256 KiB a call (341 KiB of base64 in a 128 KiB message)
        byte[] data = new byte[HostedApps.MAX_LOG_READ];
        new java.util.Random(5).nextBytes(data);
        AppsMessages.Logs logs = roundTrip(new JsonMarshaller<>(AppsMessages.Logs.class, AppsRpc.MAX_MESSAGE),
                new AppsMessages.Logs(data, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + data.length, true));
        assertThat(logs.data()).isEqualTo(data);
    }

    @Test
    void unknownFieldsAndOversizedMessagesAreRefused() {
        JsonMarshaller<AppsMessages.Op> m = new JsonMarshaller<>(AppsMessages.Op.class, 1024);
        assertThatThrownBy(() -> m.parse(new ByteArrayInputStream("{\"op\":\"remove\",\"app\":\"x\",\"sudo\":true}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT");
        byte[] big = ("{\"op\":\"" + "a".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> m.parse(new ByteArrayInputStream(big))).hasMessageContaining("larger than 1024 bytes");
    }

    @Test
    void everyRuntimeEventCrossesAndIsTimedByItsAge() {
        long agentNow = System.nanoTime();
        List<RuntimeEvent> events = List.of(new RuntimeEvent.Started("s390x", agentNow - 5_000_000),
                new RuntimeEvent.Ready(4, "aarch64", agentNow - 5_000_000), new RuntimeEvent.CheckpointWritten(9, agentNow - 5_000_000),
                new RuntimeEvent.CheckpointFailed("disk full", agentNow - 5_000_000), new RuntimeEvent.Exiting(3, agentNow - 5_000_000),
                new RuntimeEvent.ProcessExited("svc-h1-x86_64-2", 75, agentNow - 5_000_000));
        long callerNow = 1_000_000_000_000L; // another host's clock
        for (RuntimeEvent e : events) {
            RuntimeEvent back = GrpcFleetAgents.RemotePlace.event(AppsRpc.event(e), callerNow);
            assertThat(back).isNotNull();
            assertThat(back.getClass()).isEqualTo(e.getClass());
            assertThat(callerNow - back.receivedNanos()).as("age of " + e).isBetween(5_000_000L, 5_000_000_000L);
        }
        assertThat(GrpcFleetAgents.RemotePlace.event(AppsRpc.event(null), callerNow)).isNull();
        RuntimeEvent.Ready r = (RuntimeEvent.Ready) GrpcFleetAgents.RemotePlace.event(AppsRpc.event(events.get(1)), callerNow);
        assertThat(r.sequence()).isEqualTo(4);
        assertThat(r.platform()).isEqualTo("aarch64");
        RuntimeEvent.ProcessExited x = (RuntimeEvent.ProcessExited) GrpcFleetAgents.RemotePlace.event(AppsRpc.event(events.get(5)), callerNow);
        assertThat(x.containerId()).isEqualTo("svc-h1-x86_64-2");
        assertThat(x.status()).isEqualTo(75);
        // a message that is not the runtime's vocabulary is no event, and a control character is not passed on
        assertThat(GrpcFleetAgents.RemotePlace.event(new AppsMessages.Event("reboot", "", 0, "", 0, "", 0), callerNow)).isNull();
        RuntimeEvent.CheckpointFailed f = (RuntimeEvent.CheckpointFailed) GrpcFleetAgents.RemotePlace.event(
                new AppsMessages.Event("checkpoint-failed", "", 0, "bad\u001b[2Jthing", 0, "", 0), callerNow);
        assertThat(f.message()).isEqualTo("bad?[2Jthing");
    }
}
