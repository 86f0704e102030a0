package dev.talent.fleet.apps;

import dev.talent.fleet.Protocol;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The protocol version on the wire ({@link Protocol}): every call of this build's controllers, commands and agents
 * carries the newest version its sender speaks in the header {@value Protocol#HEADER} ({@link #STAMP}); a request's
 * content keeps to the receiver's version whatever it says. An agent reads it before the call runs ({@link #CHECK}):
 * absent, it is 1 (a release before versions, which sends none); malformed, or older than this build speaks to, the
 * call is refused with the reason before anything runs. The caller's version is then {@link #caller()} for the handler.
 * Receivers of protocol 1 ignore the header (gRPC passes headers a service does not read).
 */
public final class ProtocolHeader {
    static final Metadata.Key<String> KEY = Metadata.Key.of(Protocol.HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Integer> CALLER = Context.key("talent-protocol-caller");

    private ProtocolHeader() {}

    /** The version the current call's sender speaks (1 outside a call checked by {@link #CHECK}). */
    static int caller() {
        Integer v = CALLER.get();
        return v == null ? 1 : v;
    }

    /** Stamps every call of a channel with the version this process speaks ({@link Protocol#speaking}; 1: no header, as 1 sent none). */
    public static final ClientInterceptor STAMP = new ClientInterceptor() {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    if (Protocol.speaking() > 1) headers.put(KEY, Integer.toString(Protocol.speaking()));
                    super.start(listener, headers);
                }
            };
        }
    };

    /**
     * Refuses a call whose header is malformed or older than {@link Protocol#OLDEST}; in the context the version the
     * call is answered in: the caller's, or this process's if it speaks an older one ({@link Protocol#speaking}).
     */
    static final ServerInterceptor CHECK = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            int v;
            try {
                v = Protocol.parseHeader(headers.get(KEY));
            } catch (IllegalArgumentException e) {
                call.close(Status.INVALID_ARGUMENT.withDescription("refused: " + e.getMessage()), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            if (v < Protocol.OLDEST) {
                call.close(Status.FAILED_PRECONDITION.withDescription("refused: the caller speaks protocol " + v + ", this agent "
                        + Protocol.OLDEST + " to " + Protocol.CURRENT), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            // an agent capped at an older version answers a newer caller as that version's release did
            return Contexts.interceptCall(Context.current().withValue(CALLER, Math.min(v, Protocol.speaking())), call, headers, next);
        }
    };
}
