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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sync from a source of protocol 3 ({@code ReceiveSync} with a bounded head): its archive is read while it arrives, up
 * to a boundary that says how long it was; the log parts follow. The receiver (here one that applies, as
 * {@link HostedApps#receiveSync} does, only once it has the log parts) is given them only when the whole stream ended as
 * announced; every other stream is refused with nothing applied.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamedSyncTest {
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() { pool.shutdownNow(); }

    /** The answer of the call. */
    static final class Answer implements StreamObserver<AppsMessages.Sync> {
        final CompletableFuture<AppsMessages.Sync> reply = new CompletableFuture<>();

        @Override public void onNext(AppsMessages.Sync r) { reply.complete(r); }
        @Override public void onError(Throwable t) { reply.completeExceptionally(t); }
        @Override public void onCompleted() {}
    }

    /** A receiver that reads the archive, then the log parts, and only then "applies" (records what it got). */
    static final class Receiver implements AppsRpc.SyncReceiver {
        final AtomicReference<String> applied = new AtomicReference<>();
        final CountDownLatch archiveStarted = new CountDownLatch(1);

        @Override
        public AppsMessages.Sync receive(AppsMessages.SyncPart head, InputStream archive, HostedApps.LogPart logs) throws IOException {
            byte[] first = archive.readNBytes(2);
            archiveStarted.countDown();
            String zip = new String(first, UTF_8) + new String(archive.readAllBytes(), UTF_8);
            HostedApps.LogTail[] tails = logs.read();
            applied.set(zip + "|" + new String(tails[0].bytes(), UTF_8) + "@" + tails[0].from() + "|" + new String(tails[1].bytes(), UTF_8)
                    + "@" + tails[1].from());
            return new AppsMessages.Sync(head.mode(), 1, 0, zip.length(), 0, 0);
        }
    }

    private static AppsMessages.SyncPart head(Boolean bounded, int logLength, int errLength) {
        return new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, logLength, 20, errLength, null, null, null, bounded, null);
    }

    private static AppsMessages.SyncPart chunk(String s) { return new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, s.getBytes(UTF_8)); }

    private AppsRpc.StreamedSync sync(Answer answer, Receiver receiver) { return new AppsRpc.StreamedSync(null, answer, pool, receiver); }

    @Test
    void theArchiveIsReadBeforeTheStreamEndsAndTheLogsFollowTheBoundary() throws Exception {
        Answer answer = new Answer();
        Receiver receiver = new Receiver();
        AppsRpc.StreamedSync s = sync(answer, receiver);
        s.onNext(head(true, 3, 2));
        s.onNext(chunk("PK"));
        assertThat(receiver.archiveStarted.await(30, TimeUnit.SECONDS)).as("read while the stream still runs (nothing spooled)").isTrue();
        s.onNext(chunk("zip"));
        s.onNext(AppsMessages.SyncPart.boundary(5));
        s.onNext(chunk("ou"));
        assertThat(receiver.applied.get()).as("nothing applied before the stream's end").isNull();
        s.onNext(chunk("ter"));
        s.onCompleted();
        assertThat(answer.reply.get(30, TimeUnit.SECONDS).bytesCopied()).isEqualTo(5);
        assertThat(receiver.applied.get()).isEqualTo("PKzip|out@10|er@20");
    }

    /** Each hostile stream: refused with the reason, and the receiver never got the log parts (nothing applied). */
    private void refused(String why, AppsMessages.SyncPart... parts) throws Exception {
        Answer answer = new Answer();
        Receiver receiver = new Receiver();
        AppsRpc.StreamedSync s = sync(answer, receiver);
        for (AppsMessages.SyncPart p : parts) s.onNext(p);
        s.onCompleted();
        assertThat(answer.reply).as(why).failsWithin(30, TimeUnit.SECONDS).withThrowableThat().withMessageContaining(why);
        Thread.sleep(200); // the receiver's thread has had its failure
        assertThat(receiver.applied.get()).as(why + ": nothing applied").isNull();
    }

    @Test
    void aStreamThatDoesNotEndAsAnnouncedIsRefusedWithNothingApplied() throws Exception {
        refused("a sync's boundary says 4 bytes of archive, 5 came", head(true, 3, 2), chunk("PKzip"), AppsMessages.SyncPart.boundary(4),
                chunk("outer"));
        refused("a sync's boundary says 9 bytes of archive, 5 came", head(true, 3, 2), chunk("PKzip"), AppsMessages.SyncPart.boundary(9),
                chunk("outer"));
        refused("a sync without a boundary after its archive", head(true, 3, 2), chunk("PKzip"), chunk("outer"));
        refused("a sync with a second boundary", head(true, 3, 2), chunk("PKzip"), AppsMessages.SyncPart.boundary(5), chunk("ou"),
                AppsMessages.SyncPart.boundary(2), chunk("ter"));
        refused("bytes after the end of a sync's log parts", head(true, 3, 2), chunk("PKzip"), AppsMessages.SyncPart.boundary(5),
                chunk("outer!"));
        refused("a sync's log parts are cut short", head(true, 3, 2), chunk("PKzip"), AppsMessages.SyncPart.boundary(5), chunk("oute"));
        refused("neither a chunk nor a boundary", head(true, 3, 2), chunk("PKzip"), head(true, 3, 2));
        refused("a sync's head is malformed", new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a"), 10, 3, 20, 2, null, null,
                null, true, 5L));
    }

    @Test
    void aStreamThatBreaksOffFailsTheReceiverBeforeItApplies() throws Exception {
        Answer answer = new Answer();
        Receiver receiver = new Receiver();
        AppsRpc.StreamedSync s = sync(answer, receiver);
        s.onNext(head(true, 3, 2));
        s.onNext(chunk("PKzip"));
        s.onNext(AppsMessages.SyncPart.boundary(5));
        s.onNext(chunk("out"));
        s.onError(new IOException("gone"));
        Thread.sleep(200);
        assertThat(receiver.applied.get()).isNull();
    }
}
