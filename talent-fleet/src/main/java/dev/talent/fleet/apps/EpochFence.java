package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import java.util.Optional;

/**
 * An agent's check of the leadership epoch a controller's command carries (the creation revision of its key in etcd's
 * election: a later leader's is always greater). The agent keeps the highest epoch it knows to lead: from etcd when it
 * starts and whenever the election changes ({@link #refresh}), and from the commands it admitted. A command with a
 * lower epoch comes from a deposed leader (its lease expired, another one leads) that still reaches this agent: it is
 * refused before it runs, so that leader cannot start a second copy of an app or move one. A higher epoch is admitted
 * only once etcd confirms it is the current leader's (so no client can lock the real leader out with a made-up one).
 */
public final class EpochFence {

    /** What etcd says the leading controller's epoch is now; 0: no controller leads. */
    @FunctionalInterface
    public interface Leader {
        long epoch() throws FleetException, InterruptedException;
    }

    private final Leader leader;
    private long highest;

    public EpochFence(Leader leader) { this.leader = leader; }

    /** The highest epoch known to lead (0: none yet). */
    public synchronized long highest() { return highest; }

    /** Asks etcd who leads now and raises the known epoch to that leader's. */
    public void refresh() throws FleetException, InterruptedException {
        long now = leader.epoch();
        synchronized (this) {
            if (now > highest) highest = now;
        }
    }

    /** Empty: a command of {@code epoch} may run; otherwise why it is refused. */
    public Optional<String> admit(long epoch) throws InterruptedException {
        if (epoch <= 0) return Optional.of("refused: " + epoch + " is not a leadership epoch");
        synchronized (this) {
            if (epoch == highest) return Optional.empty();
            if (epoch < highest) return Optional.of(stale(epoch, highest));
        }
        long now;
        try {
            now = leader.epoch();
        } catch (FleetException e) {
            return Optional.of("refused: cannot check leadership epoch " + epoch + " in etcd (" + e.getMessage() + ")");
        }
        synchronized (this) {
            if (now > highest) highest = now;
            if (epoch == highest) return Optional.empty();
            if (epoch < highest) return Optional.of(stale(epoch, highest));
            return Optional.of("refused: leadership epoch " + epoch + " is not the leader's (etcd says " + (now == 0 ? "none leads" : now) + ")");
        }
    }

    private static String stale(long epoch, long highest) {
        return "refused: leadership epoch " + epoch + " is stale (the leader's is " + highest + "): that controller no longer leads";
    }
}
