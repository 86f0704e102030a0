package dev.talent.migrate.control;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the orchestrator behind the socket: answers with given records and remembers what it was asked.
 * {@link #holdMigrations()} makes migrate block until {@link #release()}, as a real migration takes time.
 */
final class RecordingHandler implements ControlHandler {
    record MigrateCall(Optional<String> to, boolean untilDone) {}

    final List<MigrateCall> migrateCalls = new CopyOnWriteArrayList<>();
    final CountDownLatch migrateEntered = new CountDownLatch(1);
    private volatile CountDownLatch hold = new CountDownLatch(0);
    volatile StatusReport status;
    volatile MigrationRecord record;
    volatile ControlRequestException refusal;
    volatile RuntimeException bug;
    volatile boolean interrupted;

    RecordingHandler(StatusReport status, MigrationRecord record) {
        this.status = status;
        this.record = record;
    }

    void holdMigrations() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    @Override
    public StatusReport status() {
        if (bug != null) throw bug;
        return status;
    }

    @Override
    public Optional<MigrationRecord> migrate(Optional<String> to, boolean wait) throws ControlRequestException, InterruptedException {
        migrateCalls.add(new MigrateCall(to, wait));
        migrateEntered.countDown();
        if (refusal != null) throw refusal;
        if (!wait) return Optional.empty();
        try {
            hold.await();
        } catch (InterruptedException e) {
            interrupted = true;
            throw e;
        }
        return Optional.of(record);
    }
}
