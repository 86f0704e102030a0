package dev.talent.fleet;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The agent's gRPC service ({@code talent.fleet.v1.Agent}); this round it has Ping, which says who answers. */
public final class AgentRpc {
    private AgentRpc() {}

    static final String SERVICE = "talent.fleet.v1.Agent";

    static final MethodDescriptor<Records.PingRequest, Records.AgentAlive> PING =
            MethodDescriptor.<Records.PingRequest, Records.AgentAlive>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Ping"))
                    .setRequestMarshaller(new JsonMarshaller<>(Records.PingRequest.class))
                    .setResponseMarshaller(new JsonMarshaller<>(Records.AgentAlive.class))
                    .build();

    static ServerServiceDefinition service(Supplier<Records.AgentAlive> self) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(PING, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(self.get());
                    response.onCompleted();
                }))
                .build();
    }

    /**
     * Asks the agent at {@code address:port} who it is, over mutual TLS with {@code tls}'s certificate.
     *
     * @throws FleetException it does not answer within {@code timeout}, or refuses us
     */
    public static Records.AgentAlive ping(TlsFiles tls, String address, int port, String from, Duration timeout) throws FleetException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(address, port).sslContext(tls.clientContext())
                .intercept(dev.talent.fleet.apps.ProtocolHeader.STAMP).build();
        try {
            return ClientCalls.blockingUnaryCall(channel, PING, CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    new Records.PingRequest(from));
        } catch (StatusRuntimeException e) {
            throw new FleetException("the agent at " + address + ":" + port + " did not answer: " + e.getStatus(), e);
        } finally {
            channel.shutdownNow();
        }
    }
}
