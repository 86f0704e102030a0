package dev.talent.fleet.apps;

import io.grpc.CallOptions;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/** Calls to one agent's apps service over a channel (mutual TLS); a failed call is an IOException with the agent's words. */
final class AgentClient {
    static final long CALL_MS = 120_000;
    private final String name;
    private final ManagedChannel channel;

    AgentClient(String name, ManagedChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    String name() { return name; }

    ManagedChannel channel() { return channel; }

    <Q, R> R call(MethodDescriptor<Q, R> m, Q q) throws IOException { return call(m, q, CALL_MS); }

    <Q, R> R call(MethodDescriptor<Q, R> m, Q q, long timeoutMs) throws IOException {
        try {
            return ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), q);
        } catch (StatusRuntimeException e) {
            throw failure(m, e);
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

    /** Sends {@code first} then the bytes of {@code in} as chunks made by {@code chunk}; returns the answer. */
    <Q, R> R upload(MethodDescriptor<Q, R> m, Q first, InputStream in, java.util.function.Function<byte[], Q> chunk) throws IOException {
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
                channel.newCall(m, CallOptions.DEFAULT.withDeadlineAfter(CALL_MS, TimeUnit.MILLISECONDS)), responses);
        try {
            requests.onNext(first);
            byte[] buf = new byte[AppsRpc.CHUNK];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                while (!requests.isReady() && !answer.isDone()) LockSupport.parkNanos(50_000);
                if (answer.isDone()) break; // the agent refused already: its answer says why
                requests.onNext(chunk.apply(java.util.Arrays.copyOf(buf, n)));
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
            throw new IOException("agent " + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("agent " + name + " did not answer " + m.getBareMethodName() + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
