package dev.talent.migrate;

import dev.talent.container.Container;
import dev.talent.container.ContainerException;
import dev.talent.container.TcpRepair;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The TCP connections of a --net app across one migration (talent-container's {@link TcpRepair}): taken from the
 * source at its stop checkpoint into one state file of the state directory, bound to the checkpoint they belong
 * to, and given to the container that restores <em>that</em> checkpoint (the destination, or the source again
 * after a rollback). A container restoring another checkpoint gets none: its runtime then refuses to run rather
 * than restore connections whose bytes do not match its memory.
 */
final class TcpCarrier {

    private final TcpRepair repair;
    private final Path state;
    /** The checkpoint the state file belongs to (empty: no usable state). */
    private Optional<BigInteger> boundTo = Optional.empty();

    TcpCarrier(TcpRepair repair, Path state) {
        this.repair = repair;
        this.state = state;
    }

    /** Starts listening in the source's checkpoint directory, before the program is asked to stop. */
    TcpRepair.Taking take(Path sourceCheckpoints, Duration safePoint) throws ContainerException, IOException, InterruptedException {
        return take(sourceCheckpoints, safePoint, null);
    }

    /** As above; {@code port} (the source's bridge port, or null) goes down at the hand-over (TcpRepair.take). */
    TcpRepair.Taking take(Path sourceCheckpoints, Duration safePoint, String port)
            throws ContainerException, IOException, InterruptedException {
        forget();
        return repair.take(sourceCheckpoints, state, safePoint.plusSeconds(10), port);
    }

    /** After the stop and the checkpoint's acceptance: the connections taken (now in the state file, bound to it). */
    int taken(TcpRepair.Taking taking, BigInteger sequence) throws ContainerException, InterruptedException {
        int n = taking.finish(Duration.ofSeconds(10));
        if (n > 0) boundTo = Optional.of(sequence);
        return n;
    }

    /**
     * Restores the connections in {@code c}'s network namespace and waits for its runtime in {@code checkpoints},
     * if the state belongs to checkpoint {@code sequence}; null when there is nothing to give.
     */
    TcpRepair.Giving give(Container c, Path checkpoints, BigInteger sequence, Duration timeout)
            throws ContainerException, IOException, InterruptedException {
        if (boundTo.isEmpty() || !boundTo.get().equals(sequence) || c.network().isEmpty()) return null;
        if (TcpRepair.count(state) == 0) return null;
        return repair.give(checkpoints, state, c.network().get().namespacePath(), c.network().get().hostPort(), timeout);
    }

    /** The state file, if it holds connections of checkpoint {@code sequence} (to send it to another host). */
    Optional<Path> stateOf(BigInteger sequence) throws IOException {
        if (boundTo.isEmpty() || !boundTo.get().equals(sequence) || TcpRepair.count(state) == 0) return Optional.empty();
        return Optional.of(state);
    }

    /**
     * The connections of checkpoint {@code sequence} taken on another host, in {@code received} (a file of this
     * state's directory, whose origin the caller checked): its header is checked, it becomes the state, bound to
     * that checkpoint. The TCP repair helper reads every field within its bounds before it restores anything.
     */
    int received(BigInteger sequence, Path received) throws IOException {
        forget();
        int n = TcpRepair.count(received);
        Files.move(received, state, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (n > 0) boundTo = Optional.of(sequence);
        return n;
    }

    /** The connections are live again somewhere: the state file is history. */
    void forget() throws IOException {
        boundTo = Optional.empty();
        Files.deleteIfExists(state);
    }
}
