package dev.talent.migrate.pipeline;

import dev.talent.migrate.RuntimeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The containers of one app on one host and what its runtime reports there. The local implementation creates
 * runc containers of this machine and reads the runtime's event FIFO; a remote one asks the host's agent and
 * receives its events as a stream.
 */
public interface HostContainers {

    /** The host (and platform) for messages, e.g. {@code aarch64}. */
    String name();

    /**
     * Creates (does not start) a container of the app: {@code restart} restores the checkpoint in its checkpoint
     * directory; {@code fault} is an injected failure for tests ({@code TALENT_FAULT}), empty in production.
     */
    AppContainer create(boolean restart, Optional<String> fault) throws IOException, InterruptedException;

    /** The next event of the program on this host within {@code timeout}; null when none came. */
    RuntimeEvent nextEvent(Duration timeout) throws InterruptedException;

    /** Forgets the events not read yet (those of an earlier container). */
    void clearEvents();
}
