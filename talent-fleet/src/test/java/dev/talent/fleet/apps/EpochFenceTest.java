package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two controllers and one agent: the first leads (epoch 5), is deposed (its lease expired: etcd's election now names
 * the second, epoch 9) but still reaches the agent; its commands are refused, the new leader's run. Through gRPC on
 * the loopback (plaintext: the fence is what is tested), with etcd's answer played by a counter.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EpochFenceTest {
    /** What etcd's election says: the leading controller's epoch (0: none). */
    private final AtomicLong etcdLeader = new AtomicLong();
    private final AtomicLong etcdReads = new AtomicLong();

    private EpochFence fence() {
        return new EpochFence(() -> {
            etcdReads.incrementAndGet();
            return etcdLeader.get();
        });
    }

    @Test
    void aDeposedLeadersEpochIsRefusedOnceAnotherLeads() throws Exception {
        EpochFence f = fence();
        etcdLeader.set(5);
        assertThat(f.admit(5)).isEmpty();
        assertThat(f.admit(5)).as("known: no etcd read").isEmpty();
        assertThat(etcdReads.get()).isEqualTo(1);
        // the first leader is deposed; the second's first command raises the epoch
        etcdLeader.set(9);
        assertThat(f.admit(9)).isEmpty();
        assertThat(f.admit(5)).hasValueSatisfying(r -> assertThat(r).contains("stale").contains("9"));
        assertThat(f.highest()).isEqualTo(9);
    }

    @Test
    void anElectionSeenInEtcdFencesTheOldLeaderBeforeTheNewOneCalls() throws Exception {
        EpochFence f = fence();
        etcdLeader.set(5);
        f.refresh();
        assertThat(f.admit(5)).isEmpty();
        etcdLeader.set(9);
        f.refresh(); // the agent's watch of the election
        assertThat(f.admit(5)).isPresent();
    }

    @Test
    void aMadeUpHigherEpochIsRefusedAndDoesNotLockTheLeaderOut() throws Exception {
        EpochFence f = fence();
        etcdLeader.set(5);
        assertThat(f.admit(1_000_000)).hasValueSatisfying(r -> assertThat(r).contains("not the leader's"));
        assertThat(f.admit(5)).isEmpty();
        assertThat(f.admit(0)).isPresent();
        assertThat(f.admit(-3)).isPresent();
        etcdLeader.set(0);
        assertThat(fence().admit(7)).as("no controller leads").hasValueSatisfying(r -> assertThat(r).contains("none leads"));
    }

    @Test
    void whenEtcdCannotBeAskedAnUnknownEpochIsRefused() throws Exception {
        EpochFence f = new EpochFence(() -> {
            throw new FleetException("etcd unreachable");
        });
        assertThat(f.admit(3)).hasValueSatisfying(r -> assertThat(r).contains("etcd unreachable"));
        assertThatThrownBy(f::refresh).isInstanceOf(FleetException.class);
    }

    private static final MethodDescriptor<Records.PingRequest, Records.AgentAlive> START =
            MethodDescriptor.<Records.PingRequest, Records.AgentAlive>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName("talent.test.Agent", "Start"))
                    .setRequestMarshaller(new JsonMarshaller<>(Records.PingRequest.class, 4096))
                    .setResponseMarshaller(new JsonMarshaller<>(Records.AgentAlive.class, 4096))
                    .build();

    @Test
    void twoControllersOverGrpcOnlyTheLeaderStartsTheApp() throws Exception {
        List<String> started = new CopyOnWriteArrayList<>();
        ServerServiceDefinition agent = ServerServiceDefinition.builder("talent.test.Agent")
                .addMethod(START, ServerCalls.asyncUnaryCall((q, out) -> {
                    started.add(q.from());
                    out.onNext(new Records.AgentAlive("h1", 1, 0));
                    out.onCompleted();
                })).build();
        EpochFence f = fence();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0))
                .addService(ServerInterceptors.intercept(agent, LeaderEpoch.check(f))).build().start();
        ManagedChannel first = channel(server, 5), second = channel(server, 9),
                plain = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            etcdLeader.set(5);
            assertThat(call(first, "c1")).isNull();
            // c1's lease expires; c2 is elected and the agent's watch sees it
            etcdLeader.set(9);
            f.refresh();
            Status refused = call(first, "c1 again");
            assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getDescription()).contains("stale");
            assertThat(call(second, "c2")).isNull();
            assertThat(call(first, "c1 once more")).isNotNull();
            // a call without an epoch is not a controller's command (the CLI, another agent): it passes
            assertThat(call(plain, "cli")).isNull();
            assertThat(started).as("the deposed leader started nothing").containsExactly("c1", "c2", "cli");
        } finally {
            for (ManagedChannel c : List.of(first, second, plain)) c.shutdownNow();
            server.shutdownNow();
        }
    }

    private static ManagedChannel channel(Server server, long epoch) {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().intercept(LeaderEpoch.stamp(epoch)).build();
    }

    /** Null: the call ran; otherwise the status it was refused with. */
    private static Status call(ManagedChannel c, String from) {
        try {
            ClientCalls.blockingUnaryCall(c, START, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new Records.PingRequest(from));
            return null;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
