package dev.talent.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI bundle for one container: {@code config.json} and a {@code rootfs/} that holds only mount points.
 * The root file system is read-only and empty; everything the program sees comes from mounts: talent's init,
 * the program and (for a foreign ISA) qemu-user, read-only under /talent; the workdir at /work, the checkpoint
 * directory and the event file read-write; fresh /proc, /dev, /sys (read-only), /tmp. See README.md for what
 * this isolates and what it does not.
 */
final class OciBundle {

    static final String CONFIG_FILE = "config.json";
    static final String ROOTFS = "rootfs";
    static final String PID_FILE = "init.pid";
    /** The go FIFO of a container started ahead (ContainerSpec#awaitGo), in the bundle: only talent writes here. */
    static final String GO_FIFO = "go";
    /** The directory where talent-init records how the program ended ({@link ContainerExit}), bound read-write. */
    static final String EXIT_DIR = "exit";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Same as {@code runc spec}: kernel interfaces that leak host information or allow host changes. */
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
            "/proc/scsi");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    private final Path dir;

    private OciBundle(Path dir) { this.dir = dir; }

    Path dir() { return dir; }

    Path configFile() { return dir.resolve(CONFIG_FILE); }

    Path rootfs() { return dir.resolve(ROOTFS); }

    Path pidFile() { return dir.resolve(PID_FILE); }

    Path goFifo() { return dir.resolve(GO_FIFO); }

    /** Writes the bundle for {@code spec} into the new directory {@code dir}. */
    static OciBundle write(Path dir, ContainerSpec spec, HostBinaries binaries) throws IOException {
        return write(dir, spec, binaries, Optional.empty());
    }

    /** As {@link #write(Path, ContainerSpec, HostBinaries)}, joining the network namespace {@code netns} if given. */
    static OciBundle write(Path dir, ContainerSpec spec, HostBinaries binaries, Optional<Path> netns) throws IOException {
        OciConfig config = config(spec, binaries, netns, dir);
        OciBundle bundle = new OciBundle(dir);
        Files.createDirectory(dir);
        Files.createDirectory(dir.resolve(EXIT_DIR));
        if (spec.awaitGo()) GoFifo.create(bundle.goFifo());
        Path rootfs = Files.createDirectory(bundle.rootfs());
        for (OciConfig.Mount mount : config.mounts()) {
            Path point = rootfs.resolve(mount.destination().substring(1));
            Files.createDirectories(point.getParent());
            // A bind mount of a file (binary, event FIFO) needs a file as its mount point, anything else a directory.
            boolean file = mount.type().equals("bind") && !Files.isDirectory(Path.of(mount.source()));
            if (file) Files.createFile(point);
            else Files.createDirectories(point);
        }
        JSON.writeValue(bundle.configFile().toFile(), config);
        return bundle;
    }

    /** Loads and initialises Jackson's serializers for the config (over a second on a busy machine, once). */
    static void warmUp() throws IOException {
        Path file = Path.of("/warm-up");
        ContainerSpec spec = new ContainerSpec("warm-up", Platform.KNOWN.getFirst(), file, List.of(), file, file, file,
                Map.of(), false);
        JSON.writeValueAsBytes(config(spec, new HostBinaries(file, Optional.empty())));
    }

    /** The command the container's init runs: qemu-user (foreign ISA) then the program, then its arguments. */
    static List<String> programCommand(ContainerSpec spec, HostBinaries binaries) {
        List<String> command = new ArrayList<>();
        binaries.emulator().ifPresent(qemu -> command.add(ContainerLayout.BIN + "/" + qemu.getFileName()));
        command.add(ContainerLayout.BIN + "/" + spec.programName());
        command.addAll(spec.args());
        return command;
    }

    static OciConfig config(ContainerSpec spec, HostBinaries binaries) {
        return config(spec, binaries, Optional.empty());
    }

    /**
     * The config; with {@code netns} the container joins that network namespace (talent run --net). Its process
     * gets no capability there either: CAP_NET_ADMIN of the initial user namespace would reach the host's own
     * interfaces through the veth peer's netnsid (RTM_NEWLINK with IFLA_TARGET_NETNSID), see docs/SECURITY.md.
     */
    static OciConfig config(ContainerSpec spec, HostBinaries binaries, Optional<Path> netns) {
        return config(spec, binaries, netns, Path.of("/bundle"));
    }

    /** As above, for the bundle in {@code dir} (where a container started ahead has its go FIFO). */
    static OciConfig config(ContainerSpec spec, HostBinaries binaries, Optional<Path> netns, Path dir) {
        List<String> args = new ArrayList<>(List.of(ContainerLayout.INIT, "--exit-dir", ContainerLayout.EXIT_DIR));
        args.addAll(programCommand(spec, binaries));
        List<String> env = spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        OciConfig.Process process = new OciConfig.Process(false, new OciConfig.User(0, 0), args, env,
                ContainerLayout.WORKDIR, OciConfig.Capabilities.NONE, List.of(
                        new OciConfig.Rlimit("RLIMIT_NOFILE", 4096, 1024),
                        // No core files: they would land in /work, which is synchronised between platforms.
                        new OciConfig.Rlimit("RLIMIT_CORE", 0, 0)),
                true);
        OciConfig.Linux linux = new OciConfig.Linux(
                // Deny every device; runc still creates and allows its default set (null, zero, full, random,
                // urandom, tty, ptmx) in the fresh /dev.
                new OciConfig.Resources(List.of(new OciConfig.DeviceRule(false, "rwm"))),
                // Without netns no "network" namespace: the container shares the host's network (README.md, "Network").
                namespaces(netns),
                MASKED_PATHS, READONLY_PATHS);
        return new OciConfig(OciConfig.VERSION, process, new OciConfig.Root(ROOTFS, true), spec.hostname(),
                mounts(spec, binaries, dir), linux);
    }

    private static List<OciConfig.Namespace> namespaces(Optional<Path> netns) {
        List<OciConfig.Namespace> all = new ArrayList<>(List.of(new OciConfig.Namespace("pid"), new OciConfig.Namespace("ipc"),
                new OciConfig.Namespace("uts"), new OciConfig.Namespace("mount")));
        netns.ifPresent(p -> all.add(new OciConfig.Namespace("network", p.toString())));
        return all;
    }

    static List<OciConfig.Mount> mounts(ContainerSpec spec, HostBinaries binaries) {
        return mounts(spec, binaries, Path.of("/bundle"));
    }

    /** The mounts; a container started ahead also gets its go FIFO from {@code dir}, read-only. */
    static List<OciConfig.Mount> mounts(ContainerSpec spec, HostBinaries binaries, Path dir) {
        List<OciConfig.Mount> mounts = new ArrayList<>(List.of(
                new OciConfig.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new OciConfig.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new OciConfig.Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new OciConfig.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new OciConfig.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new OciConfig.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new OciConfig.Mount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777")),
                bind(ContainerLayout.WORKDIR, spec.workdir(), "rw", "nosuid", "nodev"),
                bind(ContainerLayout.CHECKPOINT_DIR, spec.checkpointDir(), "rw", "nosuid", "nodev", "noexec"),
                bind(ContainerLayout.EVENT_FILE, spec.eventFile(), "rw", "nosuid", "nodev", "noexec"),
                bind(ContainerLayout.EXIT_DIR, dir.resolve(EXIT_DIR), "rw", "nosuid", "nodev", "noexec"),
                bind(ContainerLayout.INIT, binaries.init(), "ro", "nosuid", "nodev")));
        if (spec.awaitGo()) {
            mounts.add(bind(ContainerLayout.GO_FILE, dir.resolve(GO_FIFO), "ro", "nosuid", "nodev", "noexec"));
        }
        binaries.emulator().ifPresent(qemu ->
                mounts.add(bind(ContainerLayout.BIN + "/" + qemu.getFileName(), qemu, "ro", "nosuid", "nodev")));
        mounts.add(bind(ContainerLayout.BIN + "/" + spec.programName(), spec.program(), "ro", "nosuid", "nodev"));
        return mounts;
    }

    private static OciConfig.Mount bind(String destination, Path source, String... options) {
        List<String> all = new ArrayList<>(List.of("bind"));
        all.addAll(List.of(options));
        return new OciConfig.Mount(destination, "bind", source.toString(), all);
    }
}
