package dev.talent.fleet.apps;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls to one agent's apps service over a channel (mutual TLS); a failed call is an IOException with the agent's words.
 *
 * <p>A unary call survives a restart of the agent: before it is sent, the channel is brought to READY for up to
 * {@link #CONNECT_MS} (within the call's deadline). While the channel is in TRANSIENT_FAILURE its connect backoff is
 * reset (at most every {@link #RECONNECT_PACE_MS} ms), so a channel that saw the agent down and backed off (up to two
 * minutes in gRPC) reconnects as soon as the restarted agent listens, instead of failing every call at once with
 * {@code UNAVAILABLE: io exception} until its backoff ends; a channel made while the agent was starting (a newly
 * elected controller's) waits for it the same way. The call itself is sent wait-for-ready, so the race between READY
 * and the send cannot fail it either. Nothing is retried once sent: a call that reached the agent and failed is
 * reported as it failed (several calls change state on the agent and are not safe to repeat). An agent that does
 * not answer within the connect budget fails the call with gRPC's own reason (a fail-fast attempt).
 */
final class AgentClient {
    static final long CALL_MS = 120_000;
    /** The most an upload queues in the transport before its sender waits for it to drain (bounded memory per upload). */
    static final int UPLOAD_QUEUE_BYTES = 2 << 20;
    /**
     * How long a call waits for its agent to accept a connection: longer than a supervised agent's restart (its
     * supervisor starts it again within 2 s and it listens a few seconds later), shorter than the calls' deadline, so
     * an agent that stays down is reported without holding the caller for two minutes.
     */
    static final long CONNECT_MS = 20_000;
    /** The least time between two resets of the channel's connect backoff while it waits (connection attempts). */
    static final long RECONNECT_PACE_MS = 200;
    private final String name;
    private final ManagedChannel channel;
    private final long connectMs;

    AgentClient(String name, ManagedChannel channel) { this(name, channel, CONNECT_MS); }

    /** As above, waiting at most {@code connectMs} for a connection before each call (tests). */
    AgentClient(String name, ManagedChannel channel, long connectMs) {
        if (connectMs < 0) throw new IllegalArgumentException("connect budget " + connectMs);
        this.name = name;
        this.channel = channel;
        this.connectMs = connectMs;
    }

    String name() { return name; }

    ManagedChannel channel() { return channel; }

    <Q, R> R call(MethodDescriptor<Q, R> m, Q q) throws IOException { return call(m, q, CALL_MS); }

    <Q, R> R call(MethodDescriptor<Q, R> m, Q q, long timeoutMs) throws IOException {
        CallOptions options = connected(timeoutMs);
        try {
            return ClientCalls.blockingUnaryCall(channel, m, options, q);
        } catch (StatusRuntimeException e) {
            throw failure(m, e);
        }
    }

    /**
     * The options of a call that must end within {@code timeoutMs}: the channel is brought to READY first (at most the
     * connect budget), the deadline is what is left, and the call waits for READY; not connected within the budget, it
     * is one fail-fast attempt, whose status says why (connection refused, TLS, ...).
     */
    private CallOptions connected(long timeoutMs) throws IOException {
        long t0 = System.nanoTime();
        boolean ready = awaitReady(Math.min(timeoutMs, connectMs));
        long left = Math.max(1, timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(left, TimeUnit.MILLISECONDS);
        return ready ? options.withWaitForReady() : options;
    }

    /**
     * Waits up to {@code budgetMs} for the channel to be READY, asking it to connect and resetting its connect backoff
     * while it is in TRANSIENT_FAILURE (paced); true once READY, false when the budget ran out first.
     */
    boolean awaitReady(long budgetMs) throws IOException {
        ConnectivityState s = channel.getState(true);
        if (s == ConnectivityState.READY) return true;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        long lastReset = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(RECONNECT_PACE_MS);
        while (true) {
            if (s == ConnectivityState.SHUTDOWN) throw new IOException("agent " + name + ": the connection to it is closed");
            long now = System.nanoTime();
            if (s == ConnectivityState.TRANSIENT_FAILURE && now - lastReset >= TimeUnit.MILLISECONDS.toNanos(RECONNECT_PACE_MS)) {
                channel.resetConnectBackoff();
                lastReset = now;
            }
            long left = end - now;
            if (left <= 0) return false;
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(s, changed::countDown);
            try {
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(RECONNECT_PACE_MS)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to agent " + name, e);
            }
            s = channel.getState(true);
            if (s == ConnectivityState.READY) return true;
        }
    }

    AppsMessages.Reply op(String op, String app, String platform, String id, String arg, long number) throws IOException {
        return call(AppsRpc.OP, new AppsMessages.Op(op, app, platform, id, arg, number));
    }

    private IOException failure(MethodDescriptor<?, ?> m, StatusRuntimeException e) {
        Status s = e.getStatus();
        String what = s.getDescription() != null ? s.getDescription() : s.getCode().toString();
        String msg = s.getCode() == Status.Code.FAILED_PRECONDITION || s.getCode() == Status.Code.PERMISSION_DENIED ? what
                : "agent " + name + ": " + m.getBareMethodName() + " failed: " + s.getCode() + (s.getDescription() == null ? "" : ": " + what);
        return s.getCode() == Status.Code.PERMISSION_DENIED ? new dev.talent.migrate.pipeline.CheckpointSignatureException(msg) : new IOException(msg, e);
    }

    /** A server stream's messages. */
    <Q, R> Iterator<R> stream(MethodDescriptor<Q, R> m, Q q) {
        return ClientCalls.blockingServerStreamingCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(CALL_MS, TimeUnit.MILLISECONDS), q);
    }

    /**
     * Sends {@code first} then the bytes of {@code in} as chunks made by {@code chunk}; returns the answer. Connected as
     * a unary call is ({@link #connected}: a destination agent restarted just before a migration is reached, not failed
     * at once); nothing is re-sent.
     */
    <Q, R> R upload(MethodDescriptor<Q, R> m, Q first, InputStream in, java.util.function.Function<byte[], Q> chunk) throws IOException {
        return upload(m, first, in, chunk, null, null);
    }

    /**
     * As above; then, when {@code boundary} is not null, the message it makes of how many bytes {@code in} had, and the
     * bytes of {@code after} (a sync's archive, its boundary, its log parts).
     */
    <Q, R> R upload(MethodDescriptor<Q, R> m, Q first, InputStream in, java.util.function.Function<byte[], Q> chunk,
            java.util.function.LongFunction<Q> boundary, InputStream after) throws IOException {
        // the stream counts as ready until this much is queued in the transport: a checkpoint of up to about that
        // size is handed to it without the sender waiting for each chunk to be flushed (a wake-up per chunk)
        CallOptions options = connected(CALL_MS).withOnReadyThreshold(UPLOAD_QUEUE_BYTES);
        CompletableFuture<R> answer = new CompletableFuture<>();
        StreamObserver<R> responses = new StreamObserver<>() {
            @Override
            public void onNext(R r) { answer.complete(r); }

            @Override
            public void onError(Throwable t) { answer.completeExceptionally(t); }

            @Override
            public void onCompleted() {
                if (!answer.isDone()) answer.completeExceptionally(new IOException("agent " + name + " sent no answer"));
            }
        };
        var requests = (ClientCallStreamObserver<Q>) ClientCalls.asyncClientStreamingCall(
                channel.newCall(m, options), responses);
        try {
            requests.onNext(first);
            long sent = send(requests, answer, in, chunk);
            if (boundary != null && !answer.isDone()) {
                requests.onNext(boundary.apply(sent));
                send(requests, answer, after, chunk);
            }
            requests.onCompleted();
        } catch (IOException | RuntimeException e) {
            requests.onError(Status.CANCELLED.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        try {
            return answer.get(CALL_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException s) throw failure(m, s);
            throw new IOException("agent " + name + ": " + dev.talent.fleet.FleetException.reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("agent " + name + " did not answer " + m.getBareMethodName() + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Sends {@code in} as chunks (paced by the stream's readiness); how many bytes; stops once the agent answered. */
    private static <Q, R> long send(ClientCallStreamObserver<Q> requests, CompletableFuture<R> answer, InputStream in,
            java.util.function.Function<byte[], Q> chunk) throws IOException {
        byte[] buf = new byte[AppsRpc.CHUNK];
        long sent = 0;
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            while (!requests.isReady() && !answer.isDone()) LockSupport.parkNanos(50_000);
            if (answer.isDone()) break; // the agent refused already: its answer says why
            requests.onNext(chunk.apply(java.util.Arrays.copyOf(buf, n)));
            sent += n;
        }
        return sent;
    }
}
