package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;

/** How a controller or a command reaches the fleet's agents (over mutual TLS with the identity of {@code config}). */
@FunctionalInterface
public interface AgentsConnector {
    FleetAgents connect(FleetConfig config, Etcd etcd) throws FleetException;

    /**
     * The leading controller's connection: every command carries its leadership {@code epoch} (the creation revision
     * of its election key), which agents check ({@link EpochFence}); a connector that cannot carry it connects as above.
     */
    default FleetAgents connectAsLeader(FleetConfig config, Etcd etcd, long epoch) throws FleetException {
        return connect(config, etcd);
    }
}
