package dev.talent.fleet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lab's supervisor ({@code talent lab supervise}, started by {@code lab up} in a session of its own): runs the
 * etcd members, an agent and a controller per host, each in its host's network namespace, and starts again any of
 * them that exits (after {@link #RESTART_DELAY_MS} ms; a killed agent or controller is running again well within 2 s).
 * Each start writes the child's pid to {@code run/ROLE-hK.pid}. When {@code stop} opens it stops them all
 * (SIGTERM, then SIGKILL after 5 s).
 */
public final class Supervisor {
    static final long RESTART_DELAY_MS = 100;

    /** One supervised process. */
    record Child(String id, List<String> command, Path log) {}

    private Supervisor() {}

    static List<Child> children(LabLayout lab) {
        List<Child> out = new ArrayList<>();
        Path pki = lab.pki();
        for (int k = 1; k <= lab.etcdMembers(); k++) {
            String h = LabLayout.hostName(k), ip = lab.address(k);
            out.add(new Child("etcd-" + h, List.of("ip", "netns", "exec", lab.netns(k), "etcd",
                    "--name", h, "--data-dir", lab.hostDir(k).resolve("etcd").toString(),
                    "--listen-client-urls", "https://" + ip + ":" + LabLayout.ETCD_CLIENT_PORT,
                    "--advertise-client-urls", "https://" + ip + ":" + LabLayout.ETCD_CLIENT_PORT,
                    "--listen-peer-urls", "https://" + ip + ":" + LabLayout.ETCD_PEER_PORT,
                    "--initial-advertise-peer-urls", "https://" + ip + ":" + LabLayout.ETCD_PEER_PORT,
                    "--initial-cluster", lab.initialCluster(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "talent-lab",
                    "--client-cert-auth", "--trusted-ca-file", pki.resolve("ca.crt").toString(),
                    "--cert-file", pki.resolve(h + ".crt").toString(), "--key-file", pki.resolve(h + ".key").toString(),
                    "--peer-client-cert-auth", "--peer-trusted-ca-file", pki.resolve("ca.crt").toString(),
                    "--peer-cert-file", pki.resolve(h + ".crt").toString(), "--peer-key-file", pki.resolve(h + ".key").toString()),
                    lab.hostDir(k).resolve("etcd.log")));
        }
        for (int k = 1; k <= lab.hosts(); k++) {
            String h = LabLayout.hostName(k);
            // nsenter enters the host's network namespace only: `ip netns exec` also mounts a sysfs of its own over
            // /sys, which hides /sys/fs/cgroup, and runc cannot start the agent's containers without it
            List<String> agent = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + lab.netns(k), "--"));
            // an agent runs with the full JIT, as under systemd: TLS's AES-GCM and SHA-256 are compiled to the CPU's
            // instructions only by C2, and a checkpoint streamed through C1-only code is several times slower (docs/FLEET.md)
            agent.addAll(lab.talent().stream().filter(a -> !a.startsWith("-XX:TieredStopAtLevel")).toList());
            agent.addAll(List.of("agent", "--name", h, "--address", lab.address(k), "--port", String.valueOf(LabLayout.AGENT_PORT),
                    "--fleet", lab.hostConf(k).toString(), "--state", lab.hostDir(k).resolve("agent").toString(),
                    "--metrics", "127.0.0.1:" + LabLayout.AGENT_METRICS_PORT));
            Integer capped = lab.protocols().get(h);
            if (capped != null) agent.addAll(List.of("--protocol", capped.toString()));
            out.add(new Child("agent-" + h, agent, lab.hostDir(k).resolve("agent.log")));
            List<String> controller = new ArrayList<>(List.of("ip", "netns", "exec", lab.netns(k)));
            controller.addAll(lab.talent());
            controller.addAll(List.of("controller", "--host", h, "--fleet", lab.hostConf(k).toString(), "--host-grace", LabLayout.HOST_GRACE,
                    "--restart-grace", LabLayout.RESTART_GRACE));
            controller.addAll(List.of("--alerts", lab.address(k) + ":" + LabLayout.ALERTS_PORT,
                    "--metrics", "127.0.0.1:" + LabLayout.CONTROLLER_METRICS_PORT));
            if (Files.exists(lab.policy())) controller.addAll(List.of("--policy", lab.policy().toString()));
            out.add(new Child("controller-" + h, controller, lab.hostDir(k).resolve("controller.log")));
        }
        return out;
    }

    /** Runs the lab's processes until {@code stop} opens. */
    public static void run(Path dir, Consumer<String> events, CountDownLatch stop) throws FleetException, InterruptedException {
        LabLayout lab = Lab.readLayout(dir);
        try {
            Files.createDirectories(lab.runDir());
            Files.writeString(lab.supervisorPid(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new FleetException("cannot write " + lab.supervisorPid() + ": " + e.getMessage(), e);
        }
        List<Thread> threads = new ArrayList<>();
        List<Process> running = java.util.Collections.synchronizedList(new ArrayList<>());
        for (Child c : children(lab)) {
            Thread t = Thread.ofPlatform().name("supervise-" + c.id()).start(() -> keep(c, lab, events, stop, running));
            threads.add(t);
        }
        stop.await();
        synchronized (running) {
            for (Process p : running) p.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        synchronized (running) {
            for (Process p : running) p.destroyForcibly();
        }
        for (Thread t : threads) t.join(2000);
        events.accept("stopped");
    }

    private static void keep(Child c, LabLayout lab, Consumer<String> events, CountDownLatch stop, List<Process> running) {
        int starts = 0;
        while (stop.getCount() > 0) {
            Process p;
            try {
                p = new ProcessBuilder(c.command()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(c.log().toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            } catch (IOException e) {
                events.accept(c.id() + ": cannot start: " + e.getMessage());
                if (sleep(stop, 1000)) return;
                continue;
            }
            running.add(p);
            starts++;
            events.accept(c.id() + ": started pid " + p.pid() + (starts > 1 ? " (restart " + (starts - 1) + ")" : ""));
            try {
                // written aside and renamed, so a reader never sees the file empty or half-written
                Path part = lab.runDir().resolve(c.id() + ".pid.part");
                Files.writeString(part, p.pid() + "\n", StandardCharsets.US_ASCII);
                Files.move(part, lab.runDir().resolve(c.id() + ".pid"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                events.accept(c.id() + ": cannot write its pid file: " + e.getMessage());
            }
            int status;
            try {
                status = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                return;
            }
            running.remove(p);
            if (stop.getCount() == 0) return;
            events.accept(c.id() + ": pid " + p.pid() + " exited with status " + status + "; restarting");
            if (sleep(stop, RESTART_DELAY_MS)) return;
        }
    }

    /** Sleeps; true when {@code stop} opened meanwhile. */
    private static boolean sleep(CountDownLatch stop, long ms) {
        try {
            return stop.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
