package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.fleet.Protocol;
import dev.talent.migrate.RuntimeEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pre-copy between agents ({@link Protocol#PRECOPY}): negotiated down to none with an older agent, its new fields never
 * sent to a caller that would refuse them, and a pre-copy round's event read back as the runtime wrote it (or not at all
 * when it is malformed).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PrecopyProtocolTest {
    /** An app's description as protocol 4 knows it (before precopy). */
    record StartV4(String app, String platform, Map<String, String> binaries, List<String> args, String workdir, boolean net, long epoch,
            String ip) {}

    /** An event as protocol 4 knows it (before bytes/deltaBytes). */
    record EventV4(String kind, String platform, long sequence, String message, int status, String containerId, long ageNanos) {}

    private static final long NOW = 1_000_000_000_000L;

    @Test
    void roundsOnlyWhenBothAgentsSpeakPrecopy() {
        assertThat(Protocol.CURRENT).isGreaterThanOrEqualTo(Protocol.PRECOPY);
        assertThat(Protocol.precopyRounds(3, Protocol.PRECOPY, Protocol.PRECOPY)).isEqualTo(3);
        assertThat(Protocol.precopyRounds(3, Protocol.CURRENT, Protocol.PRECOPY + 1)).isEqualTo(3);
        assertThat(Protocol.precopyRounds(3, Protocol.PRECOPY - 1, Protocol.CURRENT)).as("an older source").isZero();
        assertThat(Protocol.precopyRounds(3, Protocol.CURRENT, Protocol.PRECOPY - 1)).as("an older destination").isZero();
        assertThat(Protocol.precopyRounds(3, 1, 1)).isZero();
        assertThat(Protocol.precopyRounds(null, Protocol.CURRENT, Protocol.CURRENT)).as("not asked for").isZero();
        assertThat(Protocol.precopyRounds(0, Protocol.CURRENT, Protocol.CURRENT)).isZero();
        // an older agent is not a reason to refuse the migration: it copies everything at the stop
        assertThat(Protocol.refusal("h1", Protocol.PRECOPY - 1, Protocol.neededByMigration())).isEmpty();
    }

    @Test
    void anAppsPrecopyIsDescribedOnlyToACallerThatKnowsIt() {
        AppsMessages.Start s = new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "ab"), List.of("1"), "", false, 2, null, 3);
        JsonMarshaller<AppsMessages.Start> wire = new JsonMarshaller<>(AppsMessages.Start.class, 64 * 1024);
        JsonMarshaller<StartV4> v4 = new JsonMarshaller<>(StartV4.class, 64 * 1024);
        assertThat(v4.parse(wire.stream(AppsRpc.forCaller(s, Protocol.PRECOPY - 1))).epoch()).isEqualTo(2);
        assertThatThrownBy(() -> v4.parse(wire.stream(AppsRpc.forCaller(s, Protocol.PRECOPY)))).hasMessageContaining("precopy");
        assertThat(wire.parse(wire.stream(AppsRpc.forCaller(s, Protocol.PRECOPY))).precopy()).isEqualTo(3);
        // without pre-copy nothing new is on the wire: an agent of 4 reads what this build sends it
        AppsMessages.Start none = new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "ab"), List.of("1"), "", false, 2, null);
        assertThat(v4.parse(wire.stream(none)).app()).isEqualTo("svc");
        assertThat(none.precopies()).isFalse();
        assertThat(s.precopies()).isTrue();
    }

    @Test
    void aPrecopyRoundCrossesWithItsSizes() {
        RuntimeEvent.Precopied p = new RuntimeEvent.Precopied(2, "pre-000002.tck", 1 << 20, 4096, System.nanoTime() - 1_000_000);
        RuntimeEvent back = GrpcFleetAgents.RemotePlace.event(AppsRpc.event(p, Protocol.PRECOPY), NOW);
        assertThat(back).isInstanceOfSatisfying(RuntimeEvent.Precopied.class, q -> {
            assertThat(q.round()).isEqualTo(2);
            assertThat(q.image()).isEqualTo("pre-000002.tck");
            assertThat(q.bytes()).isEqualTo(1 << 20);
            assertThat(q.deltaBytes()).isEqualTo(4096);
        });
        // the first round's delta is not known (-1)
        RuntimeEvent first = GrpcFleetAgents.RemotePlace.event(AppsRpc.event(
                new RuntimeEvent.Precopied(1, "pre-000001.tck", 100, -1, System.nanoTime()), Protocol.CURRENT), NOW);
        assertThat(((RuntimeEvent.Precopied) first).deltaBytes()).isEqualTo(-1);
    }

    @Test
    void aCallerBeforePrecopyGetsTheEventItKnows() {
        RuntimeEvent.Precopied p = new RuntimeEvent.Precopied(1, "pre-000001.tck", 100, -1, System.nanoTime());
        JsonMarshaller<AppsMessages.Event> wire = new JsonMarshaller<>(AppsMessages.Event.class, 64 * 1024);
        JsonMarshaller<EventV4> v4 = new JsonMarshaller<>(EventV4.class, 64 * 1024);
        assertThat(v4.parse(wire.stream(AppsRpc.event(p, Protocol.PRECOPY - 1))).message()).isEqualTo("pre-000001.tck");
        assertThatThrownBy(() -> v4.parse(wire.stream(AppsRpc.event(p, Protocol.PRECOPY)))).hasMessageContaining("bytes");
        // and a round without sizes (an older agent's) is no round to this controller
        assertThat(GrpcFleetAgents.RemotePlace.event(AppsRpc.event(p, Protocol.PRECOPY - 1), NOW)).isNull();
    }

    @Test
    void aMalformedPrecopyEventIsNoRound() {
        for (AppsMessages.Event e : List.of(
                new AppsMessages.Event("precopied", "", 1, "../pre-000001.tck", 0, "", 0, 10L, -1L),
                new AppsMessages.Event("precopied", "", 1, "checkpoint-1.tck", 0, "", 0, 10L, -1L),
                new AppsMessages.Event("precopied", "", 1, null, 0, "", 0, 10L, -1L),
                new AppsMessages.Event("precopied", "", 0, "pre-000001.tck", 0, "", 0, 10L, -1L),
                new AppsMessages.Event("precopied", "", 1L << 40, "pre-000001.tck", 0, "", 0, 10L, -1L),
                new AppsMessages.Event("precopied", "", 1, "pre-000001.tck", 0, "", 0, -5L, -1L),
                new AppsMessages.Event("precopied", "", 1, "pre-000001.tck", 0, "", 0, 10L, -2L),
                new AppsMessages.Event("precopied", "", 1, "pre-000001.tck", 0, "", 0, null, 3L))) {
            assertThat(GrpcFleetAgents.RemotePlace.event(e, NOW)).as(e.toString()).isNull();
        }
    }

    @Test
    void aMigrationPrecopiesOnlyWhatItsSourceProgramCanAndSaysWhyNot() {
        AppsMessages.Start asked = new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "ab"), List.of(), "", false, 0, null, 4);
        FleetAgents.Placement from = new FleetAgents.Placement("h1", "x86_64"), to = new FleetAgents.Placement("h2", "s390x");
        List<String> said = new java.util.ArrayList<>();
        assertThat(GrpcFleetAgents.precopyRounds("svc", asked, true, from, to, Protocol.CURRENT, Protocol.CURRENT, said::add)).isEqualTo(4);
        assertThat(said).isEmpty();
        assertThat(GrpcFleetAgents.precopyRounds("svc", asked, true, from, to, Protocol.CURRENT, Protocol.PRECOPY - 1, said::add)).isZero();
        assertThat(said).singleElement().asString().contains("agent h2 speaks protocol " + (Protocol.PRECOPY - 1))
                .contains("everything is copied at the stop");
        said.clear();
        // a program started without TALENT_PRECOPY would answer no round: none is asked of it (no 60 s wait, no failure)
        assertThat(GrpcFleetAgents.precopyRounds("svc", asked, false, from, to, Protocol.CURRENT, Protocol.CURRENT, said::add)).isZero();
        assertThat(said).singleElement().asString().contains("runs without pre-copy rounds");
        said.clear();
        AppsMessages.Start none = new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "ab"), List.of(), "", false, 0, null);
        assertThat(GrpcFleetAgents.precopyRounds("svc", none, false, from, to, Protocol.CURRENT, 1, said::add)).isZero();
        assertThat(said).as("nothing asked, nothing said").isEmpty();
    }
}
