package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.cli.MetricsEndpoint;
import dev.talent.fleet.Controller;
import dev.talent.fleet.ControllerMetrics;
import dev.talent.fleet.FleetException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"The fleet's controller (runs until SIGTERM; in production under systemd: talent-controller.service). Run one"
                + " on several hosts: they keep no state of their own, and etcd's election picks the one that leads.",
                "Each registers /talent/controllers/HOST under a lease of 2 s and campaigns on /talent/election/controller with it;"
                        + " the leader writes /talent/leader. A leader that dies loses its lease within 2 s and the next one leads."
                        + " A controller that loses its lease exits 1 (never two leaders).",
                "Config: the fleet file (--fleet): etcd=https://HOST:PORT,... and ca=, cert=, key=."})
public final class ControllerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--host", paramLabel = "NAME", description = "The host this controller runs on (default: this machine's host name).")
    String host;

    @Option(names = "--fleet", paramLabel = "FILE", defaultValue = "/etc/talent/fleet.conf",
            description = "The fleet file: etcd endpoints and this host's TLS files (default: ${DEFAULT-VALUE}).")
    Path fleet;

    @Option(names = "--host-grace", paramLabel = "DURATION", defaultValue = "30s",
            description = {"How long a host's agent may hold no etcd lease before the host is taken as lost and its apps are"
                    + " restarted elsewhere (deploy --on-host-loss restart) or recorded lost (default: ${DEFAULT-VALUE};"
                    + " e.g. 45s, 2m). Keep it well above an agent's restart or upgrade, which must not move apps."})
    String hostGrace;

    @Option(names = "--restart-grace", paramLabel = "DURATION", defaultValue = "2m",
            description = {"As --host-grace, for a host whose agent said it stopped to be restarted (SIGTERM: an upgrade, a"
                    + " restart; its apps keep running and the next agent adopts them). At least --host-grace (default:"
                    + " ${DEFAULT-VALUE})."})
    String restartGrace;

    @Option(names = "--alerts", paramLabel = "ADDR:PORT", description = {"Serve POST/GET /v1/alerts and DELETE /v1/alerts/TAG"
            + " over HTTPS with mutual TLS on ADDR:PORT (an address this host's certificate names): clients need a certificate"
            + " from the fleet CA (talent pki issue DIR NAME). Every controller may take alerts; they are kept in etcd."})
    String alerts;

    @Option(names = "--policy", paramLabel = "FILE", description = {"The moving-target policy (the TOML of talent run --policy):"
            + " [platform.NAME] and [host.NAME] tags, [diversity] weights and avoid_recent. With it, scheduled moves are drawn"
            + " by the diversity weights; without it, in rounds. Alerts quarantine tags either way."})
    Path policy;

    @Option(names = "--keep-ended", paramLabel = "N", defaultValue = "200",
            description = {"How many undeployed apps' histories (migration records, alert events, end) etcd keeps, for"
                    + " talent report and status after undeploy: the newest N of the fleet (0: none; at most "
                    + dev.talent.fleet.apps.AppArchive.Retention.MAX_KEEP + "; default: ${DEFAULT-VALUE})."})
    int keepEnded;

    @Option(names = "--keep-ended-for", paramLabel = "AGE", defaultValue = "30d",
            description = {"An undeployed app's history older than AGE is deleted (e.g. 12h, 30d, 90m; default: ${DEFAULT-VALUE})."})
    String keepEndedFor;

    private static final java.util.regex.Pattern AGE = java.util.regex.Pattern.compile("([0-9]{1,6})(s|m|h|d)");

    /** {@code --keep-ended-for}: {@code N} seconds, minutes, hours or days, from 1 s to 10 years. */
    static long ageMs(String text) {
        java.util.regex.Matcher m = AGE.matcher(text == null ? "" : text.strip());
        if (!m.matches()) throw new IllegalArgumentException("not an age (e.g. 30d, 12h, 90m, 600s): '" + text + "'");
        long n = Long.parseLong(m.group(1));
        long ms = n * switch (m.group(2)) {
            case "s" -> 1000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
        if (ms < 1000 || ms > 3650L * 86_400_000L) throw new IllegalArgumentException(text + " is not between 1s and 3650d");
        return ms;
    }

    /** {@code ADDR:PORT} (an IPv6 address in brackets), the address a literal: clients reach it, the certificate names it. */
    static java.net.InetSocketAddress listenAddress(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("'" + s + "' is not ADDR:PORT");
        String addr = s.substring(0, colon);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        String port = s.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) throw new IllegalArgumentException("'" + port + "' is not a port");
        java.net.InetAddress a;
        try {
            a = java.net.InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + addr + "' is not an IP address", e);
        }
        return new java.net.InetSocketAddress(a, Integer.parseInt(port));
    }

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = {"Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9466; plain HTTP: bind it to"
                    + " loopback or an address only the scraper reaches). Migrations it drives (by outcome, reason, failed step; downtime and phase histograms, as `talent run --metrics`), whether it leads, and while it leads the fleet's hosts and apps. See docs/FLEET.md (Metrics)."})
    String metrics;

    @Override
    public Integer call() throws InterruptedException {
        var log = Daemon.log(spec.commandLine().getErr(), "controller");
        dev.talent.fleet.apps.Graces graces;
        try {
            graces = new dev.talent.fleet.apps.Graces(HostGrace.parseMs(hostGrace), HostGrace.parseMs(restartGrace));
        } catch (IllegalArgumentException e) {
            log.accept("--host-grace, --restart-grace: " + e.getMessage());
            Daemon.done();
            return ExitCodes.USAGE;
        }
        dev.talent.fleet.apps.AppArchive.Retention retention;
        try {
            retention = new dev.talent.fleet.apps.AppArchive.Retention(keepEnded, ageMs(keepEndedFor));
        } catch (IllegalArgumentException e) {
            log.accept("--keep-ended, --keep-ended-for: " + e.getMessage());
            Daemon.done();
            return ExitCodes.USAGE;
        }
        java.util.Optional<java.net.InetSocketAddress> listen = java.util.Optional.empty();
        if (alerts != null) {
            try {
                listen = java.util.Optional.of(listenAddress(alerts));
            } catch (IllegalArgumentException e) {
                log.accept("--alerts: " + e.getMessage());
                Daemon.done();
                return ExitCodes.USAGE;
            }
        }
        dev.talent.fleet.apps.FleetPolicy p = dev.talent.fleet.apps.FleetPolicy.NONE;
        if (policy != null) {
            try {
                p = dev.talent.fleet.apps.FleetPolicy.of(dev.talent.policy.Policy.load(policy));
            } catch (dev.talent.policy.PolicyException e) {
                log.accept("--policy: " + e.getMessage());
                Daemon.done();
                return ExitCodes.USAGE;
            }
        }
        try {
            String h = host != null ? host : InetAddress.getLocalHost().getHostName();
            ControllerMetrics m = new ControllerMetrics(h);
            try (MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.serve(metrics, m::scrape)) {
                if (endpoint != null) log.accept("serving metrics at http://" + metrics.strip() + "/metrics");
                return Controller.run(h, fleet, log, Daemon.stopOnSignal(), FleetAgentsClient.connector(log), graces,
                        new Controller.Alerting(listen, p, retention), m);
            }
        } catch (IllegalArgumentException e) {
            log.accept("--metrics: " + e.getMessage());
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
