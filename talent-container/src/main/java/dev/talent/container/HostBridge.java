package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host bridge of {@code talent run --net}: created when missing (a Linux bridge, STP off, holding the gateway
 * address and, when the host has IPv6, the IPv6 gateway address, up) and left in place when the run ends, since other runs may use it; {@code ip link del NAME}
 * removes it. The host reaches every app at its address through it; routing other machines to the subnet (IP
 * forwarding, NAT) is the operator's choice, talent changes no sysctl and no firewall rule outside its own tables.
 */
public final class HostBridge {

    private HostBridge() {}

    /** Makes sure the bridge of {@code config} exists, holds the gateway address and is up. */
    public static void ensure(NetworkConfig config) throws ContainerException, IOException, InterruptedException {
        Path sys = Path.of("/sys/class/net", config.bridge());
        if (!Files.exists(sys)) {
            CapturedRun add = ip("link", "add", config.bridge(), "type", "bridge");
            // another run may have created it meanwhile
            if (add.exitCode() != 0 && !Files.exists(sys)) {
                throw new ContainerException("cannot create the bridge " + config.bridge() + ": " + add.stderr().strip());
            }
        }
        if (!Files.isDirectory(sys.resolve("bridge"))) {
            throw new ContainerException("interface " + config.bridge() + " exists and is not a bridge; choose another name"
                    + " (talent run --bridge NAME)");
        }
        pinAddress(config.bridge(), sys);
        String wanted = config.gateway() + "/" + config.prefix();
        CapturedRun show = ip("-4", "-o", "addr", "show", "dev", config.bridge());
        if (show.exitCode() != 0) {
            throw new ContainerException("cannot read the addresses of " + config.bridge() + ": " + show.stderr().strip());
        }
        if (!show.stdout().contains(" " + wanted + " ")) {
            CapturedRun addr = ip("addr", "add", wanted, "dev", config.bridge());
            if (addr.exitCode() != 0 && !addr.stderr().contains("File exists")) {
                throw new ContainerException("cannot give the bridge " + config.bridge() + " the gateway address " + wanted
                        + ": " + addr.stderr().strip());
            }
        }
        if (ipv6()) {
            String wanted6 = config.gateway6() + "/64";
            CapturedRun show6 = ip("-6", "-o", "addr", "show", "dev", config.bridge());
            if (show6.exitCode() != 0 || !show6.stdout().contains(" " + wanted6 + " ")) {
                // nodad: the address is usable at once (no duplicate detection: the prefix is talent's own)
                CapturedRun addr = ip("addr", "add", wanted6, "dev", config.bridge(), "nodad");
                if (addr.exitCode() != 0 && !addr.stderr().contains("File exists")) {
                    throw new ContainerException("cannot give the bridge " + config.bridge() + " the IPv6 gateway address "
                            + wanted6 + ": " + addr.stderr().strip());
                }
            }
        }
        CapturedRun up = ip("link", "set", config.bridge(), "up");
        if (up.exitCode() != 0) throw new ContainerException("cannot bring the bridge " + config.bridge() + " up: " + up.stderr().strip());
    }

    /**
     * Gives the bridge a MAC address of its own, set explicitly. A bridge without one takes the lowest MAC of its
     * ports and changes it when that port goes: removing the source container's port at the end of a migration
     * then changed the gateway's MAC under the app, whose neighbour entry still held the old one, so that what the
     * app sent to the host (a SYN sent again for a connect in progress, a new connection) was dropped by the
     * bridge until that entry was probed again. The current address is kept when there is one.
     */
    private static void pinAddress(String bridge, Path sys) throws ContainerException, IOException, InterruptedException {
        String type = Files.readString(sys.resolve("addr_assign_type")).strip();
        if (type.equals("3")) return;                                   // NET_ADDR_SET
        String mac = Files.readString(sys.resolve("address")).strip();
        if (mac.equals("00:00:00:00:00:00") || mac.isEmpty()) {
            byte[] b = new byte[6];
            new java.security.SecureRandom().nextBytes(b);
            b[0] = (byte) ((b[0] & 0xFC) | 0x02);                        // locally administered, unicast
            mac = java.util.HexFormat.ofDelimiter(":").formatHex(b);
        }
        CapturedRun set = ip("link", "set", bridge, "address", mac);
        if (set.exitCode() != 0) {
            throw new ContainerException("cannot give the bridge " + bridge + " a fixed MAC address: " + set.stderr().strip());
        }
    }

    /**
     * Whether this process's network namespace has a bridge {@code name} (asked with {@code ip}, not through
     * /sys/class/net, which shows the namespace of whoever mounted /sys: a fleet agent runs in its host's
     * namespace under the machine's /sys).
     */
    public static boolean isBridge(String name) throws ContainerException, IOException, InterruptedException {
        CapturedRun r = ip("-o", "link", "show", "dev", name, "type", "bridge");
        return r.exitCode() == 0 && !r.stdout().isBlank();
    }

    /**
     * Claims the bridge {@code name} for a run that made it for itself (a demo, a benchmark): when it did not exist
     * before, {@link Made#close} removes it again, and so does a shutdown hook if the JVM ends first (Ctrl-C); a bridge
     * that existed is left alone. It is removed only while no port is attached to it (another run that came to use it
     * meanwhile keeps it).
     */
    public static Made madeFor(String name) throws ContainerException, IOException, InterruptedException {
        CapturedRun show = ip("-o", "link", "show", "dev", name);
        return new Made(name, show.exitCode() != 0);
    }

    /** See {@link #madeFor}. */
    public static final class Made implements AutoCloseable {
        private final String name;
        private final Thread hook;

        private Made(String name, boolean removeAtEnd) {
            this.name = name;
            // at a Ctrl-C the container host's own hook removes the ports meanwhile: wait for them a little
            this.hook = removeAtEnd ? new Thread(() -> removeIfUnused(50), "talent-bridge-" + name) : null;
            if (hook != null) Runtime.getRuntime().addShutdownHook(hook);
        }

        /** Whether the bridge did not exist when claimed (and is removed at the end). */
        public boolean removedAtEnd() { return hook != null; }

        @Override
        public void close() {
            if (hook == null) return;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return;                                                 // the hook runs
            }
            removeIfUnused(1);
        }

        private void removeIfUnused(int tries) {
            try {
                for (int i = 0; i < tries; i++) {
                    if (i > 0) Thread.sleep(100);
                    CapturedRun ports = ip("-o", "link", "show", "master", name);
                    if (ports.exitCode() != 0) return;                  // gone already
                    if (ports.stdout().isBlank()) {
                        ip("link", "del", name, "type", "bridge");
                        return;
                    }
                }
            } catch (ContainerException | IOException e) {
                // ip missing or failing: the bridge stays (ip link del removes it)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the host has IPv6 (the apps then get an IPv6 address too; otherwise IPv4 only). */
    public static boolean ipv6() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6")).strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static CapturedRun ip(String... args) throws ContainerException, IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            return ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("error=2")) {
                throw new ContainerException("talent run --net needs the 'ip' command (Debian package iproute2)", e);
            }
            throw e;
        }
    }
}
