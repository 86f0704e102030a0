package dev.talent.container;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One container's network: a named network namespace ({@code /var/run/netns/<name>}, which runc joins through
 * the OCI config's {@code linux.namespaces} path) with {@code lo} and {@code eth0} (the app's address and MAC),
 * and the host end of eth0's veth pair, a port of the bridge. The port starts <em>down</em>: two containers of
 * one app (the running source and the prepared destination) hold the same address and MAC, and only the one
 * whose port is up is reachable. {@link #lock()} / {@link #unlock()} switch the port (the network lock of a
 * migration: nothing the peer sends gets in, nothing the stopping program sends gets out, so the peer only
 * retransmits). The port is guarded by an nftables table of the bridge family that drops every frame it sends
 * with another source MAC or IP address, and anything but IPv4, ARP and IPv6: defence in depth, since the program,
 * without capabilities, can change neither its addresses nor send raw frames (docs/SECURITY.md, "Network").
 */
public final class NetworkSlot implements AutoCloseable {

    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    /** The netfilter queue of the namespace that holds the app's packets during a migration (one app per namespace). */
    static final int HOLD_QUEUE = 0;

    private final String namespace;
    private final String hostPort;
    private final NetworkAttachment attachment;
    private volatile boolean closed;
    /** The helper keeping the app's packets from the lock to the unlock (a prepared destination), or null. */
    private TcpRepair.Holding holding;
    /** Whether {@link #hold()} pointed the bridge's entry of the app's MAC at this port (until the unlock or lock). */
    private boolean claimed;
    /** Whether {@link #dropNewConnections} put its rules in place (until {@link #acceptNewConnections()}). */
    private boolean dropsSyns;

    private NetworkSlot(String namespace, String hostPort, NetworkAttachment attachment) {
        this.namespace = namespace;
        this.hostPort = hostPort;
        this.attachment = attachment;
    }

    /** The namespace's name ({@code ip netns}) for a container of a state directory. */
    static String namespaceName(Path stateDir, String containerId) {
        String n = "talent-" + containerId;
        return n.length() > 100 ? n.substring(0, 100) + "-" + hash(stateDir, containerId).substring(0, 8)
                : n + "-" + hash(stateDir, containerId).substring(0, 8);
    }

    /** The host end's interface name (and the guard table's): {@code tn} + 12 hex digits. */
    static String portName(Path stateDir, String containerId) {
        return "tn" + hash(stateDir, containerId).substring(0, 12);
    }

    private static String hash(Path stateDir, String id) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates the namespace, the veth pair (host end down, on the bridge) and the port's guard. */
    static NetworkSlot create(Path stateDir, String containerId, NetworkAttachment a)
            throws ContainerException, IOException, InterruptedException {
        String ns = namespaceName(stateDir, containerId);
        String port = portName(stateDir, containerId);
        if (Files.exists(NETNS_DIR.resolve(ns)) || LinkControl.exists(port)) {
            throw new ContainerException("cannot give container " + containerId + " its network: namespace " + ns
                    + " or interface " + port + " exists (a run on this state directory that did not clean up?)");
        }
        NetworkSlot slot = new NetworkSlot(ns, port, a);
        try {
            NetworkConfig c = a.config();
            run(List.of("ip", "netns", "add", ns), "");
            if (HostBridge.ipv6()) {
                // no duplicate address detection on eth0 (set before it is made): its link-local address would be
                // tentative for a second each time a port comes up, and every container of the app holds its
                // addresses anyway
                run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0"), "");
            }
            run(List.of("ip", "-batch", "-"), String.join("\n",
                    "link add " + port + " type veth peer name eth0 netns " + ns,
                    "link set " + port + " master " + c.bridge()) + "\n");
            boolean v6 = HostBridge.ipv6();
            List<String> inside = new java.util.ArrayList<>(List.of(
                    "link set lo up",
                    "link set eth0 address " + a.address().mac(),
                    "addr add " + a.address() + "/" + c.prefix() + " dev eth0"));
            // nodad: every container of the app holds the same address (only one port is up), usable at once
            if (v6) inside.add("addr add " + c.address6(a.address()) + "/64 dev eth0 nodad");
            inside.add("link set eth0 up");
            inside.add("route add default via " + c.gateway());
            if (v6) inside.add("route add default via " + c.gateway6() + " dev eth0");
            run(List.of("ip", "-n", ns, "-batch", "-"), String.join("\n", inside) + "\n");
            run(List.of("nft", "-f", "-"), guard(port, a, v6));
            // the port is down already: this links the FFM calls now rather than in the first lock (tens of ms)
            LinkControl.setUp(port, false);
        } catch (NativeCallException e) {
            slot.close();
            throw new ContainerException("cannot set up the bridge port " + port + ": " + e.getMessage(), e);
        } catch (ContainerException | IOException | InterruptedException | RuntimeException e) {
            slot.close();
            throw e;
        }
        return slot;
    }

