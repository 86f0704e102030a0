package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.CommitStep;
import dev.talent.migrate.pipeline.Signal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The commit of a host-to-host migration ({@link GrpcFleetAgents#takeOverThenCommit} run by {@link CommitStep}): the
 * source is removed only when the destination's agent took the app over and etcd committed it; either failing leaves
 * the source stopped at its checkpoint and says the move is not committed, for the leader to resolve.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TakeOverLedgerTest {
    private final List<String> done = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** The stopped source's container: only its removal matters here. */
    private final AppContainer source = new AppContainer() {
        @Override
        public String id() { return "talent-svc-h1"; }

        @Override
        public boolean hasNetwork() { return false; }

        @Override
        public void lockNetwork() {}

        @Override
        public void unlockNetwork() {}

        @Override
        public boolean signal(Signal signal) { return false; }

        @Override
        public void start() {}

        @Override
        public CompletableFuture<Integer> onExit() { return new CompletableFuture<>(); }

        @Override
        public String logTail(int lines) { return ""; }

        @Override
        public void delete() { done.add("source removed"); }
    };

    private CommitStep.Ledger ledger(boolean takeOverFails, Optional<String> etcd) {
        return GrpcFleetAgents.takeOverThenCommit(() -> {
            done.add("adopt");
            if (takeOverFails) throw new IOException("UNAVAILABLE: h2 restarting");
        }, "the agent of h2 did not take svc over", () -> {
            done.add("etcd");
            return etcd;
        });
    }

    @Test
    void bothDoneTheSourceGoes() throws Exception {
        assertThat(new CommitStep().run(ledger(false, Optional.empty()), source, warnings::add).warning()).isEmpty();
        assertThat(done).containsExactly("adopt", "etcd", "source removed");
        assertThat(warnings).isEmpty();
    }

    @Test
    void aTakeOverThatFailsIsNotCommittedAndTheSourceStays() {
        // before: a warning, the source removed, etcd not told; the next step found the app on neither host
        assertThatThrownBy(() -> new CommitStep().run(ledger(true, Optional.empty()), source, warnings::add))
                .isInstanceOf(NotCommittedException.class)
                .hasMessage("the agent of h2 did not take svc over: UNAVAILABLE: h2 restarting");
        assertThat(done).as("etcd is not asked; the source is not removed").containsExactly("adopt");
    }

    @Test
    void aCommitThatFailsIsNotCommittedAndTheSourceStays() {
        assertThatThrownBy(() -> new CommitStep().run(ledger(false, Optional.of("fault injected at step commit")), source, warnings::add))
                .isInstanceOf(NotCommittedException.class).hasMessage("fault injected at step commit");
        assertThat(done).containsExactly("adopt", "etcd");
    }
}
