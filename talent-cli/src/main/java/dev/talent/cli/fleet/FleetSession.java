package dev.talent.cli.fleet;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.FleetAgents;
import dev.talent.fleet.apps.FleetApps;
import java.nio.file.Path;
import java.util.Map;

/** A fleet command's connections: etcd and the agents, with the identity of the fleet file. */
public final class FleetSession implements AutoCloseable {
    final Etcd etcd;
    final FleetAgents agents;
    final FleetApps apps;

    private FleetSession(Etcd etcd, FleetAgents agents, FleetConfig config) {
        this.etcd = etcd;
        this.agents = agents;
        this.apps = new FleetApps(etcd, agents, config.net());
    }

    /** Whether a fleet is named ({@code --fleet} or {@code TALENT_FLEET}): {@code status} and {@code migrate} then act on it. */
    public static boolean configured(Path option, Map<String, String> env) {
        String fromEnv = env.get("TALENT_FLEET");
        return option != null || (fromEnv != null && !fromEnv.isBlank());
    }

    public static FleetSession open(Path option, Map<String, String> env) throws FleetException {
        return open(option, env, w -> { });
    }

    /** {@code warn}: the agents' client's warnings (the command prints them on stderr). */
    public static FleetSession open(Path option, Map<String, String> env, java.util.function.Consumer<String> warn) throws FleetException {
        FleetConfig config = FleetFile.resolve(option, env);
        Etcd etcd = Etcd.connect(config);
        try {
            return new FleetSession(etcd, FleetAgentsClient.connector(warn).connect(config, etcd), config);
        } catch (FleetException | RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    public Etcd etcd() { return etcd; }

    public FleetApps apps() { return apps; }

    @Override
    public void close() {
        try {
            agents.close();
        } finally {
            etcd.close();
        }
    }
}
