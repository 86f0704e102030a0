package dev.talent.cli.bench;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.format.CheckpointDelta;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code talent bench precopy} (issue 13): the downtime of moving a program whose state is STATE_MIB MiB and which
 * rewrites 1 % of it per second, with and without pre-copy, side by side in one run. The bundled precopy.c is built
 * for x86_64 (20,000 steps of 10 ms at most: a file "fast" in its directory ends the pacing, which the reference run
 * and the destination get); each run starts it in a source directory, and after three phases of {@link #PHASE_MS} stops it with
 * SIGUSR1 and restarts it from a destination directory. Without pre-copy the stop writes the whole checkpoint and
 * the transfer copies it. With pre-copy (TALENT_PRECOPY=1) a SIGURG after the first and second phases makes a round:
 * the first round's image is copied to the destination ahead of the stop; then rounds follow one another, each
 * round's delta copied there and applied to the image before (talent-format's {@link CheckpointDelta#applyToFile}) on
 * a thread of its own while the next round runs (the stop waits for the last one), while the delta shrinks
 * by at least a quarter (CRIU's pre-dump loop; at least 2, at most {@link #MAX_ROUNDS} rounds), and the stop comes
 * right after the last one, writing and transferring only the delta against it.
 * Downtime = stop (SIGUSR1 sent to the source's exit) + transfer + restore (restart process started to its
 * {@code ready} event). With {@code --ahead populate|base|off[,...]} one more mode per value, "ahead-VALUE", runs
 * pre-copy as above with the destination started ahead, right after the source is ready: a restart waiting for its go
 * on a FIFO (TALENT_AWAIT_GO), which meanwhile populates the pages of the program's large globals (TALENT_AHEAD, the
 * runtime's ahead.c) or not (off), and with base also restores the last round's image ahead: once that image is in
 * place the FIFO names it ({@code base pre-NNNNNN.tck}) and the stop waits for the destination's {@code ahead} event;
 * the stop waits until it waits on the FIFO, and its restore is timed from the go line to its {@code ready} event.
 * The modes alternate in each run. Every run's output (source, then destination) must equal an uninterrupted run's.
 * With {@code heap}, each size is measured a second time with the state in the heap (precopy.c built with
 * PRECOPY_HEAP: a tree of 512-byte nodes, one malloc each), its rows labelled "M MiB heap".
 */
public final class PrecopyBench {

    static final Platform PLATFORM = Platform.glibc(Isa.X86_64);
    static final long PHASE_MS = 1000;
    static final String STEPS = "20000";
    static final int MAX_ROUNDS = 6;
    /** The TALENT_AHEAD value that restores the base ahead (the runtime's ahead.c). */
    static final String AHEAD_BASE = "base";
    private static final int EXIT_CHECKPOINT = 75;
    private static final long TIMEOUT_MS = 600_000;

    private final BenchWorkspace workspace;
    /** TALENT_DIRTY of the pre-copy runs: the first for "pre-copy" and the ahead modes, each other one a mode of its own. */
    private final List<String> dirty;
    /** TALENT_AHEAD of each "ahead" mode's destination (populate, base or off); empty: no such mode. */
    private final List<String> ahead;
    /** Whether each size is also measured with its state in the heap. */
    private final boolean heap;
    private final List<Integer> rounds = new ArrayList<>();
    /**
     * The runtime's own report of the last pre-copy run of each TALENT_DIRTY value (its -v lines on its rounds, the
     * deltas and the dirty tracking).
     */
    private final Map<String, List<String>> stopLines = new java.util.LinkedHashMap<>();
    /** The last destination started ahead's own -v line on what it did before its go. */
    private final List<String> aheadLines = new ArrayList<>();

    /**
     * dirty: the runtime's key dirty (TALENT_DIRTY) for the pre-copy runs (track, stop or off), the first for "pre-copy"
     * and the ahead modes, each further one a mode "pre dirty=VALUE" of its own; ahead: TALENT_AHEAD of the
     * destination started ahead in each "ahead" mode (populate, base or off), empty for none; heap: each size also
     * with its state in the heap.
     */
    public PrecopyBench(BenchWorkspace workspace, List<String> dirty, List<String> ahead, boolean heap) {
        this.workspace = workspace;
        this.dirty = dirty;
        this.ahead = ahead;
        this.heap = heap;
    }

    /**
     * One migration's measurements (ms, bytes); roundMs: the median time of its pre-copy rounds after the first, from
     * the SIGURG to the round's {@code precopy} event (0 without pre-copy); toStopMs: from the last round's
     * {@code precopy} event to the SIGUSR1 of the stop (0 without pre-copy): what the program wrote meanwhile, and since
     * that round's fork, is what the stop carries.
     */
    record Sample(double stopMs, double transferMs, double restoreMs, long stopBytes, double aheadMs, long aheadBytes,
                  double roundMs, double toStopMs) {
        double downtimeMs() { return stopMs + transferMs + restoreMs; }
    }

    /**
     * All runs of one state size; ahead: the runs of each "ahead" mode, by its TALENT_AHEAD, in the order given; dirty:
     * the pre-copy runs of each further TALENT_DIRTY value, in the order given; heap: the state was the heap tree.
     */
    record SizeResult(int mib, boolean heap, List<Sample> full, List<Sample> pre, Map<String, List<Sample>> ahead,
                      Map<String, List<Sample>> dirty) {
        /** The state as the report's rows name it: "64 MiB", "64 MiB heap". */
        String label() { return mib + " MiB" + (heap ? " heap" : ""); }
    }

    public String run(List<Integer> mibs, int runs) throws BenchFailedException, IOException, InterruptedException {
        if (workspace.usable(List.of(PLATFORM)).isEmpty()) {
            throw new BenchFailedException("x86_64 binaries cannot be built or run here; see `talent platforms`");
        }
        Launcher launcher;
        try {
            launcher = Launcher.forPlatform(PLATFORM, workspace.probe());
        } catch (PlatformUnavailableException e) {
            throw new BenchFailedException(e.getMessage(), e);
        }
        List<SizeResult> results = new ArrayList<>();
        Path source = workspace.extract("precopy.c");
        for (int mib : mibs) {
            for (boolean inHeap : heap ? List.of(false, true) : List.of(false)) {
                String name = "precopy" + mib + (inHeap ? "heap" : "");
                Path variant = source.resolveSibling(name + ".c");
                Files.writeString(variant, "#define STATE_MIB " + mib + "\n" + (inHeap ? "#define PRECOPY_HEAP 1\n" : "")
                        + Files.readString(source));
                Path binary = workspace.buildInstrumented(variant, name, List.of(PLATFORM)).get(PLATFORM);
                String state = mib + " MiB" + (inHeap ? " heap" : "");
                Files.writeString(workspace.root().resolve("fast"), "");   // the reference runs unpaced
                TimedRun reference = workspace.run(PLATFORM, binary, List.of(STEPS),
                        new RuntimeEnvironment(PLATFORM, Optional.empty(), OptionalLong.empty(), false, OptionalInt.empty(), false).isolated());
                if (reference.exitCode() != 0) throw BenchWorkspace.unexpected("the uninterrupted run of " + state, reference);
                List<Sample> full = new ArrayList<>(), pre = new ArrayList<>();
                Map<String, List<Sample>> early = new java.util.LinkedHashMap<>(), others = new java.util.LinkedHashMap<>();
                for (int r = 1; r <= runs; r++) {
                    workspace.events().accept(new BenchEvent.Measuring(state, r, runs));
                    full.add(migrate(launcher, binary, inHeap, false, dirty.getFirst(), Optional.empty(), reference.stdout()));
                    pre.add(migrate(launcher, binary, inHeap, true, dirty.getFirst(), Optional.empty(), reference.stdout()));
                    for (String value : dirty.subList(1, dirty.size())) {
                        others.computeIfAbsent(value, _ -> new ArrayList<>())
                                .add(migrate(launcher, binary, inHeap, true, value, Optional.empty(), reference.stdout()));
                    }
                    for (String mode : ahead) {
                        early.computeIfAbsent(mode, _ -> new ArrayList<>())
                                .add(migrate(launcher, binary, inHeap, true, dirty.getFirst(), Optional.of(mode), reference.stdout()));
                    }
                }
                results.add(new SizeResult(mib, inHeap, full, pre, early, others));
            }
        }
        return render(results, runs) + "dirty-page tracking (TALENT_DIRTY): " + String.join(" / ", dirty)
                + "; pre-copy rounds per run: "
                + rounds + (ahead.isEmpty() ? "" : "; destination started ahead: TALENT_AHEAD=" + String.join(" / ", ahead))
                + stopLines.entrySet().stream().map(e -> "\nthe last pre-copy run's own report with TALENT_DIRTY=" + e.getKey()
                        + " (its rounds, then its stop):\n" + String.join("\n", e.getValue())).collect(java.util.stream.Collectors.joining())
                + "\n"
                + (aheadLines.isEmpty() ? "" : "the last destination started ahead:\n" + String.join("\n", aheadLines) + "\n");
    }

    private Sample migrate(Launcher launcher, Path binary, boolean inHeap, boolean precopy, String dirtyMode,
                           Optional<String> early, String expected)
            throws BenchFailedException, IOException, InterruptedException {
        Path src = workspace.freshDirectory("precopy-source");
        Path dst = workspace.freshDirectory("precopy-destination");
        Destination destination = null;
        Path out = src.resolve("stdout"), err = src.resolve("stderr"), events = src.resolve("events");
        ProcessBuilder b = new ProcessBuilder(launcher.command(binary, List.of(STEPS))).directory(src.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        new RuntimeEnvironment(PLATFORM, Optional.of(src), OptionalLong.empty(), false, OptionalInt.empty(), true)
                .isolated().applyTo(b.environment());
        Map<String, String> env = b.environment();
        env.put(RuntimeContract.ENV_PRECOPY, precopy ? "1" : "0");
        env.put(RuntimeContract.ENV_DIRTY, dirtyMode);
        env.put(RuntimeContract.ENV_VERBOSE, "1");     // the stop's own report, on stderr (stopLines)
        env.put(RuntimeContract.ENV_FSYNC, "recovery");
        env.put(RuntimeContract.ENV_EVENT_FILE, events.toString());
        ExecutorService applier = Executors.newSingleThreadExecutor();
        CompletableFuture<Double> applied = CompletableFuture.completedFuture(0.0);
        Process p = b.start();
        try {
            await(out, "ready\n", p, "the source's 'ready' line");
            if (early.isPresent()) destination = Destination.start(launcher, binary, dst, early.get());
            double aheadMs = 0;
            long aheadBytes = 0;
            long lastRound = 0;
            List<Double> roundMs = new ArrayList<>();
            if (precopy) {
                Thread.sleep(PHASE_MS);
                signal(p, "URG");
                await(events, "precopy 1 ", p, "pre-copy round 1");
                long a0 = System.nanoTime();
                Files.copy(src.resolve("pre-000001.tck"), dst.resolve("pre-000001.tck"));
                aheadMs += (System.nanoTime() - a0) / 1e6;
                aheadBytes += Files.size(dst.resolve("pre-000001.tck"));
                Thread.sleep(PHASE_MS);
                // CRIU's pre-dump loop: the next round as soon as the last one's delta is at the destination, while its
                // delta shrinks by at least a quarter (at least 2 rounds, at most MAX_ROUNDS), then the stop at once.
                // The destination applies each delta to its image on a thread of its own while the next round runs
                // (as a destination on another host would), file to file: what the source writes between its last
                // round's fork and the stop is what the stop has to carry.
                long previous = aheadBytes;
                int round = 2;
                for (; ; round++) {
                    long r0 = System.nanoTime();
                    signal(p, "URG");
                    await(events, "precopy " + round + " ", p, "pre-copy round " + round);
                    a0 = System.nanoTime();
                    lastRound = a0;
                    roundMs.add((a0 - r0) / 1e6);
                    String tdl = String.format(Locale.ROOT, "pre-%06d.tdl", round);
                    Files.copy(src.resolve(tdl), dst.resolve(tdl), StandardCopyOption.REPLACE_EXISTING);
                    long size = Files.size(dst.resolve(tdl));
                    aheadMs += (System.nanoTime() - a0) / 1e6;
                    aheadBytes += size;
                    int applying = round;
                    applied = applied.thenApplyAsync(ms -> ms + applyDelta(dst, applying), applier);
                    if (round >= MAX_ROUNDS || size * 4L > previous * 3L) break;
                    previous = size;
                }
                rounds.add(round);
                // the last round's image in place at the destination before the stop, as talent run has it: what the
                // program writes until then is the stop's to carry, the apply is not part of the downtime
                aheadMs += joinApplies(applied);
                if (destination != null && early.get().equals(AHEAD_BASE)) {
                    // the last round's image, restored ahead by the destination while the source still runs (its time
                    // counts as work ahead)
                    destination.awaitWaiting();
                    aheadMs += destination.restoreBase(String.format(Locale.ROOT, "pre-%06d.tck", round), dst, !inHeap);
                }
            } else {
                Thread.sleep(3 * PHASE_MS);
            }
            if (destination != null) destination.awaitWaiting();
            long t0 = System.nanoTime();
            signal(p, "USR1");
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) throw new BenchFailedException("the source did not stop");
            long t1 = System.nanoTime();
            if (p.exitValue() != EXIT_CHECKPOINT) {
                throw new BenchFailedException("the source exited " + p.exitValue() + " instead of 75:\n" + Files.readString(err));
            }
            if (precopy) {
                List<String> lines = new ArrayList<>();
                stopLines.put(dirtyMode, lines);
                // the rounds' own lines too (what each round cost), then the stop's
                Files.readAllLines(err).stream().filter(l -> l.startsWith("talent: delta ckpt-")
                        || l.startsWith("talent: delta pre-") || l.startsWith("talent: pre-copy round")
                        || l.startsWith("talent: stop after pre-copy:")).forEach(lines::add);
            }
            Path stop = src.resolve(precopy ? "ckpt-000001.tdl" : "ckpt-000001.tck");
            if (!Files.isRegularFile(stop)) throw new BenchFailedException("no " + stop.getFileName() + " after the stop");
            Files.copy(stop, dst.resolve(stop.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            long t2 = System.nanoTime();
            double restoreMs = restore(launcher, binary, dst, expected.substring(Math.min(expected.length(),
                    Files.readString(out).length())), Files.readString(out), expected, destination);
            if (destination != null) {
                aheadLines.clear();
                // its delta line says whether the base read ahead spared the go the base's CRCs
                Files.readAllLines(dst.resolve("stderr")).stream().filter(l -> l.startsWith("talent: ahead:")
                        || l.startsWith("talent: delta ") || l.startsWith("talent: restored checkpoint"))
                        .forEach(aheadLines::add);
            }
            return new Sample((t1 - t0) / 1e6, (t2 - t1) / 1e6, restoreMs, Files.size(stop), aheadMs, aheadBytes,
                    roundMs.isEmpty() ? 0 : new Samples(roundMs).median(), lastRound == 0 ? 0 : (t0 - lastRound) / 1e6);
        } finally {
            applier.shutdownNow();
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
            if (destination != null) destination.close();
        }
    }

    /**
     * The destination's step for round's delta (already in dst): the image of the round before with the delta applied
     * (talent-format's {@link CheckpointDelta#applyToFile}, which checks it as a reader does) becomes the round's image;
     * returns the time (ms) it took.
     */
    private static double applyDelta(Path dst, int round) {
        long a0 = System.nanoTime();
        String tdl = String.format(Locale.ROOT, "pre-%06d.tdl", round);
        Path before = dst.resolve(String.format(Locale.ROOT, "pre-%06d.tck", round - 1));
        try {
            // the base is read for its CRC only, the image made by the file system's copies and the delta's data
            CheckpointDelta.applyToFile(Files.readAllBytes(dst.resolve(tdl)), before,
                    dst.resolve(String.format(Locale.ROOT, "pre-%06d.tck", round)), tdl);
            Files.delete(before);
            Files.delete(dst.resolve(tdl));
        } catch (CorruptCheckpointException e) {
            throw new CompletionException(new BenchFailedException("round " + round + "'s delta is refused: " + e.getMessage(), e));
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return (System.nanoTime() - a0) / 1e6;
    }

    /** Waits for the destination's applies started so far; returns the time (ms) they took. */
    private static double joinApplies(CompletableFuture<Double> applied)
            throws BenchFailedException, IOException, InterruptedException {
        try {
            return applied.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BenchFailedException f) throw f;
            if (e.getCause() instanceof IOException io) throw io;
            throw new BenchFailedException("applying a round's delta failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new BenchFailedException("the destination's applies did not end within " + TIMEOUT_MS / 1000 + " s", e);
        }
    }

    /**
     * A destination started ahead: the restart waiting for its go on a FIFO of its directory (TALENT_AWAIT_GO),
     * with TALENT_AHEAD set. The FIFO's write end is opened on a thread of its own (the open blocks until the
     * runtime opens its read end, which it does once it has done its work ahead).
     */
    private static final class Destination {
        final Process process;
        final Path fifo;
        final java.util.concurrent.CompletableFuture<java.io.OutputStream> writer;

        private Destination(Process process, Path fifo, java.util.concurrent.CompletableFuture<java.io.OutputStream> writer) {
            this.process = process;
            this.fifo = fifo;
            this.writer = writer;
        }

        static Destination start(Launcher launcher, Path binary, Path dst, String ahead)
                throws BenchFailedException, IOException, InterruptedException {
            Path fifo = dst.resolve("go");
            Process mk = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
            String message = new String(mk.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (mk.waitFor() != 0) throw new BenchFailedException("mkfifo " + fifo + " failed: " + message);
            ProcessBuilder b = destinationProcess(launcher, binary, dst);
            b.environment().put(RuntimeContract.ENV_AWAIT_GO, fifo.toString());
            b.environment().put(RuntimeContract.ENV_AHEAD, ahead);
            b.environment().put(RuntimeContract.ENV_VERBOSE, "1");     // its ahead line (aheadLines)
            Process p = b.start();
            java.util.concurrent.CompletableFuture<java.io.OutputStream> writer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.newOutputStream(fifo);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return new Destination(p, fifo, writer);
        }

        /** Until the runtime waits for its go (its work ahead done). */
        void awaitWaiting() throws BenchFailedException, InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
            while (System.nanoTime() < deadline) {
                try {
                    writer.get(10, TimeUnit.MILLISECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (!process.isAlive()) {
                        throw new BenchFailedException("the destination started ahead ended (exit " + process.exitValue()
                                + ") before it waited for its go");
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new BenchFailedException("cannot open the go FIFO " + fifo + ": " + e.getCause().getMessage(), e);
                }
            }
            throw new BenchFailedException("the destination started ahead did not wait for its go within " + TIMEOUT_MS / 1000 + " s");
        }

        /**
         * Names the base on the FIFO and waits for the destination's {@code ahead} event on it; returns the time
         * (ms) that took. With hasGlobals, a base it could not use (0 bytes) fails the bench; without (the heap
         * state: no large globals, and heap blocks are not restored ahead) 0 bytes is what it can do.
         */
        double restoreBase(String name, Path dst, boolean hasGlobals) throws IOException, InterruptedException, BenchFailedException {
            long t0 = System.nanoTime();
            try {
                java.io.OutputStream o = writer.get();
                o.write((RuntimeContract.GO_BASE_WORD + " " + name + "\n").getBytes(StandardCharsets.US_ASCII));
                o.flush();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
            Path events = dst.resolve("events");
            String prefix = RuntimeContract.EVENT_AHEAD + " " + name + " ";
            await(events, prefix, process, "the destination's '" + prefix.strip() + "' event");
            for (String line : Files.readAllLines(events, StandardCharsets.ISO_8859_1)) {
                if (hasGlobals && line.equals(prefix + "0")) {
                    throw new BenchFailedException("the destination started ahead could not restore " + name + " ahead:\n"
                            + Files.readString(dst.resolve("stderr")));
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        }

        /** Writes the go line. */
        void go() throws IOException, InterruptedException {
            try (java.io.OutputStream o = writer.get()) {
                o.write((RuntimeContract.GO_MESSAGE + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }

        /** Ends the process if it still runs, and releases the FIFO's write end. */
        void close() throws InterruptedException, IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
            if (!writer.isDone()) {
                // the open of the write end still blocks: a reader's open releases it
                try (java.io.InputStream _ = Files.newInputStream(fifo)) {
                    // nothing to read
                }
            }
            try {
                writer.get().close();
            } catch (java.util.concurrent.ExecutionException e) {
                // the open failed: nothing to close
            }
        }
    }

    private static ProcessBuilder destinationProcess(Launcher launcher, Path binary, Path dst) {
        ProcessBuilder b = new ProcessBuilder(launcher.command(binary, List.of())).directory(dst.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dst.resolve("stdout").toFile()).redirectError(dst.resolve("stderr").toFile());
        new RuntimeEnvironment(PLATFORM, Optional.of(dst), OptionalLong.empty(), true, OptionalInt.empty(), true)
                .isolated().applyTo(b.environment());
        b.environment().put(RuntimeContract.ENV_EVENT_FILE, dst.resolve("events").toString());
        return b;
    }

    private double restore(Launcher launcher, Path binary, Path dst, String rest, String sourceOut, String expected,
                           Destination destination) throws BenchFailedException, IOException, InterruptedException {
        if (!expected.startsWith(sourceOut)) {
            throw new BenchFailedException("the source printed\n" + sourceOut + "which does not begin\n" + expected);
        }
        Path out = dst.resolve("stdout"), err = dst.resolve("stderr"), events = dst.resolve("events");
        long t0 = System.nanoTime();
        Process p;
        if (destination != null) {
            destination.go();
            p = destination.process;
        } else {
            p = destinationProcess(launcher, binary, dst).start();
        }
        try {
            await(events, "ready 1 ", p, "the destination's 'ready' event");
            double ms = (System.nanoTime() - t0) / 1e6;
            Files.writeString(dst.resolve("fast"), "");     // the rest of the run unpaced: same result, sooner
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) throw new BenchFailedException("the destination did not end");
            String printed = Files.readString(out);
            if (p.exitValue() != 0 || !printed.equals(rest)) {
                throw new BenchFailedException("the destination exited " + p.exitValue() + " after printing\n" + printed
                        + "instead of\n" + rest + Files.readString(err));
            }
            return ms;
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    private static void signal(Process p, String name) throws IOException, InterruptedException, BenchFailedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(p.pid()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).redirectErrorStream(true).start();
        String message = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (kill.waitFor() != 0) throw new BenchFailedException("kill -s " + name + " failed: " + message);
    }

    /** Polls file (every millisecond) until it holds a line starting with prefix. */
    private static void await(Path file, String prefix, Process p, String what)
            throws BenchFailedException, IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                if (text.startsWith(prefix) || text.contains("\n" + prefix)) return;
            }
            if (!p.isAlive()) throw new BenchFailedException("the program ended (exit " + p.exitValue() + ") before " + what);
            Thread.sleep(1);
        }
        throw new BenchFailedException("no " + what + " within " + TIMEOUT_MS / 1000 + " s");
    }

    static String render(List<SizeResult> results, int runs) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Downtime of a stop and restart, x86_64 -> x86_64, state rewritten at 1 %%/s; medians of %d runs%n", runs));
        s.append("(stop: SIGUSR1 to the source's exit; transfer: copy of the stop file; restore: restart to its ready event;"
                + " ahead-MODE: pre-copy with the destination started ahead with TALENT_AHEAD=MODE, restore timed from its go;"
                + " ahead ms: the images handed over before the stop, and with base the base restored ahead;"
                + " round ms: a round after the first, SIGURG to its precopy event; to stop ms: the last round's precopy"
                + " event to the SIGUSR1; pre dirty=VALUE: pre-copy with TALENT_DIRTY=VALUE)\n\n");
        s.append(String.format(Locale.ROOT, "%13s  %-14s %10s %11s %10s %10s %14s %12s %10s %10s%n", "state", "mode", "stop ms",
                "transfer ms", "restore ms", "downtime", "stop file", "ahead ms", "round ms", "to stop ms"));
        for (SizeResult r : results) {
            List<Map.Entry<String, List<Sample>>> modes = new ArrayList<>(List.of(Map.entry("full", r.full()), Map.entry("pre-copy", r.pre())));
            r.dirty().forEach((value, v) -> modes.add(Map.entry("pre dirty=" + value, v)));
            r.ahead().forEach((mode, v) -> modes.add(Map.entry("ahead-" + mode, v)));
            for (var mode : modes) {
                List<Sample> v = mode.getValue();
                boolean full = mode.getKey().equals("full");
                s.append(String.format(Locale.ROOT, "%13s  %-14s %10.1f %11.1f %10.1f %10.1f %14s %12s %10s %10s%n", r.label(), mode.getKey(),
                        median(v, Sample::stopMs), median(v, Sample::transferMs), median(v, Sample::restoreMs),
                        median(v, Sample::downtimeMs), String.format(Locale.ROOT, "%,d B", (long) median(v, x -> (double) x.stopBytes())),
                        full ? "-" : String.format(Locale.ROOT, "%.1f", median(v, Sample::aheadMs)),
                        full ? "-" : String.format(Locale.ROOT, "%.1f", median(v, Sample::roundMs)),
                        full ? "-" : String.format(Locale.ROOT, "%.1f", median(v, Sample::toStopMs))));
            }
            s.append(String.format(Locale.ROOT, "%13s  downtime full / pre-copy = %.2fx%n", r.label(),
                    median(r.full(), Sample::downtimeMs) / median(r.pre(), Sample::downtimeMs)));
            r.dirty().forEach((value, v) -> s.append(String.format(Locale.ROOT,
                    "%13s  pre dirty=%s / pre-copy: downtime %.2fx, round ms %.2fx%n", r.label(), value,
                    median(v, Sample::downtimeMs) / median(r.pre(), Sample::downtimeMs),
                    median(v, Sample::roundMs) / median(r.pre(), Sample::roundMs))));
            r.ahead().forEach((mode, v) -> s.append(String.format(Locale.ROOT, "%13s  downtime pre-copy / ahead-%s = %.2fx%n",
                    r.label(), mode, median(r.pre(), Sample::downtimeMs) / median(v, Sample::downtimeMs))));
        }
        s.append("\ntarget (issue 13): 1 GiB state, 1 %/s dirtying, <= 100 ms downtime natively with pre-copy\n");
        return s.toString();
    }

    private static double median(List<Sample> v, java.util.function.ToDoubleFunction<Sample> f) {
        return new Samples(v.stream().map(f::applyAsDouble).toList()).median();
    }
}
