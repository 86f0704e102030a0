package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;

/** How a controller or a command reaches the fleet's agents (over mutual TLS with the identity of {@code config}). */
@FunctionalInterface
public interface AgentsConnector {
    FleetAgents connect(FleetConfig config, Etcd etcd) throws FleetException;
}
