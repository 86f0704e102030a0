package dev.talent.cli.fleet;

import dev.talent.fleet.apps.AgentsConnector;
import dev.talent.fleet.apps.GrpcFleetAgents;
import java.util.function.Consumer;

/** The fleet's agents as the controller and the commands reach them: gRPC over mutual TLS, addresses from etcd. */
final class FleetAgentsClient {
    private FleetAgentsClient() {}

    /** {@code warn}: what the agents' client reports that is not an error (a container left behind, ...). */
    static AgentsConnector connector(Consumer<String> warn) {
        return new AgentsConnector() {
            @Override
            public dev.talent.fleet.apps.FleetAgents connect(dev.talent.fleet.FleetConfig config, dev.talent.fleet.Etcd etcd) {
                return GrpcFleetAgents.viaEtcd(config.tls(), etcd, GrpcFleetAgents.Timeouts.defaults(), warn);
            }

            @Override
            public dev.talent.fleet.apps.FleetAgents connectAsLeader(dev.talent.fleet.FleetConfig config, dev.talent.fleet.Etcd etcd,
                    long epoch) {
                return GrpcFleetAgents.viaEtcd(config.tls(), etcd, GrpcFleetAgents.Timeouts.defaults(), warn, epoch);
            }
        };
    }
}
