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

    private FailoverBench() {}

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
