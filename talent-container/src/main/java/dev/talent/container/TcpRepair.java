package dev.talent.container;

import dev.talent.base.FileTrees;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries a program's established TCP connections across a migration with Linux TCP repair, through the static
 * helper {@code talent-tcp} (talent-tcp.c, compiled once for the host like the container init). The program has
 * no CAP_NET_ADMIN (docs/SECURITY.md, "Network"): at a stop checkpoint its runtime passes its connected sockets to
 * the helper over {@code <checkpoint directory>/tcp.sock}; the helper, as root on the host, puts them into repair
 * mode (so that they close without FIN or RST when the program exits), reads their state into a file talent owns,
 * and for the restoring container creates them again in that container's network namespace and passes them to its
 * runtime the same way. Why a helper and not FFM: a {@code setns} into the app's namespace must happen on a thread
 * that does nothing else, which a short-lived single-threaded process gives for free, and the repair calls use
 * C structures ({@code tcp_repair_opt}, {@code tcp_repair_window}, {@code SCM_RIGHTS} control messages) that C
 * states directly.
 */
public final class TcpRepair {

    static final String SOURCE_RESOURCE = "talent-tcp.c";
    /** The hand-over socket's name in a checkpoint directory. */
    public static final String SOCKET_NAME = "tcp.sock";

    private final Path helper;

    private TcpRepair(Path helper) {
        this.helper = helper;
    }

    /** The helper in {@code dir}, compiled with the host's C compiler first if needed. */
    public static TcpRepair ensure(Path dir, ToolchainProbe probe) throws ContainerException, IOException, InterruptedException {
        byte[] source;
        try (InputStream in = TcpRepair.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) throw new IllegalStateException(SOURCE_RESOURCE + " is missing from talent-container's resources");
            source = in.readAllBytes();
        }
        Path binary = dir.resolve("talent-tcp-" + sha256(source).substring(0, 16));
        if (Files.isExecutable(binary)) return new TcpRepair(binary);
        Isa host = probe.host().orElseThrow(() -> new ContainerException(
                "cannot build the TCP repair helper: this host's ISA (" + System.getProperty("os.arch") + ") is not one talent knows"));
        CrossCompiler compiler;
        try {
            compiler = CrossCompiler.forPlatform(Platform.glibc(host), probe);
        } catch (PlatformUnavailableException e) {
            throw new ContainerException("cannot build the TCP repair helper (" + e.getMessage() + ")", e);
        }
        Files.createDirectories(dir);
        Path staging = Files.createTempDirectory(dir, ".build-");
        try {
            Path sourceFile = Files.write(staging.resolve(SOURCE_RESOURCE), source);
            Path output = staging.resolve("talent-tcp");
            compiler.linkExecutable(new ExecutableSpec(List.of(sourceFile), List.of("-Wall", "-O2"), List.of(), List.of(), output));
            Files.move(output, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (ToolFailedException e) {
            throw new ContainerException("cannot build the TCP repair helper: " + e.getMessage(), e.output(), e);
        } finally {
            FileTrees.deleteRecursively(staging);
        }
        return new TcpRepair(binary);
    }

    public Path helper() { return helper; }

    /**
     * Listens on {@code checkpointDir}/tcp.sock for the program's connections at its next stop checkpoint; returns
     * once the socket is there. {@code state} is where their state goes (a path the program cannot reach).
     */
    public Taking take(Path checkpointDir, Path state, Duration timeout) throws ContainerException, IOException, InterruptedException {
        return take(checkpointDir, state, timeout, null);
    }

    /**
     * As above; {@code port} (a host interface: the source's bridge port, or null) is brought down when the program
     * hands its connections over, before their state is read: what the source sent until then reached the peers,
     * and nothing it sends afterwards (at its exit: FIN, RST) leaves.
     */
    public Taking take(Path checkpointDir, Path state, Duration timeout, String port)
            throws ContainerException, IOException, InterruptedException {
        Files.deleteIfExists(state);
        List<String> command = new java.util.ArrayList<>(List.of(helper.toString(), "take",
                checkpointDir.toAbsolutePath().toString(), state.toAbsolutePath().toString(),
                Long.toString(Math.max(1, timeout.toMillis()))));
        if (port != null) command.add(port);
        Process p = start(command);
        return new Taking(p, ready(p, "take"), state);
    }

    /**
     * Restores the connections of {@code state} in the network namespace {@code netns} (in repair mode, not yet
     * live) and listens on {@code checkpointDir}/tcp.sock for the restoring runtime; returns once both are done.
     * When the runtime connects (its listening sockets bound, everything else restored), the helper brings the
     * container's bridge port {@code hostPort} up (the end of the network lock) and then lets the connections go
     * live, so that what they send again reaches the peer at once.
     */
    public Giving give(Path checkpointDir, Path state, Path netns, String hostPort, Duration timeout)
            throws ContainerException, IOException, InterruptedException {
        Process p = start(List.of(helper.toString(), "give", checkpointDir.toAbsolutePath().toString(),
                state.toAbsolutePath().toString(), netns.toString(), hostPort, Long.toString(Math.max(1, timeout.toMillis()))));
        return giving(p);
    }

    /**
     * Starts keeping what the kernel of network namespace {@code netns} queues on netfilter queue {@code queue}
     * (NetworkSlot adds the rule that queues the app's packets there); returns once the helper is bound to the queue.
     */
    public Holding hold(Path netns, int queue) throws ContainerException, IOException, InterruptedException {
        Process p = start(List.of(helper.toString(), "hold", netns.toString(), Integer.toString(queue)));
        try {
            CompletableFuture<String> _ = ready(p, "hold"); // its reader drains the helper's output
            return new Holding(p);
        } catch (ContainerException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** A started give helper, once it said "ready". */
    static Giving giving(Process p) throws ContainerException, InterruptedException {
        return new Giving(p, ready(p, "give"));
    }

    /** How many connections a state file holds (its header; 0 if there is none). */
    public static int count(Path state) throws IOException {
        if (!Files.isRegularFile(state)) return 0;
        try (InputStream in = Files.newInputStream(state)) {
            byte[] h = in.readNBytes(11);
            if (h.length < 11 || !new String(h, 0, 7, StandardCharsets.US_ASCII).equals("TLTCP2\n")) {
                throw new IOException(state + " is not a TCP state file");
            }
            long n = ((h[7] & 0xFFL) << 24) | ((h[8] & 0xFF) << 16) | ((h[9] & 0xFF) << 8) | (h[10] & 0xFF);
            if (n > 250) throw new IOException(state + " lists " + n + " connections (at most 250)");
            return (int) n;
        }
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Waits for the helper's "ready" line; its output reader goes on in the background. */
    private static CompletableFuture<String> ready(Process p, String what) throws ContainerException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        CompletableFuture<String> rest = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("talent-tcp-" + what).start(() -> {
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("ready")) ready.complete(line);
                    else if (out.length() < 4096) out.append(line).append('\n');
                }
            } catch (IOException e) {
                out.append(e.getMessage());
            }
            ready.complete("");
            rest.complete(out.toString().strip());
        });
        try {
            String r = ready.get(10, TimeUnit.SECONDS);
            if (!r.equals("ready")) {
                p.waitFor(2, TimeUnit.SECONDS);
                throw new ContainerException("the TCP repair helper (" + what + ") failed: " + rest.getNow(""));
            }
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new ContainerException("the TCP repair helper (" + what + ") did not start: " + e, e);
        }
        return rest;
    }

