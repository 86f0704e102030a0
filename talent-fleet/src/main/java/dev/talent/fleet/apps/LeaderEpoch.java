package dev.talent.fleet.apps;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * The leadership epoch on the wire: a leading controller's calls to agents carry it in the header
 * {@value #NAME} ({@link #stamp}); the agent's service checks it with its {@link EpochFence} before the call runs
 * ({@link #check}) and refuses a stale one with {@code FAILED_PRECONDITION}. Calls without it (the commands, an agent
 * streaming to another on a controller's behalf) are not controllers' commands and pass.
 */
public final class LeaderEpoch {
    public static final String NAME = "talent-leader-epoch";
    static final Metadata.Key<String> HEADER = Metadata.Key.of(NAME, Metadata.ASCII_STRING_MARSHALLER);

    private LeaderEpoch() {}

    /** Every call through a channel with this interceptor carries {@code epoch}. */
    public static ClientInterceptor stamp(long epoch) {
        if (epoch <= 0) throw new IllegalArgumentException("leadership epoch " + epoch);
        String value = Long.toString(epoch);
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(HEADER, value);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** Refuses a call whose epoch {@code fence} does not admit (or that is not a number) before it runs. */
    public static ServerInterceptor check(EpochFence fence) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String value = headers.get(HEADER);
                if (value == null) return next.startCall(call, headers);
                Optional<String> refused;
                if (value.isEmpty() || value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    refused = Optional.of("refused: a malformed leadership epoch");
                } else {
                    try {
                        refused = fence.admit(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        refused = Optional.of("refused: a malformed leadership epoch");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        refused = Optional.of("refused: the agent is stopping");
                    }
                }
                if (refused.isEmpty()) return next.startCall(call, headers);
                call.close(Status.FAILED_PRECONDITION.withDescription(refused.get()), new Metadata());
                return new ServerCall.Listener<>() { };
            }
        };
    }
}
