package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.HostStatus;
import dev.talent.fleet.Hosts;
import dev.talent.policy.PlatformFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "hosts", mixinStandardHelpOptions = true,
        footer = {"", "Exit status: 0 every agent is up, 1 some agent is not (named on stderr), 69 no fleet or etcd unreachable."},
        description = {"The fleet's hosts: address, platforms, agent health (up: its lease is held and it answers over mutual TLS),"
                + " apps, and which host's controller leads.",
                "Under each host: the facts its agent detected of its platforms (ISA, word size, byte order, C library and"
                        + " version; kernel and host name)."})
public final class HostsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--json", description = "An array of {name, address, platforms, agent, apps, leader, controller_pid, drained, facts}; facts: one"
            + " {platform, isa, word_bits, byte_order, libc, libc_version, kernel, host} per platform the agent could probe.") boolean json;

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
                String facts = shortFacts(h.facts());
                if (!facts.isEmpty()) out.println("         " + facts);
            }
            out.println("(* leads)");
        }
        out.flush();
        Optional<String> down = down(hosts);
        if (down.isEmpty()) return ExitCodes.OK;
        // the status says it: a script that checks it sees why too
        spec.commandLine().getErr().println("talent hosts: " + down.get());
        spec.commandLine().getErr().flush();
        return ExitCodes.FAILURE;
    }

    /** Why {@code talent hosts} exits 1: the hosts whose agent is not up; empty when every one is. */
    static Optional<String> down(List<HostStatus> hosts) {
        List<String> down = hosts.stream().filter(h -> !h.agent().equals("up")).map(h -> h.name() + " (" + h.agent() + ")").toList();
        if (down.isEmpty()) return Optional.empty();
        return Optional.of((down.size() == 1 ? "the agent of " : "the agents of ") + String.join(", ", down)
                + (down.size() == 1 ? " is" : " are") + " not up (its lease is gone or it does not answer over mutual TLS)");
    }

    /**
     * The facts of a host on one line: its host name and kernel when its platforms agree on them, then each platform's
     * ISA, word size and byte order, and C library: {@code tfh1, Linux 6.1.0: x86_64 (x86_64 64 le glibc-2.36), ...}.
     */
    static String shortFacts(List<PlatformFacts> facts) {
        if (facts.isEmpty()) return "";
        java.util.Set<String> hosts = new java.util.TreeSet<>(), kernels = new java.util.TreeSet<>();
        for (PlatformFacts f : facts) {
            hosts.add(f.host());
            kernels.add(f.kernel());
        }
        boolean one = hosts.size() == 1 && kernels.size() == 1;
        StringBuilder b = new StringBuilder();
        if (one) b.append(hosts.iterator().next()).append(", ").append(kernels.iterator().next()).append(": ");
        for (int i = 0; i < facts.size(); i++) {
            PlatformFacts f = facts.get(i);
            if (i > 0) b.append(", ");
            b.append(f.platform()).append(" (").append(f.isa()).append(' ').append(f.wordBits()).append(' ')
                    .append(f.byteOrder().equals("little") ? "le" : "be").append(' ').append(f.libcId());
            if (!one) b.append(", ").append(f.host()).append(' ').append(f.kernel());
            b.append(')');
        }
        return b.toString();
    }
}