    /**
     * The nftables table that keeps the port from sending anything but the app's own MAC and IPv4 address (and,
     * with {@code v6}, its IPv6 address or its link-local one, which neighbour discovery uses).
     */
    static String guard(String port, NetworkAttachment a, boolean v6) {
        List<String> r = new java.util.ArrayList<>(List.of(
                "    iifname \"" + port + "\" ether saddr != " + a.address().mac() + " drop",
                "    iifname \"" + port + "\" ether type ip ip saddr != " + a.address() + " drop",
                "    iifname \"" + port + "\" ether type arp arp saddr ip != " + a.address() + " drop",
                "    iifname \"" + port + "\" ether type arp arp saddr ether != " + a.address().mac() + " drop"));
        if (v6) {
            r.add("    iifname \"" + port + "\" ether type ip6 ip6 saddr != { " + a.config().address6(a.address()) + ", "
                    + linkLocal(a.address()) + " } drop");
            r.add("    iifname \"" + port + "\" ether type != { ip, arp, ip6 } drop");
        } else {
            r.add("    iifname \"" + port + "\" ether type != { ip, arp } drop");
        }
        String rules = String.join("\n", r);
        return "table bridge " + port + " {\n"
                + "  chain guard_forward {\n    type filter hook forward priority 0; policy accept;\n" + rules + "\n  }\n"
                + "  chain guard_input {\n    type filter hook input priority 0; policy accept;\n" + rules + "\n  }\n"
                + "}\n";
    }

    /** eth0's link-local address: the EUI-64 of the app's MAC 02:54:a:b:c:d (the kernel's default). */
    static String linkLocal(Ipv4 address) {
        int v = address.value();
        return String.format("fe80::54:%xff:fe%02x:%x", (v >>> 24) & 0xff, (v >>> 16) & 0xff, v & 0xffff);
    }

    public String namespace() { return namespace; }

    /** The namespace's file, for the OCI config. */
    public Path namespacePath() { return NETNS_DIR.resolve(namespace); }

    public String hostPort() { return hostPort; }

    public NetworkAttachment attachment() { return attachment; }

    /**
     * Takes the port off the bridge's traffic (link down): the network lock. A slot that {@link #hold() held} gives
     * the app's MAC back to the bridge's learning first (a failure before the stop: the source's traffic again).
     */
    public void lock() throws ContainerException {
        boolean release;
        synchronized (this) {
            release = claimed;
            claimed = false;
        }
        if (release) {
            try {
                LinkControl.releaseMac(hostPort, mac());
            } catch (NativeCallException e) {
                throw new ContainerException("cannot release the app's MAC from " + hostPort + ": " + e.getMessage(), e);
            }
        }
        setPort(false);
    }

    private byte[] mac() { return mac(attachment.address()); }

