package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.cli.MetricsEndpoint;
import dev.talent.fleet.Agent;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AgentMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"The fleet's daemon on every host (runs until SIGTERM; in production under systemd: talent-agent.service).",
                "Serves the agent's gRPC service over mutual TLS 1.3 on --address:--port: a peer without a certificate from the fleet CA"
                        + " is refused during the handshake. Registers the host in etcd (/talent/hosts/NAME/info: address, port,"
                        + " platforms) and holds /talent/agents/NAME under a lease of 3 s that it keeps alive, so a dead agent is"
                        + " seen within 3 s. Exits 1 when it loses the lease (its supervisor starts it again).",
                "Holds the host's apps under --state (blobs, apps, containers): starts them in runc containers as `talent run`"
                        + " does, and for a migration streams their signed checkpoints and working directories straight to the"
                        + " destination's agent (docs/FLEET.md). Needs the host's checkpoint signing key NAME.sign.key/NAME.sign.crt"
                        + " next to its certificate (talent pki issue makes them).",
                "Config: the fleet file (--fleet) has etcd=https://HOST:PORT,... and ca=, cert=, key= (this host's certificate,"
                        + " from `talent pki issue DIR NAME --ip ADDRESS`)."})
public final class AgentCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME", description = "The host's name in the fleet (default: this machine's host name).")
    String name;

    @Option(names = "--address", paramLabel = "ADDRESS", required = true,
            description = "The address to listen on and to publish (other hosts and the CLI connect to it).")
    String address;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7443", description = "The gRPC port (default: ${DEFAULT-VALUE}; 0: any).")
    int port;

    @Option(names = "--fleet", paramLabel = "FILE", defaultValue = "/etc/talent/fleet.conf",
            description = "The fleet file: etcd endpoints and this host's TLS files (default: ${DEFAULT-VALUE}).")
    Path fleet;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "/var/lib/talent/agent",
            description = "The agent's directory: blobs (binaries, working directories), apps (their places, checkpoints, output"
                    + " logs) and containers (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--platforms", paramLabel = "P,P", split = ",",
            description = "The platforms to publish (default: those this machine can run, detected: cross compiler and qemu-user present).")
    List<String> platforms;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = {"Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9465; plain HTTP: bind it to"
                    + " loopback or an address only the scraper reaches). Apps running and their platforms, checkpoints, restores, working directory syncs, calls served by outcome. See docs/FLEET.md (Metrics)."})
    String metrics;

    @Option(names = "--protocol", paramLabel = "N", defaultValue = "${env:TALENT_AGENT_PROTOCOL}",
            description = {"Speak the fleet's protocol version N (" + dev.talent.fleet.Protocol.OLDEST + " to "
                    + dev.talent.fleet.Protocol.CURRENT + ") instead of this release's newest, as the release of N does on the wire:"
                    + " for a rolling upgrade (keep every upgraded agent at the oldest agent's version until all are upgraded),"
                    + " or to test a fleet of mixed versions (talent lab up --protocol h2=3). A controller keeps a checkpoint"
                    + " taken by an agent before 4 on places of its platform's byte order and pointer width (docs/FLEET.md,"
                    + " \"Protocol versions\"). Default: $TALENT_AGENT_PROTOCOL, else " + dev.talent.fleet.Protocol.CURRENT + "."})
    Integer protocol;

    @Override
    public Integer call() throws InterruptedException {
        var log = Daemon.log(spec.commandLine().getErr(), "agent");
        try {
            if (protocol != null) {
                dev.talent.fleet.Protocol.capAt(protocol);
                log.accept("speaking protocol " + protocol + " (capped; this release speaks up to " + dev.talent.fleet.Protocol.CURRENT + ")");
            }
            String host = name != null ? name : InetAddress.getLocalHost().getHostName();
            AgentMetrics m = new AgentMetrics(host);
            try (MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.serve(metrics, m::scrape)) {
                if (endpoint != null) log.accept("serving metrics at http://" + metrics.strip() + "/metrics");
                List<String> p = platforms != null ? platforms : Agent.detectPlatforms();
                return Agent.run(new Agent.Settings(host, address, port, fleet, p, state), log, Daemon.stopOnSignal(), m);
            }
        } catch (IllegalArgumentException e) {
            log.accept((protocol != null && dev.talent.fleet.Protocol.speaking() != protocol ? "--protocol: " : "--metrics: ") + e.getMessage());
            return ExitCodes.USAGE;
        } catch (FleetException | UnknownHostException e) {
            log.accept(e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (java.io.IOException e) {
            log.accept("--metrics " + metrics + ": cannot serve there: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } finally {
            Daemon.done();
        }
    }
}
