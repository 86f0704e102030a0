package dev.talent.fleet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test fleet on one machine: hosts {@code h1..hN} as network namespaces {@code tfleet-hK} on the bridge
 * {@link #BRIDGE} ({@link #SUBNET}; the machine is .1, host K is .(10+K)), distinct from talent run's talent0 and
 * 10.211.0.0/16. Everything else is under the lab's directory: {@code pki/}, {@code hosts/hK/} (etcd data, logs,
 * the host's fleet.conf), {@code run/} (pid files), {@code lab.json} and {@code fleet.conf} (the CLI's).
 */
public record LabLayout(Path dir, int hosts, List<String> talent) {
    public static final String BRIDGE = "tfleet0";
    public static final String SUBNET = "10.213.0.0/24";
    public static final String GATEWAY = "10.213.0.1";
    public static final String NETNS_PREFIX = "tfleet-";
    /**
     * The --net apps' bridge inside each host's namespace: no address, its port {@code uplink} a veth into
     * {@link #BRIDGE} (root end {@code tfleet-uK}), so an app's namespace on any host sits on the lab's segment, as a
     * real host's bridge enslaving its uplink would put it on the machine room's.
     */
    public static final String APP_BRIDGE = "tfapp0";
    /** The apps' addresses (the hosts are .11 up, the machine .1). */
    public static final String APP_RANGE = "10.213.0.128-10.213.0.254";
    /** The segment's IPv6 /64 (the machine holds ::1 on {@link #BRIDGE}); apart from talent run's fd74:616c:656e::/64. */
    public static final String APP_SUBNET6 = "fd74:616c:656e:213::/64";
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
     * The lab controllers' {@code --host-grace}: its supervisor restarts an agent within 2 s and the agent registers
     * again and adopts its apps within ~3.5 s on a loaded machine (FleetAppIT); a host whose agent stays gone longer
     * is lost.
     */
    public static final String HOST_GRACE = "8s";
    public static final int ETCD_CLIENT_PORT = 2379;
    public static final int ETCD_PEER_PORT = 2380;

    public LabLayout {
        dir = dir.toAbsolutePath().normalize();
        talent = List.copyOf(talent);
        if (hosts < 1 || hosts > MAX_HOSTS) throw new IllegalArgumentException("--hosts must be 1.." + MAX_HOSTS + ", not " + hosts);
    }

    public static String hostName(int k) { return "h" + k; }

    public static String netns(int k) { return NETNS_PREFIX + hostName(k); }

    /** The lab's segment for --net apps (fleet.conf's net.* lines of every host and of the CLI). */
    public static AppNetwork appNetwork() { return AppNetwork.of(APP_BRIDGE, SUBNET, GATEWAY, APP_RANGE, APP_SUBNET6); }

    public static String address(int k) { return "10.213.0." + (10 + k); }

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
