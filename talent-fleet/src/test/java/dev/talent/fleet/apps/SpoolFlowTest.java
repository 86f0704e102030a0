package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client stream's receiver ({@link AppsRpc.Spool}) asks for its messages ahead, not one at a time (gRPC's default: a
 * hand-off between the transport's thread and the call's per chunk), and never for more than
 * {@link AppsRpc#REQUEST_AHEAD} not taken yet.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SpoolFlowTest {
    /** The call's side as the receiver sees it: what it asked for. */
    static final class Calls extends ServerCallStreamObserver<String> {
        boolean autoRequestDisabled;
        final List<Integer> requests = new ArrayList<>();
        final List<String> answers = new ArrayList<>();

        int requested() { return requests.stream().mapToInt(Integer::intValue).sum(); }

        @Override public boolean isCancelled() { return false; }
        @Override public void setOnCancelHandler(Runnable r) {}
        @Override public void setCompression(String c) {}
        @Override public void disableAutoRequest() { autoRequestDisabled = true; }
        @Override public boolean isReady() { return true; }
        @Override public void setOnReadyHandler(Runnable r) {}
        @Override public void disableAutoInboundFlowControl() { autoRequestDisabled = true; }
        @Override public void request(int n) { requests.add(n); }
        @Override public void setMessageCompression(boolean b) {}
        @Override public void onNext(String s) { answers.add(s); }
        @Override public void onError(Throwable t) { answers.add("error: " + t.getMessage()); }
        @Override public void onCompleted() { answers.add("completed"); }
    }

    @Test
    void messagesAreAskedForAheadAndBoundedByWhatWasTaken() throws Exception {
        Calls calls = new Calls();
        List<String> got = new ArrayList<>();
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            AppsRpc.Spool<String, String> spool = new AppsRpc.Spool<>(null, calls, pool) {
                @Override void first(String q) {}

                @Override void data(String q) { got.add(q); }

                @Override String complete() throws IOException { return "got " + got.size(); }
            };
            assertThat(calls.autoRequestDisabled).as("gRPC's one message at a time is off").isTrue();
            assertThat(calls.requested()).isEqualTo(AppsRpc.REQUEST_AHEAD);
            int chunks = 10 * AppsRpc.REQUEST_AHEAD + 3;
            for (int i = 0; i < chunks; i++) {
                assertThat(calls.requested() - i).as("asked for and not yet taken before message " + i)
                        .isPositive().isLessThanOrEqualTo(AppsRpc.REQUEST_AHEAD);
                spool.onNext("c" + i);
            }
            assertThat(calls.requests.size()).as("requests for " + chunks + " messages").isLessThan(chunks / 8);
            spool.onCompleted();
        }
        assertThat(got).hasSize(10 * AppsRpc.REQUEST_AHEAD + 3);
        assertThat(calls.answers).containsExactly("got " + got.size(), "completed");
    }
}
