package dev.talent.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Attaches the host's network state (links, addresses, routes, neighbours, bridge ports, nftables ruleset, network
 * namespaces) to a failing test of apps on a bridge: a peer that cannot reach an app ("No route to host", no reply) is
 * told apart from the app's own failure by what was there at that moment, on a CI machine that is gone afterwards.
 */
final class NetworkStateOnFailure implements TestExecutionExceptionHandler {
    private static final List<List<String>> COMMANDS = List.of(List.of("ip", "-br", "link"), List.of("ip", "-br", "addr"),
            List.of("ip", "route"), List.of("ip", "neigh"), List.of("bridge", "link"), List.of("ip", "netns", "list"),
            List.of("nft", "list", "ruleset"), List.of("runc", "list"), List.of("date", "+%T.%N"));

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        thrown.addSuppressed(new AssertionError("the host's network when " + context.getDisplayName() + " failed:\n" + dump()));
        throw thrown;
    }

    static String dump() {
        StringBuilder b = new StringBuilder();
        for (List<String> c : COMMANDS) {
            b.append("$ ").append(String.join(" ", c)).append('\n');
            try {
                ProcessResult r = Processes.run(c, Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(20));
                b.append(r.stdoutText().indent(2));
                if (r.exitCode() != 0) b.append("  (exit ").append(r.exitCode()).append(")\n");
            } catch (RuntimeException | AssertionError e) {
                b.append("  (").append(e.getMessage()).append(")\n");
            }
        }
        return b.toString();
    }
}
