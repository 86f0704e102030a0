package dev.talent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether this machine can run the network step of {@code talent demo} ({@code talent run --net}): root (network
 * namespaces, the bridge, TCP repair), runc, iproute2's {@code ip} and nftables' {@code nft}. When it cannot, says
 * precisely what is missing and how to get it.
 */
public final class DemoNetworkCheck {

    /** What the check looks at; {@link #ofHost()} reads this machine. */
    public record Facts(int uid, boolean runc, boolean ip, boolean nft) {}

    private DemoNetworkCheck() {}

    /** What is missing, in words, or empty when the step can run. */
    public static Optional<String> missing(Facts facts) {
        List<String> needs = new ArrayList<>();
        List<String> packages = new ArrayList<>();
        if (!facts.runc()) packages.add("runc");
        if (!facts.ip()) packages.add("iproute2");
        if (!facts.nft()) packages.add("nftables");
        if (facts.uid() != 0) {
            needs.add("root (network namespaces, a bridge and TCP repair need it; this is uid "
                    + (facts.uid() < 0 ? "unknown" : Integer.toString(facts.uid())) + ")");
        }
        if (!packages.isEmpty()) needs.add("apt-get install " + String.join(" ", packages));
        return needs.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", needs));
    }

    /** This machine's facts: its effective uid from /proc/self/status, runc, and ip and nft on the PATH. */
    public static Facts ofHost() {
        return new Facts(effectiveUid(), dev.talent.container.Runc.find().isPresent(), onPath("ip"), onPath("nft"));
    }

    private static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).strip().split("\\s+", -1);
                    return f.length > 1 ? Integer.parseInt(f[1]) : -1;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(":", -1)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
