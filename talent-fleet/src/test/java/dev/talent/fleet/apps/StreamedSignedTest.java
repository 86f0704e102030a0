package dev.talent.fleet.apps;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream of signed parts (a checkpoint, a TCP state: {@code ReceiveCheckpoint}, {@code ReceiveConnections}) is read by
 * its receiver while it arrives, not spooled: the statement is checked before any byte is taken, the receiver sees the
 * first bytes before the stream ends, and a stream that breaks off fails the receiver.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamedSignedTest {
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() { pool.shutdownNow(); }

    /** The answer of the call. */
    static final class Answer implements StreamObserver<AppsMessages.Reply> {
        final CompletableFuture<AppsMessages.Reply> reply = new CompletableFuture<>();

        @Override public void onNext(AppsMessages.Reply r) { reply.complete(r); }
        @Override public void onError(Throwable t) { reply.completeExceptionally(t); }
        @Override public void onCompleted() {}
    }

    private static AppsMessages.CheckpointPart head(long size) {
        return new AppsMessages.CheckpointPart("x86_64", new AppsMessages.Statement("svc", "tcp-1.state", "1", 0, size, new byte[32],
                new byte[64], new byte[32], List.of()), null);
    }

    private static AppsMessages.CheckpointPart data(byte[] b) { return new AppsMessages.CheckpointPart(null, null, b); }

    @Test
    void theReceiverReadsTheBytesBeforeTheStreamEnds() throws Exception {
        CountDownLatch firstBytes = new CountDownLatch(1);
        Answer answer = new Answer();
        AppsRpc.StreamedSigned s = new AppsRpc.StreamedSigned(null, answer, pool, "TCP state", 100, (head, in) -> {
            byte[] b = in.readNBytes(3);
            firstBytes.countDown();
            byte[] rest = in.readAllBytes();
            return new AppsMessages.Reply(new String(b, UTF_8) + new String(rest, UTF_8), head.statement().size(), true);
        });
        s.onNext(head(6));
        s.onNext(data("abc".getBytes(UTF_8)));
        assertThat(firstBytes.await(30, TimeUnit.SECONDS)).as("read while the stream still runs (nothing spooled)").isTrue();
        s.onNext(data("def".getBytes(UTF_8)));
        s.onCompleted();
        assertThat(answer.reply.get(30, TimeUnit.SECONDS)).isEqualTo(new AppsMessages.Reply("abcdef", 6, true));
    }

    @Test
    void aStatementOutOfBoundsIsRefusedBeforeTheReceiverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Answer answer = new Answer();
        AppsRpc.StreamedSigned s = new AppsRpc.StreamedSigned(null, answer, pool, "TCP state", 100, (head, in) -> {
            ran.set(true);
            return new AppsMessages.Reply("", 0, true);
        });
        s.onNext(head(101));
        s.onNext(data(new byte[] {1}));
        s.onCompleted();
        assertThat(answer.reply).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().withMessageContaining("TCP state size out of bounds");
        assertThat(ran).isFalse();
        Answer malformed = new Answer();
        AppsRpc.StreamedSigned m = new AppsRpc.StreamedSigned(null, malformed, pool, "TCP state", 100, (head, in) -> {
            ran.set(true);
            return new AppsMessages.Reply("", 0, true);
        });
        m.onNext(new AppsMessages.CheckpointPart("x86_64", null, null));
        m.onCompleted();
        assertThat(malformed.reply).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().withMessageContaining("malformed");
        assertThat(ran).isFalse();
    }

    @Test
    void aStreamThatBreaksOffFailsTheReceiver() throws Exception {
        CompletableFuture<IOException> seen = new CompletableFuture<>();
        AppsRpc.StreamedSigned s = new AppsRpc.StreamedSigned(null, new Answer(), pool, "TCP state", 100, (head, in) -> {
            try (InputStream bytes = in) {
                bytes.readAllBytes();
            } catch (IOException e) {
                seen.complete(e);
                throw e;
            }
            seen.complete(null);
            return new AppsMessages.Reply("", 0, true);
        });
        s.onNext(head(6));
        s.onNext(data("abc".getBytes(UTF_8)));
        s.onError(new IOException("gone"));
        assertThat(seen.get(30, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("TCP state's stream broke off");
    }
}
