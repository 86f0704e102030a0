package dev.talent.migrate.pipeline;

import java.util.concurrent.CompletableFuture;

/**
 * A hand-over started by a take before it validated what it took (docs/FLEET.md, "The send started before the
 * validation"). The take has read the checkpoint, checked its size and magic, computed its SHA-256 and signed that;
 * its Java reader's validation then runs while the bytes travel. The stream must not end before {@code validated}
 * completes: completed normally, the stream ends (and only then may its destination place the file); completed
 * exceptionally, the stream is cut, so that the destination discards what it received.
 */
@FunctionalInterface
public interface EarlySend {
    /**
     * Starts sending {@code read} (its {@code sockets} is -1: not counted yet) without waiting for it; its end waits
     * for {@code validated}.
     */
    void start(OutgoingCheckpoint read, CompletableFuture<Void> validated);
}
