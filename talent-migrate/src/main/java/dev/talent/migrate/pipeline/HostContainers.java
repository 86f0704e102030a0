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

    /**
     * Creates a restarting container of the app and starts it ahead of the stop: its runtime (and emulator) runs
     * and waits for its go ({@link AppContainer#start()}) before it reads the checkpoint directory; talent gives it
     * once the checkpoint is there. A failure leaves nothing behind.
     *
     * @throws IOException this host does not start containers ahead, or creating or starting it failed
     */
    default AppContainer createStartedAhead(Optional<String> fault) throws IOException, InterruptedException {
        throw new IOException("host " + name() + " does not start a destination ahead");
    }

    /** The next event of the program on this host within {@code timeout}; null when none came. */
    RuntimeEvent nextEvent(Duration timeout) throws InterruptedException;

    /** Forgets the events not read yet (those of an earlier container). */
    void clearEvents();
}
