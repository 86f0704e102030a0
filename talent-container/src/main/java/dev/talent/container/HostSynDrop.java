package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * New TCP handshakes to the listeners of a program on the host's network dropped while it stops and moves (a source
 * about to stop, {@code talent run} without {@code --net}): an nftables table of the host's own ({@code inet} family,
 * hook input, which loopback traffic passes too) drops each incoming SYN to a listener's address and port, nothing
 * else. The peer gets no answer and sends its SYN again after its retransmission timeout (1 s, then 3 s...), to the
 * copy that listens by then: a delay, where the listener closing with the source answers with a reset (refused) and
 * resets whatever its queues still held (talent-container/README.md, "SYN_RECV"). Removed by {@link #remove()}
 * (idempotent) once the copy listens, or when the source goes on.
 */
public final class HostSynDrop {
    private final String table;
    private boolean open = true;

    private HostSynDrop(String table) { this.table = table; }

    /**
     * Drops new handshakes to {@code listeners} until {@link #remove()}; {@code table} names the nftables table (letters,
     * digits and underscores, unique on the host: one per program).
     */
    public static HostSynDrop install(String table, List<HostListeners.Listener> listeners)
            throws ContainerException, InterruptedException {
        if (!table.matches("[a-z][a-z0-9_]{0,40}")) throw new IllegalArgumentException("table name " + table);
        if (listeners.isEmpty()) throw new IllegalArgumentException("no listener");
        nft(List.of("-f", "-"), rules(table, listeners), "cannot drop new connections to the program's listeners");
        return new HostSynDrop(table);
    }

    /**
     * The table's text: one rule per listener, matching a SYN without ACK to its port, and its address unless it listens
     * on all (an IPv6 wildcard takes IPv4 too, as a dual-stack listener does).
     */
    static String rules(String table, List<HostListeners.Listener> listeners) {
        StringBuilder b = new StringBuilder("table inet ").append(table).append(" {\n  chain input {\n")
                .append("    type filter hook input priority 0; policy accept;\n");
        for (HostListeners.Listener l : listeners) {
            b.append("    ");
            if (l.address() instanceof Inet4Address a) {
                b.append(a.isAnyLocalAddress() ? "meta nfproto ipv4 " : "ip daddr " + a.getHostAddress() + " ");
            } else if (l.address() instanceof Inet6Address a && !a.isAnyLocalAddress()) {
                b.append("ip6 daddr ").append(a.getHostAddress().replaceAll("%.*", "")).append(' ');
            }
            b.append("tcp dport ").append(l.port()).append(" tcp flags & (syn | ack) == syn drop\n");
        }
        return b.append("  }\n}\n").toString();
    }

    /** New handshakes come in again. Idempotent. */
    public synchronized void remove() throws ContainerException, InterruptedException {
        if (!open) return;
        nft(List.of("delete", "table", "inet", table), "", "cannot let new connections in again (nft table " + table + ")");
        open = false;
    }

    private static void nft(List<String> args, String input, String what) throws ContainerException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add("nft");
        command.addAll(args);
        CapturedRun r;
        Path in = null;
        try {
            if (!input.isEmpty()) {
                in = Files.createTempFile("talent-syn", ".nft");
                Files.writeString(in, input);
                command.set(command.size() - 1, in.toString());
            }
            r = ProcessRunner.capture(command, EnvironmentChange.NONE, null);
        } catch (IOException e) {
            throw new ContainerException(what + ": " + e.getMessage(), e);
        } finally {
            if (in != null) {
                try {
                    Files.deleteIfExists(in);
                } catch (IOException ignored) {
                    // a temporary file of a few hundred bytes
                }
            }
        }
        if (r.exitCode() != 0) throw new ContainerException(what + ": " + r.stderr().strip());
    }
}
