package dev.talent.fleet;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fleet's hosts as etcd and their agents tell them: a host's agent is {@code up} when its lease key is present
 * and it answers Ping over mutual TLS with the caller's certificate, {@code down} otherwise.
 */
public final class Hosts {
    private static final Duration PING = Duration.ofSeconds(2);

    private Hosts() {}

    public static List<HostStatus> list(FleetConfig config) throws FleetException, InterruptedException {
        try (Etcd etcd = Etcd.connect(config)) {
            return list(etcd, config.tls());
        }
    }

    static List<HostStatus> list(Etcd etcd, TlsFiles tls) throws FleetException, InterruptedException {
        Map<String, Records.HostInfo> hosts = new TreeMap<>(Hosts::byNumber);
        java.util.Set<String> drained = new java.util.HashSet<>();
        for (KeyValue kv : etcd.list(EtcdKeys.HOSTS)) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            if (key.endsWith("/drained")) drained.add(Etcd.decode(kv, Records.Drained.class).host());
            if (!key.endsWith("/info")) continue;
            Records.HostInfo h = Etcd.decode(kv, Records.HostInfo.class);
            hosts.put(h.name(), h);
        }
        Map<String, Records.AgentAlive> alive = new HashMap<>();
        for (KeyValue kv : etcd.list(EtcdKeys.AGENTS)) {
            Records.AgentAlive a = Etcd.decode(kv, Records.AgentAlive.class);
            alive.put(a.name(), a);
        }
        Map<String, Long> controllers = new HashMap<>();
        for (KeyValue kv : etcd.list(EtcdKeys.CONTROLLERS)) {
            Records.ControllerRecord c = Etcd.decode(kv, Records.ControllerRecord.class);
            controllers.put(c.host(), c.pid());
        }
        Map<String, List<String>> apps = new HashMap<>();
        for (KeyValue kv : etcd.list(EtcdKeys.PLACEMENT)) {
            Records.Placement p = Etcd.decode(kv, Records.Placement.class);
            apps.computeIfAbsent(p.host(), k -> new ArrayList<>()).add(p.app());
        }
        Optional<Records.ControllerRecord> leader = leader(etcd);
        // the agents are asked at once (one virtual thread each): a fleet of down agents costs one Ping timeout
        Map<String, java.util.concurrent.Future<Boolean>> answers = new HashMap<>();
        List<HostStatus> out = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Records.HostInfo h : hosts.values()) {
                if (!alive.containsKey(h.name())) continue;
                answers.put(h.name(), pool.submit(() -> {
                    try {
                        return AgentRpc.ping(tls, h.address(), h.port(), "cli", PING).name().equals(h.name());
                    } catch (FleetException e) {
                        return false;
                    }
                }));
            }
            for (Records.HostInfo h : hosts.values()) {
                boolean up = false;
                var answer = answers.get(h.name());
                if (answer != null) {
                    try {
                        up = answer.get();
                    } catch (ExecutionException e) {
                        up = false;
                    }
                }
                boolean leads = leader.isPresent() && leader.get().host().equals(h.name());
                out.add(new HostStatus(h.name(), h.address(), h.platforms(), up ? "up" : "down",
                        apps.getOrDefault(h.name(), List.of()).stream().sorted().toList(), leads, controllers.get(h.name()),
                        drained.contains(h.name()), h.facts()));
            }
        }
        return out;
    }

    /** The leading controller as etcd's election says, if any. */
    public static Optional<Records.ControllerRecord> leader(Etcd etcd) throws FleetException, InterruptedException {
        LeaderResponse r;
        try {
            r = etcd.client().getElectionClient().leader(Etcd.bytes(EtcdKeys.ELECTION)).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NoLeaderException) return Optional.empty();
            throw new FleetException("etcd: election leader failed: " + FleetException.reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new FleetException("etcd: election leader did not answer within 5 s", e);
        }
        if (r.getKv() == null) return Optional.empty();
        return Optional.of(Etcd.decode(r.getKv(), Records.ControllerRecord.class));
    }

    /** h2 before h10: names compared by their number when both end in one. */
    static int byNumber(String a, String b) {
        String pa = a.replaceAll("[0-9]+$", ""), pb = b.replaceAll("[0-9]+$", "");
        if (pa.equals(pb) && a.length() > pa.length() && b.length() > pb.length() && a.length() - pa.length() < 10 && b.length() - pb.length() < 10)
            return Long.compare(Long.parseLong(a.substring(pa.length())), Long.parseLong(b.substring(pb.length())));
        return a.compareTo(b);
    }

    /** The record {@code /talent/hosts/NAME/info} of {@code host}, if etcd has one. */
    public static Optional<Records.HostInfo> info(Etcd etcd, String host) throws FleetException, InterruptedException {
        for (KeyValue kv : etcd.list(EtcdKeys.hostInfo(host))) {
            if (kv.getKey().toString(StandardCharsets.UTF_8).equals(EtcdKeys.hostInfo(host))) return Optional.of(Etcd.decode(kv, Records.HostInfo.class));
        }
        return Optional.empty();
    }
}
