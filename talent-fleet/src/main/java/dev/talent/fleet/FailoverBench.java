package dev.talent.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Measures controller failover: kills the leading controller (SIGKILL, on this machine, by the pid it recorded),
 * then polls etcd's election every 10 ms until another process leads. Between kills it waits for the killed
 * controller to be back (its supervisor restarts it) so that every kill starts from a full set.
 */
public final class FailoverBench {
    /** One kill: who led, who leads next, and the time from the kill to the new leader seen in etcd. */
    public record Sample(String killedHost, long killedPid, String newHost, long newPid, double failoverMs) {}

    /** One agent frozen (SIGSTOP): when etcd dropped it, and when its host had an agent again. */
    public record AgentLoss(String host, long pid, double seenDeadMs, double backMs, long newPid) {}

    private FailoverBench() {}

    /**
     * Freezes the agent of {@code host} (SIGSTOP: to etcd it is as good as dead, and its supervisor does not restart
     * it), measures the time until its lease key is gone from etcd, then lets it go on (SIGCONT): it finds its lease
     * expired and exits, its supervisor starts it again, and the time until a new agent is registered is measured too.
     */
    public static AgentLoss agentLoss(FleetConfig config, String host, Duration limit) throws FleetException, InterruptedException {
        try (Etcd etcd = Etcd.connect(config)) {
            Records.AgentAlive a = agent(etcd, host).orElseThrow(() -> new FleetException("no agent of " + host + " is registered"));
            if (ProcessHandle.of(a.pid()).isEmpty()) throw new FleetException("the agent's pid " + a.pid() + " is not a process on this machine");
            long t0 = System.nanoTime();
            Commands.check(java.util.List.of("kill", "-STOP", Long.toString(a.pid())));
            double dead;
            try {
                long deadline = t0 + limit.toNanos();
                while (agent(etcd, host).isPresent()) {
                    if (System.nanoTime() > deadline) throw new FleetException("etcd still lists the frozen agent of " + host + " after " + limit.toMillis() + " ms");
                    Thread.sleep(10);
                }
                dead = (System.nanoTime() - t0) / 1e6;
            } finally {
                Commands.run(java.util.List.of("kill", "-CONT", Long.toString(a.pid())));
            }
            long deadline = System.nanoTime() + limit.toNanos() * 3;
            Optional<Records.AgentAlive> back = Optional.empty();
            while (back.isEmpty() || back.get().pid() == a.pid()) {
                if (System.nanoTime() > deadline) throw new FleetException("no new agent of " + host + " registered after its lease expired");
                Thread.sleep(20);
                back = agent(etcd, host);
            }
            return new AgentLoss(host, a.pid(), dead, (System.nanoTime() - t0) / 1e6, back.get().pid());
        }
    }

    private static Optional<Records.AgentAlive> agent(Etcd etcd, String host) throws FleetException, InterruptedException {
        var kvs = etcd.list(EtcdKeys.agent(host));
        for (var kv : kvs) {
            if (kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8).equals(EtcdKeys.agent(host))) return Optional.of(Etcd.decode(kv, Records.AgentAlive.class));
        }
        return Optional.empty();
    }

    public static List<Sample> run(FleetConfig config, int kills, Duration limit) throws FleetException, InterruptedException {
        List<Sample> out = new ArrayList<>();
        try (Etcd etcd = Etcd.connect(config)) {
            int controllers = etcd.list(EtcdKeys.CONTROLLERS).size();
            for (int i = 0; i < kills; i++) {
                awaitControllers(etcd, controllers, limit);
                Records.ControllerRecord old = Hosts.leader(etcd).orElseThrow(() -> new FleetException("no controller leads"));
                ProcessHandle p = ProcessHandle.of(old.pid()).orElseThrow(
                        () -> new FleetException("the leader's pid " + old.pid() + " is not a process on this machine (run the bench on the lab's machine)"));
                long t0 = System.nanoTime();
                p.destroyForcibly();
                long deadline = t0 + limit.toNanos();
                Optional<Records.ControllerRecord> now = Optional.empty();
                while (System.nanoTime() < deadline) {
                    try {
                        now = Hosts.leader(etcd);
                    } catch (FleetException e) {
                        now = Optional.empty();
                    }
                    if (now.isPresent() && now.get().pid() != old.pid()) break;
                    Thread.sleep(10);
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (now.isEmpty() || now.get().pid() == old.pid())
                    throw new FleetException("no new leader within " + limit.toMillis() + " ms of killing " + old.host() + "'s controller (pid " + old.pid() + ")");
                out.add(new Sample(old.host(), old.pid(), now.get().host(), now.get().pid(), ms));
            }
        }
        return out;
    }

    private static void awaitControllers(Etcd etcd, int n, Duration limit) throws FleetException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos() * 4;
        while (etcd.list(EtcdKeys.CONTROLLERS).size() < n) {
            if (System.nanoTime() > deadline) throw new FleetException("the controllers are not all back (" + n + " expected)");
            Thread.sleep(50);
        }
    }
}
