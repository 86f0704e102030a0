package dev.talent.fleet;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code talent lab up} and {@code talent lab down}: a test fleet of network namespaces on one machine (see
 * {@link LabLayout}). {@code up} makes the CA and certificates, the bridge and the namespaces, starts the supervisor
 * in a session of its own and returns once every agent answers and one controller leads. {@code down} stops the
 * supervisor and what it runs, removes the namespaces, the bridge and the lab's files, and then checks that no
 * namespace, link, mount or process of the lab is left.
 */
public final class Lab {
    private Lab() {}

    /** The lab's readiness limit: etcd, every agent and a leader. */
    static final Duration READY = Duration.ofMinutes(2);

    public static LabLayout readLayout(Path dir) throws FleetException {
        Path file = dir.toAbsolutePath().resolve("lab.json");
        try {
            if (Files.size(file) > 1 << 20) throw new FleetException(file + " is too large to be a lab's");
            return Etcd.JSON.readValue(file.toFile(), LabLayout.class);
        } catch (NoSuchFileException e) {
            throw new FleetException("no lab in " + dir + " (no lab.json)", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings a lab up; on any failure it takes down what it made and reports the failure.
     *
     * @param talent the command that runs talent (java, its options, the main class) for the daemons
     */
    public static LabLayout up(Path dir, int hosts, List<String> talent, Consumer<String> events) throws FleetException, InterruptedException {
        return up(dir, hosts, talent, java.util.Optional.empty(), events);
    }

    /** As above; {@code policy}: the controllers' {@code --policy} file, copied to {@link LabLayout#policy()}. */
    public static LabLayout up(Path dir, int hosts, List<String> talent, java.util.Optional<Path> policy, Consumer<String> events)
            throws FleetException, InterruptedException {
        return up(dir, hosts, talent, policy, java.util.Map.of(), events);
    }

    /** As above; {@code protocols}: the hosts whose agents speak an older protocol version ({@link LabLayout#protocols}). */
    public static LabLayout up(Path dir, int hosts, List<String> talent, java.util.Optional<Path> policy,
            java.util.Map<String, Integer> protocols, Consumer<String> events) throws FleetException, InterruptedException {
        try {
            new LabLayout(dir, hosts, talent, 0, protocols);
        } catch (IllegalArgumentException e) {
            throw new FleetException(e.getMessage(), e);
        }
        requireTools();
        if (Files.exists(dir.resolve("lab.json"))) throw new FleetException("a lab is already in " + dir.toAbsolutePath().normalize()
                + ": `talent lab down --dir " + dir + "` first");
        Path abs = dir.toAbsolutePath().normalize();
        try (Stream<Path> existing = Files.isDirectory(abs) ? Files.list(abs) : Stream.empty()) {
            if (existing.findAny().isPresent()) throw new FleetException(abs + " is not empty: a lab needs a directory of its own (lab down removes it)");
        } catch (IOException e) {
            throw new FleetException("cannot read " + abs + ": " + e.getMessage(), e);
        }
        // the index is chosen and claimed (lab.json, then the bridge) under the machine's lab lock: two labs coming up
        // at once never pick the same one, and a failure after lab.json is written is undone by down()
        java.nio.channels.FileChannel claim = lockLabs();
        LabLayout lab;
        try {
            lab = new LabLayout(abs, hosts, talent, freeIndex(), protocols);
        } catch (FleetException | RuntimeException e) {
            closeQuietly(claim);
            throw e;
        }
        try {
            try {
                Files.createDirectories(lab.dir());
                Etcd.JSON.writeValue(lab.labJson().toFile(), lab);
                Commands.check(List.of("ip", "link", "add", lab.bridge(), "type", "bridge"));
            } finally {
                closeQuietly(claim);
            }
            events.accept("lab " + lab.index() + ": bridge " + lab.bridge() + " (" + lab.subnet() + "), namespaces " + lab.netns(1) + ".." + lab.netns(hosts));
            if (policy.isPresent()) Files.copy(policy.get(), lab.policy());
            Pki pki = Pki.at(lab.pki());
            pki.init("talent lab CA");
            for (int k = 1; k <= hosts; k++) {
                pki.issue(LabLayout.hostName(k), Pki.Usage.HOST, List.of(lab.address(k)), List.of());
                Files.createDirectories(lab.hostDir(k));
                new FleetConfig(lab.etcdEndpoints(), pki.caCertificate(), pki.certificate(LabLayout.hostName(k)), pki.key(LabLayout.hostName(k)))
                        .withNet(lab.appNetwork()).write(lab.hostConf(k));
            }
            pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
            FleetConfig cli = new FleetConfig(lab.etcdEndpoints(), pki.caCertificate(), pki.certificate("cli"), pki.key("cli"))
                    .withNet(lab.appNetwork());
            cli.write(lab.fleetConf());
            events.accept("CA and " + (hosts + 1) + " certificates in " + lab.pki());
            network(lab);
            startSupervisor(lab);
            events.accept("supervisor started; waiting for etcd (" + lab.etcdMembers() + " members), " + hosts + " agents and a leader");
            awaitReady(lab, cli, events);
            return lab;
        } catch (FleetException | IOException | RuntimeException e) {
            String tail = logTails(lab);
            // down() trusts lab.json: it was written first, so it is there unless writing it failed
            try {
                down(lab.dir(), events);
            } catch (FleetException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new FleetException("lab up failed: " + e.getMessage() + tail, e);
        }
    }

    /**
     * The first lab index none of whose names (bridge, namespaces, veths) this machine has: a lab left half-removed
     * or one of another user keeps its index taken, and a new lab goes beside it.
     */
    static int freeIndex() throws FleetException, InterruptedException {
        List<String> taken = new ArrayList<>(namespaces());
        taken.addAll(links());
        return freeIndex(taken);
    }

    static int freeIndex(List<String> taken) throws FleetException {
        for (int i = 0; i < LabLayout.MAX_LABS; i++) {
            LabLayout probe = new LabLayout(Path.of("/"), 1, List.of(), i);
            if (taken.stream().noneMatch(probe::owns)) return i;
        }
        throw new FleetException("this machine has " + LabLayout.MAX_LABS + " labs already (or their leftovers: " + String.join(", ", taken)
                + "); take one down (talent lab down --dir ITS_DIR)");
    }

    /** The machine's lab lock (a file lock on /run/talent-lab.lock, held while an index is chosen and claimed). */
    private static java.nio.channels.FileChannel lockLabs() throws FleetException {
        Path file = Path.of("/run/talent-lab.lock");
        try {
            java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            try {
                java.nio.channels.FileLock _ = ch.lock();
                return ch;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new FleetException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing releases the lock; nothing else to do
        }
    }

    private static void requireTools() throws FleetException {
        if (!"root".equals(System.getProperty("user.name")))
            throw new FleetException("talent lab needs root (network namespaces and a bridge)");
        for (String[] tool : new String[][] {{"/usr/bin/etcd", "etcd-server"}, {"/usr/sbin/ip", "iproute2"}, {"/usr/bin/setsid", "util-linux"}}) {
            if (!Files.isExecutable(Path.of(tool[0]))) throw new FleetException("talent lab needs " + tool[0] + ": apt-get install " + tool[1]);
        }
    }

    private static void network(LabLayout lab) throws FleetException, InterruptedException {
        Commands.check(List.of("ip", "addr", "add", lab.gateway() + "/24", "dev", lab.bridge()));
        Commands.check(List.of("ip", "link", "set", lab.bridge(), "up"));
        for (int k = 1; k <= lab.hosts(); k++) {
            String ns = lab.netns(k), veth = lab.hostLink(k), peer = lab.hostLinkPeer(k);
            Commands.check(List.of("ip", "netns", "add", ns));
            Commands.check(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", peer));
            Commands.check(List.of("ip", "link", "set", peer, "netns", ns));
            Commands.check(List.of("ip", "-n", ns, "link", "set", peer, "name", "eth0"));
            Commands.check(List.of("ip", "-n", ns, "addr", "add", lab.address(k) + "/24", "dev", "eth0"));
            Commands.check(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
            Commands.check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
            Commands.check(List.of("ip", "-n", ns, "route", "add", "default", "via", lab.gateway()));
            Commands.check(List.of("ip", "link", "set", veth, "master", lab.bridge()));
            Commands.check(List.of("ip", "link", "set", veth, "up"));
            // the --net apps' bridge of host K: on the lab's segment through its uplink, no address of its own
            String up = lab.uplink(k), upPeer = lab.uplinkPeer(k);
            Commands.check(List.of("ip", "-n", ns, "link", "add", LabLayout.APP_BRIDGE, "type", "bridge"));
            Commands.check(List.of("ip", "link", "add", up, "type", "veth", "peer", "name", upPeer));
            Commands.check(List.of("ip", "link", "set", upPeer, "netns", ns));
            Commands.check(List.of("ip", "-n", ns, "link", "set", upPeer, "name", "uplink"));
            Commands.check(List.of("ip", "-n", ns, "link", "set", "uplink", "master", LabLayout.APP_BRIDGE));
            Commands.check(List.of("ip", "-n", ns, "link", "set", "uplink", "up"));
            Commands.check(List.of("ip", "-n", ns, "link", "set", LabLayout.APP_BRIDGE, "up"));
            Commands.check(List.of("ip", "link", "set", up, "master", lab.bridge()));
            Commands.check(List.of("ip", "link", "set", up, "up"));
        }
        if (dev.talent.container.HostBridge.ipv6()) {
            // the apps' IPv6 default route is the segment's ::1
            AppNetwork n = lab.appNetwork();
            Commands.check(List.of("ip", "addr", "add", n.config().gateway6() + "/64", "dev", lab.bridge(), "nodad"));
        }
    }

    private static void startSupervisor(LabLayout lab) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(lab.talent());
        command.addAll(List.of("lab", "supervise", "--dir", lab.dir().toString()));
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(lab.supervisorLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static void awaitReady(LabLayout lab, FleetConfig cli, Consumer<String> events) throws FleetException, InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        String last = "nothing yet";
        try (Etcd etcd = Etcd.connect(cli)) {
            while (System.nanoTime() < deadline) {
                try {
                    List<HostStatus> hosts = Hosts.list(etcd, cli.tls());
                    long up = hosts.stream().filter(h -> h.agent().equals("up")).count();
                    long leaders = hosts.stream().filter(HostStatus::leader).count();
                    last = up + " of " + lab.hosts() + " agents up, " + leaders + " leader(s)";
                    if (up == lab.hosts() && leaders == 1) {
                        events.accept(last);
                        return;
                    }
                } catch (FleetException e) {
                    last = e.getMessage();
                }
                Thread.sleep(250);
            }
        }
        throw new FleetException("the lab was not ready within " + READY.toSeconds() + " s: " + last);
    }

    private static String logTails(LabLayout lab) {
        StringBuilder s = new StringBuilder();
        List<Path> logs = new ArrayList<>(List.of(lab.supervisorLog()));
        for (int k = 1; k <= lab.hosts(); k++)
            for (String role : List.of("etcd", "agent", "controller")) logs.add(lab.hostDir(k).resolve(role + ".log"));
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                if (lines.isEmpty()) continue;
                s.append("\n--- ").append(log).append(" (last lines)\n");
                for (String line : lines.subList(Math.max(0, lines.size() - 5), lines.size()))
                    s.append(line, 0, Math.min(line.length(), 300)).append('\n');
            } catch (IOException | RuntimeException e) {
                // no such log
            }
        }
        return s.toString();
    }

    /**
     * Takes the lab in {@code dir} down and checks that nothing of it is left.
     *
     * @throws FleetException something could not be removed (named)
     */
    public static void down(Path dir, Consumer<String> events) throws FleetException, InterruptedException {
        Path abs = dir.toAbsolutePath().normalize();
        // only a directory with a lab.json is a lab's: nothing is killed or removed on the word of any other directory
        LabLayout lab = readLayoutOrNull(abs);
        if (lab == null) {
            List<String> seen = leftovers(null);
            throw new FleetException("no lab in " + abs + " (no lab.json): nothing stopped or removed"
                    + (seen.isEmpty() ? "" : "; of a lab, this machine has: " + String.join("; ", seen) + " (lab down --dir ITS_DIR)"));
        }
        // the lab's processes while their tree is whole: a helper orphaned by its daemon's stop is still known as the lab's
        List<ProcessHandle> before = labProcesses(abs);
        stopSupervisor(abs, events);
        // a stopped agent leaves its apps running (for the next one): the lab's end stops them
        removeAppContainers(lab, events);
        killLeftovers(abs, before, events);
        List<String> namespaces = namespaces().stream().filter(lab::owns).toList();
        for (String ns : namespaces) Commands.run(List.of("ip", "netns", "del", ns));
        for (String link : links().stream().filter(lab::owns).toList()) Commands.run(List.of("ip", "link", "del", link));
        try {
            removeTree(abs);
        } catch (IOException e) {
            throw new FleetException("cannot remove " + abs + ": " + e.getMessage(), e);
        }
        List<String> left = leftovers(lab);
        if (!left.isEmpty()) throw new FleetException("lab down left things behind: " + String.join("; ", left));
        events.accept("removed " + namespaces.size() + " namespaces, the bridge " + lab.bridge() + " and " + abs
                + "; checked: no namespace, link, mount or process of the lab is left");
    }

    /** Kills and removes the apps' containers each host's agent left (runc's state under its state directory). */
    private static void removeAppContainers(LabLayout lab, Consumer<String> events) throws InterruptedException {
        for (int k = 1; k <= lab.hosts(); k++) {
            Path dir = lab.hostDir(k).resolve("agent").resolve("containers");
            if (!Files.isDirectory(dir)) continue;
            try (dev.talent.container.ContainerHost ch = dev.talent.container.ContainerHost.open(dir, java.io.OutputStream.nullOutputStream())) {
                for (dev.talent.container.ContainerHost.Leftover l : ch.leftovers()) {
                    events.accept("removing container " + l.id() + " (" + l.status() + ") of " + LabLayout.hostName(k));
                    ch.removeLeftover(l.id());
                }
            } catch (dev.talent.container.ContainerException | IOException e) {
                events.accept("cannot remove the containers of " + LabLayout.hostName(k) + ": " + e.getMessage());
            }
        }
    }

    private static LabLayout readLayoutOrNull(Path dir) {
        try {
            return readLayout(dir);
        } catch (FleetException e) {
            return null;
        }
    }

    private static void stopSupervisor(Path dir, Consumer<String> events) throws InterruptedException {
        Path pidFile = dir.resolve("run").resolve("supervisor.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return;
        }
        var handle = ProcessHandle.of(pid).filter(p -> isLabDaemon(arguments(p.pid()), dir));
        if (handle.isEmpty()) return;
        handle.get().destroy();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (handle.get().isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        if (handle.get().isAlive()) {
            events.accept("the supervisor (pid " + pid + ") did not stop within 10 s: killing it");
            handle.get().destroyForcibly();
        }
    }

    /** Kills (SIGKILL) the lab's processes still running ({@link #labPids}): never the caller or its ancestors. */
    private static void killLeftovers(Path dir, List<ProcessHandle> before, Consumer<String> events) throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            // (a handle taken before is alive only while its pid is still the same process: its start time is compared)
            List<ProcessHandle> left = new ArrayList<>(before.stream().filter(ProcessHandle::isAlive).toList());
            for (ProcessHandle p : labProcesses(dir)) if (left.stream().noneMatch(q -> q.pid() == p.pid())) left.add(p);
            if (left.isEmpty()) return;
            if (round == 0) events.accept("killing " + left.size() + " process(es) of the lab still running");
            left.forEach(ProcessHandle::destroyForcibly);
            Thread.sleep(100);
        }
    }

    static List<ProcessHandle> labProcesses(Path dir) {
        List<Proc> table = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            long pid = p.pid();
            long parent = p.parent().map(ProcessHandle::pid).orElse(0L);
            table.add(new Proc(pid, parent, arguments(pid), executable(pid)));
        });
        java.util.Set<Long> named = pidFiles(dir);
        return labPids(dir, table, ProcessHandle.current().pid(), named).stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream)
                .toList();
    }

    /** A process as /proc shows it: its parent, its arguments (argv) and its executable (empty when unreadable). */
    record Proc(long pid, long parent, List<String> argv, String exe) {
        Proc {
            argv = List.copyOf(argv);
        }
    }

    /**
     * The processes of the lab in {@code dir} among {@code table}: the supervisor and the daemons it runs (by their
     * pid files under run/ when the process named there names the lab's directory, or by their arguments: {@code lab
     * supervise --dir DIR}, an etcd whose {@code --data-dir} is under DIR, an agent or controller whose {@code --fleet}
     * is a host's fleet.conf under DIR/hosts/), a process whose executable lies under DIR, and every descendant of
     * those. Never {@code self} or one of its ancestors (the shell or script that called {@code lab down}, whatever its
     * command line names), and never a process that merely names a file of the lab (an editor, a {@code tail -f} of a
     * log).
     */
    static List<Long> labPids(Path dir, java.util.Collection<Proc> table, long self, java.util.Set<Long> pidFiles) {
        Path d = dir.toAbsolutePath().normalize();
        java.util.Map<Long, Proc> byPid = new java.util.HashMap<>();
        for (Proc p : table) byPid.put(p.pid(), p);
        java.util.Set<Long> spared = new java.util.HashSet<>();
        for (Long at = self; at != null && at > 0 && spared.add(at); ) {
            Proc p = byPid.get(at);
            at = p == null ? null : p.parent();
        }
        java.util.Set<Long> lab = new java.util.LinkedHashSet<>();
        for (Proc p : table) {
            if (spared.contains(p.pid())) continue;
            boolean named = pidFiles.contains(p.pid()) && p.argv().stream().anyMatch(a -> under(a, d) || a.equals(d.toString()));
            if (named || isLabDaemon(p.argv(), d) || under(p.exe(), d)) lab.add(p.pid());
        }
        // their descendants (helpers the agents run: runc, nsenter, ...), in as many passes as the tree is deep
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Proc p : table) {
                if (!spared.contains(p.pid()) && !lab.contains(p.pid()) && lab.contains(p.parent())) {
                    lab.add(p.pid());
                    grew = true;
                }
            }
        }
        return List.copyOf(lab);
    }

    /** Whether {@code argv} is one of the lab's daemons (or the wrapper that starts one: ip netns exec, nsenter). */
    static boolean isLabDaemon(List<String> argv, Path dir) {
        for (int k = 0; k + 1 < argv.size(); k++) {
            String a = argv.get(k), next = argv.get(k + 1);
            if (a.equals("supervise") && k + 2 < argv.size() && next.equals("--dir") && Path.of(argv.get(k + 2)).toAbsolutePath().normalize()
                    .equals(dir)) return true;
            if (a.equals("--data-dir") && under(next, dir.resolve("hosts"))) return true;
            if (a.equals("--fleet") && under(next, dir.resolve("hosts")) && (argv.contains("agent") || argv.contains("controller"))) return true;
        }
        return false;
    }

    /** Whether the path {@code p} (absolute) lies strictly under {@code dir}. */
    private static boolean under(String p, Path dir) {
        if (p == null || p.isEmpty() || !p.startsWith("/")) return false;
        try {
            Path q = Path.of(p).normalize();
            return q.startsWith(dir) && !q.equals(dir);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** The pids named by the pid files under {@code dir}/run. */
    private static java.util.Set<Long> pidFiles(Path dir) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        try (Stream<Path> files = Files.list(dir.resolve("run"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                try {
                    String t = Files.readString(f, StandardCharsets.US_ASCII).strip();
                    if (t.length() <= 19) out.add(Long.parseLong(t));
                } catch (IOException | NumberFormatException e) {
                    // unreadable or half-written: the daemons are also known by their arguments
                }
            }
        } catch (IOException e) {
            // no run/ directory
        }
        return out;
    }

    private static List<String> arguments(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String all = new String(b, StandardCharsets.UTF_8);
            if (all.endsWith("\0")) all = all.substring(0, all.length() - 1);
            return all.isEmpty() ? List.of() : List.of(all.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String executable(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static String commandLine(long pid) { return String.join(" ", arguments(pid)); }

    /** Every lab's namespaces on this machine (names starting with {@link LabLayout#NAME_STEM}). */
    private static List<String> namespaces() throws FleetException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : Commands.run(List.of("ip", "netns", "list")).out().split("\n", -1)) {
            String name = line.strip().split(" ", -1)[0];
            if (name.startsWith(LabLayout.NAME_STEM)) out.add(name);
        }
        return out;
    }

    /** Every lab's links on this machine (names starting with {@link LabLayout#NAME_STEM}). */
    private static List<String> links() throws FleetException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (String line : Commands.run(List.of("ip", "-o", "link", "show")).out().split("\n", -1)) {
            String[] f = line.split(": ", -1);
            if (f.length < 2) continue;
            String name = f[1].split("@", -1)[0].strip();
            if (name.startsWith(LabLayout.NAME_STEM)) out.add(name);
        }
        return out;
    }

    /**
     * What of the lab is still there: its namespaces, links, mounts (netns files, the directory), processes; {@code lab}
     * null: what this machine has of any lab (namespaces, links and netns mounts only).
     */
    public static List<String> leftovers(LabLayout lab) throws FleetException, InterruptedException {
        java.util.function.Predicate<String> ours = name -> lab == null ? name.startsWith(LabLayout.NAME_STEM) : lab.owns(name);
        Path dir = lab == null ? null : lab.dir();
        List<String> out = new ArrayList<>();
        for (String ns : namespaces()) if (ours.test(ns)) out.add("network namespace " + ns);
        for (String link : links()) if (ours.test(link)) out.add("link " + link);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ", -1);
                if (f.length > 4 && ((f[4].startsWith("/run/netns/") && ours.test(f[4].substring("/run/netns/".length())))
                        || (dir != null && (f[4].startsWith(dir.toString() + "/") || f[4].equals(dir.toString())))))
                    out.add("mount " + f[4]);
            }
        } catch (IOException e) {
            throw new FleetException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        if (dir == null) return out;
        for (ProcessHandle p : labProcesses(dir)) out.add("process " + p.pid() + " (" + commandLine(p.pid()).strip() + ")");
        if (Files.exists(dir)) out.add("directory " + dir);
        return out;
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