    private static String finish(Process p, CompletableFuture<String> output, Duration timeout, String what)
            throws ContainerException, InterruptedException {
        if (!p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new ContainerException("the TCP repair helper (" + what + ") did not finish within " + timeout.toMillis() + " ms");
        }
        String out;
        try {
            out = output.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            out = "";
        }
        if (p.exitValue() == 3) return null;
        if (p.exitValue() != 0) {
            throw new ContainerException("the TCP repair helper (" + what + ") failed with status " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** A helper waiting for the program's connections. */
    public static final class Taking {
        private final Process process;
        private final CompletableFuture<String> output;
        private final Path state;

        Taking(Process process, CompletableFuture<String> output, Path state) {
            this.process = process;
            this.output = output;
            this.state = state;
        }

        /**
         * After the program stopped: the number of connections whose state is now in the state file (0 when the
         * program had none and never connected).
         */
        public int finish(Duration timeout) throws ContainerException, InterruptedException {
            try {
                process.getOutputStream().close(); // nobody else will come
            } catch (IOException e) {
                // the helper has exited already
            }
            String out = TcpRepair.finish(process, output, timeout, "take");
            if (out == null) return 0;
            if (!out.startsWith("took ")) throw new ContainerException("the TCP repair helper said: " + out);
            try {
                int n = count(state);
                if (!out.equals("took " + n)) throw new ContainerException("the TCP repair helper said '" + out + "' but wrote " + n);
                return n;
            } catch (IOException e) {
                throw new ContainerException("cannot read the TCP state: " + e.getMessage(), e);
            }
        }

        /** Stops waiting (the migration failed before the program stopped). */
        public void cancel() {
            process.destroyForcibly();
        }
    }

    /** A helper with restored connections waiting for the runtime. */
    public static final class Giving {
        private final Process process;
        private final CompletableFuture<String> output;

        Giving(Process process, CompletableFuture<String> output) {
            this.process = process;
            this.output = output;
        }

        /**
         * After the runtime reported that it runs: checks that it took the connections. The helper's output ends
         * ("gave N", then its end) before the helper exits, and closing its sockets at exit can take a while on a
         * loaded machine (see talent-tcp.c, announce): that wait is not part of the downtime, and the JDK reaps the
         * process when it exits.
         */
        public void finish(Duration timeout) throws ContainerException, InterruptedException {
            String out;
            try {
                out = output.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                out = null;
            }
            if (out != null && out.startsWith("gave ")) return;
            out = TcpRepair.finish(process, output, timeout, "give");
            if (out == null || !out.startsWith("gave ")) {
                throw new ContainerException("the restoring program did not take its TCP connections" + (out == null ? "" : ": " + out));
            }
        }

        public void cancel() {
            process.destroyForcibly();
        }
    }

    /**
     * A helper keeping the packets queued for an app whose destination is not live yet. {@link #release()} lets
     * them go on in the order they came (and every later one at once); {@link #close()} ends the helper, and the
     * kernel drops what it still keeps (as the network lock drops packets).
     */
    public static final class Holding implements AutoCloseable {
        private final Process process;
        private boolean released;

        Holding(Process process) {
            this.process = process;
        }

        /** Accepts what was kept (once); a helper that is gone has had its packets dropped, as the lock drops them. */
        public synchronized void release() {
            if (released) return;
            released = true;
            try {
                var in = process.getOutputStream();
                in.write('\n');
                in.flush();
            } catch (IOException gone) {
                // the helper has exited: what it kept was dropped
            }
        }

        public boolean alive() { return process.isAlive(); }

        @Override
        public synchronized void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException gone) {
                // it has exited already
            }
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
