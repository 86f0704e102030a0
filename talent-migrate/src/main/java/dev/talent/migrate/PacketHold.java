package dev.talent.migrate;

import dev.talent.container.ContainerException;
import dev.talent.container.ContainerHost;
import dev.talent.migrate.pipeline.AppContainer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Makes a destination container ready to hold the packets the app's peers send while its network is locked (its
 * slot's netfilter queue and rules, {@code NetworkSlot.prepareHold}), outside the downtime; used by {@code talent run}
 * and by a fleet agent alike. Without it the peers' packets are dropped and sent again after their retransmission
 * timer (200 ms or more): a host that cannot hold (no iptables, a kernel without netfilter queues) goes on that way
 * and warns once. {@code TALENT_NET_HOLD=off} turns holding off, to compare or to rule it out.
 */
public final class PacketHold {
    private final String where;
    private final Consumer<String> warnings;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** {@code where} completes "the packets peers send during a migration…" (e.g. " to host-2", or ""). */
    public PacketHold(String where, Consumer<String> warnings) {
        this.where = where;
        this.warnings = warnings;
    }

    /** Whether holding is on ({@code TALENT_NET_HOLD} is not {@code off}). */
    public static boolean enabled() {
        return !"off".equals(System.getenv("TALENT_NET_HOLD"));
    }

    /**
     * Prepares {@code c} to hold; nothing for a container without a network of its own or with holding off. A failure
     * is not an error (the migration goes on without holding): the first one is reported to the warnings.
     *
     * @return whether {@code c} is now prepared to hold
     */
    public boolean prepare(ContainerHost containers, AppContainer c) throws InterruptedException {
        if (!(c instanceof LocalContainer local) || local.raw().network().isEmpty() || !enabled()) return false;
        try {
            local.raw().network().get().prepareHold(containers.tcpRepair());
            return true;
        } catch (ContainerException | IOException e) {
            if (warned.compareAndSet(false, true)) {
                warnings.accept("the packets peers send during a migration" + where + " are dropped and sent again by them"
                        + " (a pause of their retransmission timer, 200 ms or more), not held: " + e.getMessage());
            }
            return false;
        }
    }
}
