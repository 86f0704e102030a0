package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.HostStatus;
import dev.talent.fleet.Hosts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = "The fleet's hosts: address, platforms, agent health (up: its lease is held and it answers over mutual TLS),"
                + " apps, and which host's controller leads.")
public final class HostsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--json", description = "An array of {name, address, platforms, agent, apps, leader, controller_pid, drained}.") boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<HostStatus> hosts;
        try {
            hosts = Hosts.list(FleetFile.resolve(fleet, System.getenv()));
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent hosts: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(hosts));
        } else {
            out.printf("%-8s %-15s %-5s %-10s %-16s %s%n", "HOST", "ADDRESS", "AGENT", "CONTROLLER", "APPS", "PLATFORMS");
            for (HostStatus h : hosts) {
                String controller = h.controllerPid() == null ? "-" : h.controllerPid() + (h.leader() ? "*" : "");
                out.printf("%-8s %-15s %-5s %-10s %-16s %s%s%n", h.name(), h.address(), h.agent(), controller,
                        h.apps().isEmpty() ? "-" : String.join(",", h.apps()), String.join(",", h.platforms()),
                        h.drained() ? "  (drained)" : "");
            }
            out.println("(* leads)");
        }
        out.flush();
        return hosts.stream().allMatch(h -> h.agent().equals("up")) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