    /** The MAC of the app's eth0 for {@code address}: 02:54 and its four bytes. */
    static byte[] mac(Ipv4 address) {
        int v = address.value();
        return new byte[] {0x02, 0x54, (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /**
     * Puts the port back into the bridge's traffic (link up). A slot that {@link #hold() held} the app's packets lets
     * them go on now, in the order they came, to the connections restored in it; its queue rules are removed in the
     * background afterwards (the helper passes packets meanwhile).
     */
    public void unlock() throws ContainerException {
        setPort(true);
        try {
            acceptNewConnections();
        } catch (IOException e) {
            throw new ContainerException("cannot let new connections into " + namespace + " again: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while letting new connections into " + namespace + " again", e);
        }
        TcpRepair.Holding h;
        boolean release;
        synchronized (this) {
            h = holding;
            holding = null;
            release = claimed;
            claimed = false;
        }
        if (h == null) return;
        h.release();
        Thread.ofPlatform().daemon().name("talent-unhold-" + hostPort).start(() -> {
            try {
                // the source's port is down by now: the bridge learns the MAC here again (a later destination's
                // claim has replaced the entry: then there is nothing to remove)
                if (release) LinkControl.releaseMac(hostPort, mac());
                for (List<String> rule : holdRules("-D")) run(rule, "");
            } catch (ContainerException | IOException e) {
                // the namespace is gone (the app moved on or ended): its rules with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                h.close();
            }
        });
    }

    /**
     * Makes this slot (a prepared destination, its port down) ready to {@link #hold()} its app's packets: the helper
     * bound to the namespace's netfilter queue, then rules that queue every IPv4 packet to the app's address (and
     * every IPv6 one but neighbour discovery, which the namespace answers itself). Undone by {@link #close()}.
     */
    public void prepareHold(TcpRepair tcp) throws ContainerException, IOException, InterruptedException {
        if (closed) throw new IllegalStateException("the network of " + namespace + " was removed");
        TcpRepair.Holding h = tcp.hold(namespacePath(), HOLD_QUEUE);
        try {
            for (List<String> rule : holdRules("-I")) run(rule, "");
        } catch (ContainerException | IOException | InterruptedException | RuntimeException e) {
            h.close();
            throw e;
        }
        synchronized (this) {
            holding = h;
        }
    }

    /** Whether {@link #prepareHold} made this slot ready to hold (and it has not been unlocked since). */
    public synchronized boolean holds() { return holding != null && holding.alive(); }

    /**
     * The network lock for a destination prepared to hold: its port comes up and the bridge's entry of the app's MAC
     * is pointed at it (static and sticky), so that what the peers send meanwhile is kept in its namespace, until
     * {@link #unlock()}, while the source's port can stay up for what the source still sends before it stops
     * ({@code talent-tcp take} brings that port down when it reads the source's connections). Nothing to do for a slot
     * that does not hold (its port stays down until the unlock). Returns whether the port came up.
     */
    public boolean hold() throws ContainerException {
        if (!holds()) return false;
        setPort(true);
        // the port forwards only once the link watch has run for it and for the bridge (talent-tcp.c does the same
        // at its unlock): until then what the peers send would be dropped, not held
        LinkControl.syncLink(hostPort);
        LinkControl.syncLink(attachment.config().bridge());
        // frames to the app come here even while the source still sends from its port (its answers go out; the
        // bridge would learn the MAC back there): the source's port stays up until its connections are taken
        try {
            LinkControl.claimMac(hostPort, mac());
        } catch (NativeCallException e) {
            setPort(false); // the traffic stays the source's
            throw new ContainerException("cannot point the app's MAC at " + hostPort + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            claimed = true;
        }
        return true;
    }

    /**
     * Before a source stops: the peers' new handshakes are dropped (an incoming SYN to the app's address, no answer, as
     * under the network lock: the peer sends it again after its retransmission timeout, to wherever the app is then)
     * while the handshakes already answered (SYN_RECV, request sockets of the kernel, which TCP repair cannot carry)
     * complete: their peers' final ACKs still come in, and each completed connection waits in its listener's accept
     * queue, which the runtime carries. Returns once the namespace holds no handshake in SYN_RECV ({@link Handshakes},
     * read in this process), or after {@code max} (a peer that never answers: its handshake is lost as before,
     * talent-container/README.md "SYN_RECV"), how many it still holds. Undone by {@link #acceptNewConnections()} and by {@link #unlock()}.
     */
    public int dropNewConnections(java.time.Duration max) throws ContainerException, IOException, InterruptedException {
        if (closed) throw new IllegalStateException("the network of " + namespace + " was removed");
        synchronized (this) {
            if (!dropsSyns) {
                dropsSyns = true; // before the rules: a failure half way is undone by acceptNewConnections
                for (List<String> rule : synRules("-I")) run(rule, "");
            }
        }
        return Handshakes.awaitNone(namespacePath(), max);
    }

    /** Undoes {@link #dropNewConnections}: new handshakes come in again. Idempotent. */
    public void acceptNewConnections() throws ContainerException, IOException, InterruptedException {
        synchronized (this) {
            if (!dropsSyns) return;
            dropsSyns = false;
            ContainerException failed = null;
            for (List<String> rule : synRules("-D")) {
                try {
                    run(rule, "");
                } catch (ContainerException e) {
                    // a rule the insertion did not get to
                    if (failed == null) failed = e;
                }
            }
            if (failed != null && !failed.getMessage().contains("does a matching rule exist")) throw failed;
        }
    }

    private List<List<String>> synRules(String how) {
        List<List<String>> rules = new java.util.ArrayList<>();
        rules.add(List.of("ip", "netns", "exec", namespace, "iptables", "-w", how, "INPUT", "-i", "eth0", "-d",
                attachment.address().toString(), "-p", "tcp", "--syn", "-j", "DROP"));
        if (HostBridge.ipv6()) {
            rules.add(List.of("ip", "netns", "exec", namespace, "ip6tables", "-w", how, "INPUT", "-i", "eth0", "-d",
                    attachment.config().address6(attachment.address()), "-p", "tcp", "--syn", "-j", "DROP"));
        }
        return rules;
    }

    private List<List<String>> holdRules(String how) {
        List<List<String>> rules = new java.util.ArrayList<>();
        // only what comes in on eth0: the give helper replays a half-closed connection's FIN to the app's own
        // address through loopback, and the restored socket must take it at once
        rules.add(List.of("ip", "netns", "exec", namespace, "iptables", "-w", how, "INPUT", "-i", "eth0", "-d",
                attachment.address().toString(), "-j", "NFQUEUE", "--queue-num", Integer.toString(HOLD_QUEUE)));
        if (HostBridge.ipv6()) {
            rules.add(List.of("ip", "netns", "exec", namespace, "ip6tables", "-w", how, "INPUT", "-i", "eth0", "-d",
                    attachment.config().address6(attachment.address()), "!", "-p", "ipv6-icmp", "-j", "NFQUEUE",
                    "--queue-num", Integer.toString(HOLD_QUEUE)));
        }
        return rules;
    }

    /**
     * Tells the segment where the app's address is now (a gratuitous ARP from eth0, {@link Announce}): after the port
     * of a namespace on another host of the segment came up (fleet {@code deploy --net}).
     */
    public void announce() throws ContainerException, InterruptedException {
        if (closed) throw new IllegalStateException("the network of " + namespace + " was removed");
        Announce.gratuitousArp(namespacePath(), attachment.address());
    }

    /**
     * Switches the port of the slot a container of this name has (one an earlier process made: an agent that
     * restarted adopts its containers); false when it has none.
     */
    static boolean setLeftoverPort(Path stateDir, String containerId, boolean up) throws ContainerException {
        String port = portName(stateDir, containerId);
        if (!LinkControl.exists(port)) return false;
        try {
            LinkControl.setUp(port, up);
        } catch (NativeCallException e) {
            throw new ContainerException("cannot " + (up ? "unlock" : "lock") + " the network of container " + containerId + ": "
                    + e.getMessage(), e);
        }
        return true;
    }

    /**
     * Ends what a killed process's {@link #hold()} left on the slot a container of this name has (an agent killed
     * between a destination's hold and its unlock; its successor adopted the container): the netfilter queue rules of
     * {@link #prepareHold} in the namespace, whose helper died with that process (without a listener the kernel drops
     * every packet the rules queue: the app's connections would stall for good), and the bridge entry that pointed the
     * app's MAC at the port ({@code mac}, 6 bytes). Nothing the dead helper kept was accepted: it was dropped and the
     * peers send it again. Idempotent; nothing to do for a slot that never held, or that is gone. Returns how many
     * queue rules it removed. Without {@code rules}, only the bridge entry (one netlink call: a lock's, in a downtime).
     */
    static int endLeftoverHold(Path stateDir, String containerId, byte[] mac, boolean rules)
            throws ContainerException, IOException, InterruptedException {
        Path ns = leftoverNamespace(stateDir, containerId);
        String port = portName(stateDir, containerId);
        if (LinkControl.exists(port)) {
            try {
                LinkControl.releaseMac(port, mac);
            } catch (NativeCallException e) {
                throw new ContainerException("cannot release the app's MAC from " + port + ": " + e.getMessage(), e);
            }
        }
        if (!rules || !Files.exists(ns)) return 0;
        int removed = 0;
        for (String tool : HostBridge.ipv6() ? List.of("iptables", "ip6tables") : List.of("iptables")) {
            CapturedRun listed = ProcessRunner.capture(List.of("ip", "netns", "exec", ns.getFileName().toString(), tool, "-w", "-S", "INPUT"),
                    EnvironmentChange.NONE, null);
            if (listed.exitCode() != 0) {
                throw new ContainerException("cannot list the netfilter rules of " + ns.getFileName() + ": " + listed.stderr().strip());
            }
            for (List<String> rule : leftoverHoldRules(listed.stdout())) {
                List<String> del = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.getFileName().toString(), tool, "-w", "-D"));
                del.addAll(rule);
                run(del, "");
                removed++;
            }
        }
        return removed;
    }

    /**
     * The hold rules among {@code iptables -S INPUT}'s lines ({@code -A INPUT ... -j NFQUEUE --queue-num 0}), each as
     * the arguments that delete it after {@code -D} (the chain first); nothing else.
     */
    static List<List<String>> leftoverHoldRules(String listed) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (String line : listed.split("\n", -1)) {
            List<String> words = List.of(line.strip().split("\\s+"));
            if (words.size() < 3 || !words.get(0).equals("-A") || !words.get(1).equals("INPUT")) continue;
            int j = words.indexOf("-j");
            if (j < 0) continue;
            List<String> target = words.subList(j, words.size());
            // queue 0 is the default: some iptables versions do not print its number
            if (target.equals(List.of("-j", "NFQUEUE", "--queue-num", Integer.toString(HOLD_QUEUE)))
                    || target.equals(List.of("-j", "NFQUEUE"))) {
                out.add(words.subList(1, words.size()));
            }
        }
        return out;
    }

    /**
     * The rules of {@link #dropNewConnections} among {@code iptables -S INPUT}'s lines ({@code -A INPUT ... -i eth0 -p tcp
     * -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP}), each as the arguments that delete it after {@code -D}; nothing
     * else. For the successor of an agent killed between its drop and the source's stop, which lets new handshakes in
     * again when the migration's caller asks ({@link #endLeftoverSynDrop}).
     */
    static List<List<String>> leftoverSynRules(String listed) {
        List<List<String>> out = new java.util.ArrayList<>();
        for (String line : listed.split("\n", -1)) {
            List<String> words = List.of(line.strip().split("\\s+"));
            if (words.size() < 4 || !words.get(0).equals("-A") || !words.get(1).equals("INPUT")) continue;
            if (!words.subList(words.size() - 2, words.size()).equals(List.of("-j", "DROP")) || words.indexOf("-j") != words.size() - 2)
                continue;
            if (java.util.Collections.indexOfSubList(words, List.of("-i", "eth0")) < 0
                    || java.util.Collections.indexOfSubList(words, List.of("-p", "tcp")) < 0
                    || java.util.Collections.indexOfSubList(words, List.of("--tcp-flags", "FIN,SYN,RST,ACK", "SYN")) < 0)
                continue;
            out.add(words.subList(1, words.size()));
        }
        return out;
    }

    /**
     * Removes the rules dropping new handshakes ({@link #dropNewConnections}) that a killed agent left in the namespace
     * of the leftover container {@code containerId}; returns how many (none when it has no namespace here).
     */
    static int endLeftoverSynDrop(Path stateDir, String containerId) throws ContainerException, IOException, InterruptedException {
        Path ns = leftoverNamespace(stateDir, containerId);
        if (!Files.exists(ns)) return 0;
        int removed = 0;
        for (String tool : HostBridge.ipv6() ? List.of("iptables", "ip6tables") : List.of("iptables")) {
            CapturedRun listed = ProcessRunner.capture(List.of("ip", "netns", "exec", ns.getFileName().toString(), tool, "-w", "-S", "INPUT"),
                    EnvironmentChange.NONE, null);
            if (listed.exitCode() != 0) {
                throw new ContainerException("cannot list the netfilter rules of " + ns.getFileName() + ": " + listed.stderr().strip());
            }
            for (List<String> rule : leftoverSynRules(listed.stdout())) {
                List<String> del = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.getFileName().toString(), tool, "-w", "-D"));
                del.addAll(rule);
                run(del, "");
                removed++;
            }
        }
        return removed;
    }

    /** The namespace file of the slot a container of this name has (it may not exist). */
    static Path leftoverNamespace(Path stateDir, String containerId) {
        return NETNS_DIR.resolve(namespaceName(stateDir, containerId));
    }

    private void setPort(boolean up) throws ContainerException {
        if (closed) throw new IllegalStateException("the network of " + namespace + " was removed");
        try {
            LinkControl.setUp(hostPort, up);
        } catch (NativeCallException e) {
            throw new ContainerException("cannot " + (up ? "unlock" : "lock") + " the network of " + namespace + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the guard and the namespace (which takes the veth pair with it). Idempotent. */
    @Override
    public void close() throws ContainerException, IOException {
        if (closed) return;
        closed = true;
        TcpRepair.Holding h;
        synchronized (this) {
            h = holding;
            holding = null;
        }
        if (h != null) h.close();
        try {
            remove(namespace, hostPort);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while removing " + this, e);
        }
    }

    /** Removes what a slot of this name left behind, if anything (a killed run's leftovers). */
    static void removeLeftover(Path stateDir, String containerId) throws ContainerException, IOException, InterruptedException {
        if (!Files.exists(NETNS_DIR.resolve(namespaceName(stateDir, containerId)))
                && !LinkControl.exists(portName(stateDir, containerId))) return;
        remove(namespaceName(stateDir, containerId), portName(stateDir, containerId));
    }

    private static void remove(String ns, String port) throws ContainerException, IOException, InterruptedException {
        ContainerException failed = null;
        if (LinkControl.exists(port)) {
            // normally gone with the namespace; taken down first so that nothing is forwarded meanwhile. Asked in this
            // process's namespace (LinkControl), not through /sys/class/net: a fleet agent runs in its host's namespace
            // under the machine's /sys, where the port is never seen, so a port whose namespace outlived `ip netns del`
            // (another mount namespace still held it) was left on the bridge and the next container of that id on the
            // host failed to get its network ("RTNETLINK answers: File exists", FleetAgentKillIT)
            CapturedRun r = ProcessRunner.capture(List.of("ip", "link", "del", port), EnvironmentChange.NONE, null);
            if (r.exitCode() != 0 && LinkControl.exists(port)) {
                failed = new ContainerException("cannot remove interface " + port + ": " + r.stderr().strip());
            }
        }
        CapturedRun t = ProcessRunner.capture(List.of("nft", "delete", "table", "bridge", port), EnvironmentChange.NONE, null);
        if (t.exitCode() != 0 && !t.stderr().contains("No such file")) {
            failed = new ContainerException("cannot remove the nftables table bridge " + port + ": " + t.stderr().strip());
        }
        if (Files.exists(NETNS_DIR.resolve(ns))) {
            CapturedRun r = ProcessRunner.capture(List.of("ip", "netns", "del", ns), EnvironmentChange.NONE, null);
            if (r.exitCode() != 0) failed = new ContainerException("cannot remove network namespace " + ns + ": " + r.stderr().strip());
        }
        if (failed != null) throw failed;
    }

    private static void run(List<String> command, String stdin) throws ContainerException, IOException, InterruptedException {
        Path input = null;
        try {
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
            if (!stdin.isEmpty()) {
                input = Files.createTempFile("talent-net", ".txt");
                Files.writeString(input, stdin);
                b.redirectInput(input.toFile());
            } else {
                b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p;
            try {
                p = b.start();
            } catch (IOException e) {
                throw new ContainerException("talent run --net needs the '" + command.getFirst() + "' command (Debian package "
                        + (command.getFirst().equals("nft") ? "nftables" : "iproute2") + "): " + e.getMessage(), e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0) {
                throw new ContainerException(String.join(" ", command) + " failed (exit status " + status + "): " + out.strip()
                        + (stdin.isEmpty() ? "" : "\ninput:\n" + stdin));
            }
        } finally {
            if (input != null) Files.deleteIfExists(input);
        }
    }

    @Override
    public String toString() { return "network " + namespace + " (" + attachment.address() + ", port " + hostPort + ")"; }
}
