package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.fleet.Protocol;
import dev.talent.fleet.Records;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mixed agent versions ({@link Protocol}): what this build sends an agent of protocol 1 parses with that release's
 * records (its readers refuse unknown fields), the sync's new fields go only to agents that speak 2, and a migration
 * an agent cannot speak is refused with the reason.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProtocolVersionsTest {
    /** The sync's head as protocol 1 knows it (before expectLog/expectErr). */
    @SuppressWarnings("ArrayRecordComponent")
    record SyncPartV1(String app, String platform, String mode, List<String> paths, long logFrom, long logLength, long errFrom,
            long errLength, byte[] data) {}

    /** The sync's head as protocol 2 knows it (before bounded/archiveLength). */
    @SuppressWarnings("ArrayRecordComponent")
    record SyncPartV2(String app, String platform, String mode, List<String> paths, long logFrom, long logLength, long errFrom,
            long errLength, byte[] data, Long expectLog, Long expectErr) {}

    /** A controller's Send as protocol 1 knows it (before toProtocol). */
    record SendV1(String app, String platform, String toAddress, int toPort, String toPlatform, String mode) {}

    /** A take's answer as protocol 3 knows it (before binding). */
    @SuppressWarnings("ArrayRecordComponent")
    record StatementV3(String app, String name, String sequence, int sockets, long size, byte[] sha256, byte[] signature,
            byte[] signerKey, List<byte[]> chain) {}

    private static <T> T asV1(InputStream json, Class<T> type) {
        return new JsonMarshaller<>(type, 64 * 1024).parse(json);
    }

    /** The JSON of a head this build sends (the stream's kind byte dropped). */
    private static InputStream head(AppsMessages.SyncPart p) throws IOException {
        InputStream in = AppsRpc.SYNC_PARTS.stream(p);
        assertThat(in.read()).isEqualTo(StreamMarshaller.HEAD);
        return in;
    }

    @Test
    void aTakesAnswerSaysTheBindingOnlyToACallerOfFour() throws IOException {
        AppsMessages.Statement st = new AppsMessages.Statement("svc", "checkpoint-2.tck", "2", 0, 10, new byte[32], new byte[64],
                new byte[32], List.of()).withBinding(new dev.talent.migrate.control.MigrationRecord.Bound(false, 0, "heap block 3"));
        JsonMarshaller<AppsMessages.Statement> wire = new JsonMarshaller<>(AppsMessages.Statement.class, 64 * 1024);
        // what an agent of this build answers a controller of 3: what 3 reads
        StatementV3 v3 = asV1(wire.stream(AppsRpc.forCaller(st, 3)), StatementV3.class);
        assertThat(v3.sequence()).isEqualTo("2");
        assertThatThrownBy(() -> asV1(wire.stream(AppsRpc.forCaller(st, 4)), StatementV3.class)).hasMessageContaining("binding");
        assertThat(wire.parse(wire.stream(AppsRpc.forCaller(st, 4))).binding()).isEqualTo(st.binding());
        assertThat(wire.parse(wire.stream(AppsRpc.forCaller(st, Protocol.CURRENT))).binding()).isNotNull();
    }

    @Test
    void aSyncThatExpectsNothingIsOneProtocolOneTakes() throws IOException {
        SyncPartV1 v1 = asV1(head(new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, 20, 30, 40, null)),
                SyncPartV1.class);
        assertThat(v1.paths()).containsExactly("a");
        assertThat(v1.errLength()).isEqualTo(40);
        // what an agent of 1 did with the sync of a newer one: refused, the migration rolled back
        InputStream expecting = head(new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, 20, 30, 40, null, 5L, 6L));
        assertThatThrownBy(() -> asV1(expecting, SyncPartV1.class)).hasMessageContaining("expectLog");
    }

    @Test
    void aSyncsBoundaryGoesOnlyToADestinationOfThree() throws IOException {
        assertThat(AgentLink.bounded(new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal", 3))).isTrue();
        assertThat(AgentLink.bounded(new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal", 2))).isFalse();
        assertThat(AgentLink.bounded(new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal"))).isFalse();
        // an unbounded head with expected sizes is one 2 takes; a bounded one it would refuse (the migration would roll back)
        SyncPartV2 v2 = asV1(head(new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, 20, 30, 40, null, 5L, 6L)),
                SyncPartV2.class);
        assertThat(v2.expectErr()).isEqualTo(6L);
        InputStream bounded = head(new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, 20, 30, 40, null, 5L, 6L, true, null));
        assertThatThrownBy(() -> asV1(bounded, SyncPartV2.class)).hasMessageContaining("bounded");
        // the boundary is a message of its own, not a chunk of bytes, and reads back as one
        InputStream b = AppsRpc.SYNC_PARTS.stream(AppsMessages.SyncPart.boundary(12345));
        assertThat(b.read()).isEqualTo(StreamMarshaller.HEAD);
        AppsMessages.SyncPart back = AppsRpc.SYNC_PARTS.parse(AppsRpc.SYNC_PARTS.stream(AppsMessages.SyncPart.boundary(12345)));
        assertThat(back.isBoundary()).isTrue();
        assertThat(back.archiveLength()).isEqualTo(12345L);
        assertThat(back.isChunk()).isFalse();
    }

    @Test
    void aSendWithoutTheDestinationsVersionIsOneProtocolOneTakes() {
        AppsMessages.Send s = new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "aarch64", "journal");
        assertThat(asV1(new JsonMarshaller<>(AppsMessages.Send.class, 64 * 1024).stream(s), SendV1.class).toPlatform()).isEqualTo("aarch64");
        assertThat(s.destinationSpeaks()).as("not said: 1").isEqualTo(1);
        AppsMessages.Send two = new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "aarch64", "journal", 2);
        assertThat(new JsonMarshaller<>(AppsMessages.Send.class, 64 * 1024).parse(new JsonMarshaller<>(AppsMessages.Send.class, 64 * 1024)
                .stream(two.mode("mirror")))).isEqualTo(new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "aarch64", "mirror", 2));
    }

    @Test
    void theControllerTellsOnlyASourceOfTwoTheDestinationsVersion() {
        assertThat(GrpcFleetAgents.destinationProtocol(1, 2)).as("a source of 1 refuses the field").isNull();
        assertThat(GrpcFleetAgents.destinationProtocol(2, 1)).isEqualTo(1);
        assertThat(GrpcFleetAgents.destinationProtocol(2, 2)).isEqualTo(2);
        assertThat(GrpcFleetAgents.destinationProtocol(3, Protocol.CURRENT + 1)).as("spoken: at most this build's").isEqualTo(Protocol.CURRENT);
    }

    @Test
    void aSourceExpectsTheLogSizesOnlyAtADestinationOfTwo() {
        AppsMessages.Send to = new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal", 2);
        HostedApps.SyncedLogs known = new HostedApps.SyncedLogs(to.mode("mirror"), 120, 7);
        assertThat(HostedApps.expectedLogs(known, to)).containsExactly(120, 7);
        assertThat(HostedApps.expectedLogs(known, new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal", 1)))
                .as("an agent of 1 is asked").isNull();
        assertThat(HostedApps.expectedLogs(known, new AppsMessages.Send("svc", "x86_64", "10.0.0.3", 7443, "x86_64", "journal")))
                .as("a controller of 1 did not say: asked").isNull();
        assertThat(HostedApps.expectedLogs(null, to)).isNull();
    }

    @Test
    void aHostSaysItsVersionAndOneWithoutIsOne() throws IOException {
        Records.HostInfo now = new Records.HostInfo("h1", "10.0.0.1", 7443, List.of("x86_64"), List.of(), Protocol.CURRENT);
        String json = new String(new JsonMarshaller<>(Records.HostInfo.class, 64 * 1024).stream(now).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"protocol\":" + Protocol.CURRENT);
        assertThat(new JsonMarshaller<>(Records.HostInfo.class, 64 * 1024).parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                .speaks()).isEqualTo(Protocol.CURRENT);
        byte[] old = "{\"name\":\"h2\",\"address\":\"10.0.0.2\",\"port\":7443,\"platforms\":[\"x86_64\"],\"facts\":[]}".getBytes(StandardCharsets.UTF_8);
        assertThat(new JsonMarshaller<>(Records.HostInfo.class, 64 * 1024).parse(new ByteArrayInputStream(old)).speaks()).isEqualTo(1);
        assertThat(new String(new JsonMarshaller<>(Records.HostInfo.class, 64 * 1024).stream(new Records.HostInfo("h2", "10.0.0.2", 7443,
                List.of("x86_64"))).readAllBytes(), StandardCharsets.UTF_8)).doesNotContain("protocol");
        assertThatThrownBy(() -> new Records.HostInfo("h1", "10.0.0.1", 7443, List.of("x86_64"), List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMigrationAnAgentCannotSpeakIsRefusedWithTheReason() {
        assertThat(Protocol.refusal("h2", 1, 2)).hasValueSatisfying(r -> assertThat(r).startsWith("agent h2 speaks protocol 1, this migration needs 2"));
        assertThat(Protocol.refusal("h2", 2, 2)).isEmpty();
        assertThat(Protocol.refusal("h2", 3, 2)).isEmpty();
        assertThat(Protocol.refusal("h2", 1, Protocol.neededByMigration())).as("every addition of 2 has a way of 1").isEmpty();
    }

    /** A server call that records how it was closed. */
    static final class Call extends io.grpc.ServerCall<String, String> {
        io.grpc.Status closed;

        @Override public void request(int n) {}
        @Override public void sendHeaders(io.grpc.Metadata headers) {}
        @Override public void sendMessage(String message) {}
        @Override public void close(io.grpc.Status status, io.grpc.Metadata trailers) { closed = status; }
        @Override public boolean isCancelled() { return false; }
        @Override public io.grpc.MethodDescriptor<String, String> getMethodDescriptor() { return null; }
    }

    /** The version an agent's service sees for a call with {@code header} (null: none), or its refusal. */
    private static Object seen(String header) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        if (header != null) headers.put(ProtocolHeader.KEY, header);
        Call call = new Call();
        int[] caller = {0};
        ProtocolHeader.CHECK.interceptCall(call, headers, (c, h) -> {
            caller[0] = ProtocolHeader.caller();
            return new io.grpc.ServerCall.Listener<>() { };
        });
        return call.closed != null ? call.closed.getCode() + ": " + call.closed.getDescription() : caller[0];
    }

    @Test
    void anAgentReadsTheCallersVersionAndRefusesAMalformedOne() {
        assertThat(seen(Integer.toString(Protocol.CURRENT))).isEqualTo(Protocol.CURRENT);
        assertThat(seen(null)).as("a caller of 1 sends none").isEqualTo(1);
        assertThat(seen("two")).isEqualTo("INVALID_ARGUMENT: refused: not a protocol version: 'two'");
        assertThat(seen("0")).isEqualTo("INVALID_ARGUMENT: refused: not a protocol version: 0");
    }

    @Test
    void everyCallOfThisBuildSaysItsVersion() {
        assertThat(stamped()).isEqualTo(Integer.toString(Protocol.CURRENT));
    }

    /** The header a call of this process carries (null: none). */
    private static String stamped() {
        io.grpc.Metadata sent = new io.grpc.Metadata();
        io.grpc.Channel channel = new io.grpc.Channel() {
            @Override
            public <Q, R> io.grpc.ClientCall<Q, R> newCall(io.grpc.MethodDescriptor<Q, R> method, io.grpc.CallOptions options) {
                return new io.grpc.ClientCall<>() {
                    @Override public void start(Listener<R> listener, io.grpc.Metadata headers) { sent.merge(headers); }
                    @Override public void request(int n) {}
                    @Override public void cancel(String message, Throwable cause) {}
                    @Override public void halfClose() {}
                    @Override public void sendMessage(Q message) {}
                };
            }

            @Override
            public String authority() { return "agent"; }
        };
        ProtocolHeader.STAMP.interceptCall(AppsRpc.SYNC_TO, io.grpc.CallOptions.DEFAULT, channel)
                .start(new io.grpc.ClientCall.Listener<>() { }, new io.grpc.Metadata());
        return sent.get(ProtocolHeader.KEY);
    }

    /**
     * An agent capped at 3 ({@code talent agent --protocol 3}) speaks as the release of 3 did: its calls say 3, a
     * controller of 4 is answered as one of 3 (its take's answer without the binding, which 3's reader refuses), a
     * destination of 4 is sent what 3 sends; capped at 2 it refuses a sync head with 3's boundary as 2's reader did;
     * capped at 1 its calls carry no header. A version this build does not speak is refused.
     */
    @Test
    void anAgentCappedAtAnOlderVersionSpeaksAsThatRelease() throws IOException {
        try {
            Protocol.capAt(3);
            assertThat(stamped()).isEqualTo("3");
            assertThat(seen("4")).as("a controller of 4 is answered as one of 3").isEqualTo(3);
            assertThat(seen("2")).isEqualTo(2);
            AppsMessages.Statement st = new AppsMessages.Statement("svc", "checkpoint-2.tck", "2", 0, 10, new byte[32], new byte[64],
                    new byte[32], List.of()).withBinding(new dev.talent.migrate.control.MigrationRecord.Bound(false, 0, "heap block 3"));
            JsonMarshaller<AppsMessages.Statement> wire = new JsonMarshaller<>(AppsMessages.Statement.class, 64 * 1024);
            assertThat(wire.parse(wire.stream(AppsRpc.forCaller(st, (Integer) seen("4")))).binding()).isNull();
            AppsMessages.Send to4 = new AppsMessages.Send("svc", "x86_64", "a", 1, "s390x", "", 4);
            assertThat(to4.destinationSpeaks()).isEqualTo(3);
            assertThat(AgentLink.bounded(to4)).isTrue();

            Protocol.capAt(2);
            assertThat(AgentLink.bounded(to4)).as("2 sends no boundary").isFalse();
            AppsRpc.StreamedSync sync = new AppsRpc.StreamedSync(null, new io.grpc.stub.StreamObserver<>() {
                @Override public void onNext(AppsMessages.Sync v) {}
                @Override public void onError(Throwable t) {}
                @Override public void onCompleted() {}
            }, null, (h, zip, logs) -> null);
            assertThatThrownBy(() -> sync.first(new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 0, 0, 0, 0, null,
                    null, null, true, null))).hasMessage("a sync's head has a field protocol 2 does not have");

            Protocol.capAt(1);
            assertThat(stamped()).as("1 sent no header").isNull();
            assertThat(seen("4")).isEqualTo(1);
            assertThatThrownBy(() -> Protocol.capAt(Protocol.CURRENT + 1)).hasMessageContaining("this talent speaks 1 to " + Protocol.CURRENT);
            assertThatThrownBy(() -> Protocol.capAt(0)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            Protocol.capAt(Protocol.CURRENT);
        }
    }

    /**
     * A checkpoint taken by an agent before 4 may be bound without its agent saying so: the controller assumes it bound
     * to the byte order and pointer width of the platform it was taken on, so no move sends it where it may not restore.
     */
    @Test
    void aCheckpointOfAnAgentBeforeFourIsKeptToItsPlatformsLayout() {
        assertThat(Protocol.unsaidBinding("h2", "x86_64", 4)).isEmpty();
        dev.talent.format.ByteOrderBinding x86 = Protocol.unsaidBinding("h2", "x86_64", 3).orElseThrow();
        assertThat(x86.admits(false, 64)).isTrue();
        assertThat(x86.admits(true, 64)).as("s390x").isFalse();
        assertThat(x86.admits(false, 32)).as("i686").isFalse();
        assertThat(x86.why()).isEqualTo("not known: agent h2 speaks protocol 3, which does not say what binds its checkpoints"
                + " (upgrade talent on h2); kept to x86_64's layout");
        assertThat(Protocol.unsaidBinding("h1", "s390x", 1).orElseThrow().admits(true, 64)).isTrue();
        assertThat(Protocol.unsaidBinding("h1", "i686", 2).orElseThrow().pointerBits()).isEqualTo(32);
        assertThat(Protocol.unsaidBinding("h1", "vax", 3)).as("a platform talent does not know: its restore decides").isEmpty();

        // the controller's choice from such a host: a request to s390x is refused before the program stops
        java.util.Map<String, String> bins = java.util.Map.of("x86_64", "0".repeat(64), "s390x", "0".repeat(64));
        AppRecords.AppRecord app = new AppRecords.AppRecord("svc", bins, List.of(), null, false, null, List.of("x86_64", "s390x"),
                null, null, null, 0, false);
        List<Records.HostInfo> live = List.of(new Records.HostInfo("h1", "a1", 1, List.of("x86_64", "s390x")),
                new Records.HostInfo("h2", "a2", 1, List.of("x86_64", "s390x")));
        FleetAgents.Placement here = AppRecords.placement("h2/x86_64");
        var toS390x = new AppRecords.MigrateRequest("svc", "h1", "s390x", 0);
        assertThat(PlacementChooser.bindingRefusal(AppReconciler.unsaid(app, here, 4), here, toS390x, live)).isEmpty();
        AppRecords.AppRecord kept = AppReconciler.unsaid(app, here, 3);
        assertThat(PlacementChooser.bindingRefusal(kept, here, toS390x, live)).hasValueSatisfying(r ->
                assertThat(r).startsWith("refused: h1/s390x cannot restore the app's checkpoint").contains("agent h2 speaks protocol 3"));
        assertThat(PlacementChooser.requested(kept, here, new AppRecords.MigrateRequest("svc", "h1", null, 0), live, new java.util.Random(1))
                .orElseThrow().to()).isEqualTo(AppRecords.placement("h1/x86_64"));
    }

    @Test
    void theHeaderIsAVersion() {
        assertThat(Protocol.parseHeader(null)).as("a sender of 1 sends none").isEqualTo(1);
        assertThat(Protocol.parseHeader("2")).isEqualTo(2);
        for (String bad : new String[] {"", "0", "-1", "2.0", "x", "1234567890"})
            assertThatThrownBy(() -> Protocol.parseHeader(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
}
