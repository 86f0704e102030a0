package dev.talent.cli.fleet;

import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AgentsConnector;

/** The fleet's agents as the controller and the commands reach them. */
final class FleetAgentsClient {
    private FleetAgentsClient() {}

    static AgentsConnector connector() {
        return (config, etcd) -> {
            throw new FleetException("this build has no client of the agents' app service (GrpcFleetAgents, branch h/fleet-agent)");
        };
    }
}
