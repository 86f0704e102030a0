package dev.talent.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test fleet on one machine: hosts {@code h1..hN} as network namespaces on a bridge of their own. A machine holds
 * up to {@link #MAX_LABS} labs side by side, told apart by their {@code index} (chosen by {@code lab up}: the first
 * whose names are all free): lab 0 has the bridge {@code tfleet0}, namespaces {@code tfleet-hK} and 10.213.0.0/24
 * (the machine is .1, host K is .(10+K)); lab I &gt; 0 has {@code tfleetI}, {@code tfleetI-hK} and 10.213.I.0/24.
 * All are apart from talent run's talent0 and 10.211.0.0/16. Everything else is under the lab's directory:
 * {@code pki/}, {@code hosts/hK/} (etcd data, logs, the host's fleet.conf), {@code run/} (pid files), {@code lab.json}
 * (this record) and {@code fleet.conf} (the CLI's). {@code protocols}: the hosts whose agents are capped at an older
 * protocol version ({@code lab up --protocol h2=3}: {@code talent agent --protocol 3} on h2); the others speak this
 * release's newest.
 */
public record LabLayout(Path dir, int hosts, List<String> talent, int index, java.util.Map<String, Integer> protocols) {
    /** How many labs one machine holds (indexes 0..MAX_LABS-1). */
    public static final int MAX_LABS = 10;
    /** The start of every lab's namespace and link names (what {@code lab down} without a lab lists). */
    public static final String NAME_STEM = "tfleet";
    public static final String APP_BRIDGE = "tfapp0";
    public static final int MAX_HOSTS = 50;
    public static final int AGENT_PORT = 7443;
    /** Each lab controller's HTTPS alerts endpoint ({@code talent controller --alerts ADDR:7444}). */
    public static final int ALERTS_PORT = 7444;
    /**
     * Each lab agent's and controller's Prometheus endpoint ({@code --metrics 127.0.0.1:PORT}): on the loopback of the
     * host's namespace (plain HTTP without authentication is reached only from inside it:
     * {@code ip netns exec tfleet-h1 curl http://127.0.0.1:9465/metrics}).
     */
    public static final int AGENT_METRICS_PORT = 9465;
    public static final int CONTROLLER_METRICS_PORT = 9466;
    /**
     * The lab controllers' {@code --host-grace}: its supervisor restarts an agent within 2 s, and on a loaded 2-core
     * machine the agent took up to 10.5 s to register again and adopt its apps after a kill -9 (FleetAppIT); a host
     * whose agent stays gone longer is lost.
     */
    public static final String HOST_GRACE = "20s";
    /**
     * The lab controllers' {@code --restart-grace}: an agent stopped with SIGTERM says so; on CI's loaded 2-core machine
     * the next one took 11 s to register (stop 50's FleetAppIT, against a host grace of 8 s then).
     */
    public static final String RESTART_GRACE = "60s";
    public static final int ETCD_CLIENT_PORT = 2379;
    public static final int ETCD_PEER_PORT = 2380;

    public LabLayout {
        dir = dir.toAbsolutePath().normalize();
        talent = List.copyOf(talent);
        if (hosts < 1 || hosts > MAX_HOSTS) throw new IllegalArgumentException("--hosts must be 1.." + MAX_HOSTS + ", not " + hosts);
        if (index < 0 || index >= MAX_LABS) throw new IllegalArgumentException("a lab's index is 0.." + (MAX_LABS - 1) + ", not " + index);
        protocols = protocols == null ? java.util.Map.of() : java.util.Map.copyOf(protocols);
        for (var e : protocols.entrySet()) {
            if (java.util.stream.IntStream.rangeClosed(1, hosts).mapToObj(LabLayout::hostName).noneMatch(e.getKey()::equals)) throw new IllegalArgumentException("--protocol: no host " + e.getKey() + " in a lab of " + hosts);
            if (e.getValue() < Protocol.OLDEST || e.getValue() > Protocol.CURRENT)
                throw new IllegalArgumentException("--protocol " + e.getKey() + "=" + e.getValue() + ": this talent speaks "
                        + Protocol.OLDEST + " to " + Protocol.CURRENT);
        }
    }

    public LabLayout(Path dir, int hosts, List<String> talent, int index) {
        this(dir, hosts, talent, index, java.util.Map.of());
    }

    /** Lab 0 (a lab.json written before labs had indexes reads as lab 0). */
    public LabLayout(Path dir, int hosts, List<String> talent) {
        this(dir, hosts, talent, 0);
    }

    public static String hostName(int k) { return "h" + k; }

    /** The lab's bridge on the machine: {@code tfleet0} for lab 0, {@code tfleetI} for lab I. */
    public String bridge() { return NAME_STEM + index; }

    /** What every namespace and veth of the lab is named with: {@code tfleet-} for lab 0, {@code tfleetI-} for lab I. */
    public String namePrefix() { return index == 0 ? NAME_STEM + "-" : NAME_STEM + index + "-"; }

    /** Whether {@code name} (a namespace or link) is this lab's. */
    public boolean owns(String name) { return name.equals(bridge()) || name.startsWith(namePrefix()); }

    public String netns(int k) { return namePrefix() + hostName(k); }

    /** The root ends of host K's two veths (its eth0 and its apps' uplink) and their peers before they move in. */
    public String hostLink(int k) { return namePrefix() + "h" + k; }

    public String hostLinkPeer(int k) { return namePrefix() + "p" + k; }

    public String uplink(int k) { return namePrefix() + "u" + k; }

    public String uplinkPeer(int k) { return namePrefix() + "v" + k; }

    public String subnet() { return "10.213." + index + ".0/24"; }

    public String gateway() { return "10.213." + index + ".1"; }

    /** The apps' addresses (the hosts are .11 up, the machine .1). */
    public String appRange() { return "10.213." + index + ".128-10.213." + index + ".254"; }

    /** The segment's IPv6 /64 (the machine holds ::1 on the bridge); apart from talent run's fd74:616c:656e::/64. */
    public String appSubnet6() { return "fd74:616c:656e:213" + (index == 0 ? "" : Integer.toString(index)) + "::/64"; }

    /** The lab's segment for --net apps (fleet.conf's net.* lines of every host and of the CLI). */
    public AppNetwork appNetwork() { return AppNetwork.of(APP_BRIDGE, subnet(), gateway(), appRange(), appSubnet6()); }

    public String address(int k) { return "10.213." + index + "." + (10 + k); }

    /** The etcd members: the first min(3, N) hosts. */
    public int etcdMembers() { return Math.min(3, hosts); }

    public Path pki() { return dir.resolve("pki"); }

    public Path hostDir(int k) { return dir.resolve("hosts").resolve(hostName(k)); }

    public Path hostConf(int k) { return hostDir(k).resolve("fleet.conf"); }

    public Path fleetConf() { return dir.resolve("fleet.conf"); }

    public Path runDir() { return dir.resolve("run"); }

    public Path labJson() { return dir.resolve("lab.json"); }

    /** The controllers' policy ({@code lab up --policy}): each is started with {@code --policy} this file when it exists. */
    public Path policy() { return dir.resolve("policy.toml"); }

    public Path supervisorLog() { return dir.resolve("supervisor.log"); }

    public Path supervisorPid() { return runDir().resolve("supervisor.pid"); }

    public List<java.net.URI> etcdEndpoints() {
        List<java.net.URI> out = new ArrayList<>();
        for (int k = 1; k <= etcdMembers(); k++) out.add(java.net.URI.create("https://" + address(k) + ":" + ETCD_CLIENT_PORT));
        return out;
    }

    public String initialCluster() {
        List<String> members = new ArrayList<>();
        for (int k = 1; k <= etcdMembers(); k++) members.add(hostName(k) + "=https://" + address(k) + ":" + ETCD_PEER_PORT);
        return String.join(",", members);
    }
}
