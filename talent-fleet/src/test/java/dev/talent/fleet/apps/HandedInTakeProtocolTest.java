package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.fleet.Protocol;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A take that answers once its send ahead ended ({@link Protocol#HANDED_IN_TAKE}): what it says of the hand-over goes
 * only to a caller that reads it (a controller of 5 refuses the fields, and then makes its {@code SendCheckpoint} call
 * as before), and what an agent says of it is checked as hostile input.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HandedInTakeProtocolTest {
    /** A take's answer as protocol 5 knows it (before handedNanos/receivedNanos). */
    @SuppressWarnings("ArrayRecordComponent")
    record StatementV5(String app, String name, String sequence, int sockets, long size, byte[] sha256, byte[] signature,
            byte[] signerKey, List<byte[]> chain, dev.talent.migrate.control.MigrationRecord.Bound binding) {}

    private static final JsonMarshaller<AppsMessages.Statement> WIRE = new JsonMarshaller<>(AppsMessages.Statement.class, 64 * 1024);

    private static AppsMessages.Statement statement() {
        return new AppsMessages.Statement("svc", "checkpoint-2.tck", "2", 0, 10, new byte[32], new byte[64], new byte[32], List.of());
    }

    @Test
    void theHandOverIsSaidOnlyToACallerOfSix() throws IOException {
        assertThat(Protocol.CURRENT).isGreaterThanOrEqualTo(Protocol.HANDED_IN_TAKE);
        AppsMessages.Statement st = statement().withBinding(new dev.talent.migrate.control.MigrationRecord.Bound(false, 0, "heap block 3"))
                .withHanded(41_000_000L, 12_000_000L);
        JsonMarshaller<StatementV5> v5 = new JsonMarshaller<>(StatementV5.class, 64 * 1024);
        StatementV5 old = v5.parse(WIRE.stream(AppsRpc.forCaller(st, Protocol.HANDED_IN_TAKE - 1)));
        assertThat(old.binding()).as("what 5 knows is kept").isEqualTo(st.binding());
        assertThatThrownBy(() -> v5.parse(WIRE.stream(AppsRpc.forCaller(st, Protocol.HANDED_IN_TAKE)))).hasMessageContaining("handedNanos");
        AppsMessages.Statement now = WIRE.parse(WIRE.stream(AppsRpc.forCaller(st, Protocol.HANDED_IN_TAKE)));
        assertThat(now.handed()).isTrue();
        assertThat(now.handedNanos()).isEqualTo(41_000_000L);
        assertThat(now.receivedNanos()).isEqualTo(12_000_000L);
        // a caller of 5 is told nothing of it: it asks for the send (SendCheckpoint), as with an agent of 5
        assertThat(AppsRpc.forCaller(st, Protocol.HANDED_IN_TAKE - 1).handed()).isFalse();
        assertThat(AppsRpc.forCaller(st, 3).binding()).isNull();
    }

    @Test
    void aTakeThatDidNotHandOverSaysNothingNew() throws IOException {
        AppsMessages.Statement st = statement();
        assertThat(st.handed()).isFalse();
        String json = new String(WIRE.stream(st).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("handedNanos").doesNotContain("receivedNanos");
        // a destination that did not say its own time: handed, with 0
        assertThat(st.withHanded(5L, 0L).handed()).isTrue();
    }

    @Test
    void aMalformedHandOverIsRefused() {
        long max = AppsMessages.Statement.MAX_HANDED_NANOS;
        for (Long[] bad : new Long[][] {{5L, null}, {null, 5L}, {-1L, 5L}, {5L, -1L}, {max + 1, 5L}, {5L, max + 1},
                {Long.MIN_VALUE, 0L}}) {
            AppsMessages.Statement st = WIRE.parse(WIRE.stream(statement().withHanded(bad[0], bad[1])));
            assertThatThrownBy(st::handed).as(bad[0] + ", " + bad[1]).isInstanceOf(IOException.class)
                    .hasMessageContaining("malformed hand-over");
        }
    }
}
