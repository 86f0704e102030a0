package dev.talent.migrate.pipeline;

import dev.talent.env.SyncReport;
import dev.talent.migrate.CheckpointRefusedException;
import dev.talent.migrate.RuntimeEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An in-memory host for the pipeline's tests: its containers run a pretend program whose whole state is a counter,
 * which it writes into a checkpoint when asked to stop and reads back when restarted. Knobs make each step fail.
 * Its checkpoint directory is a real temporary directory so that the real {@link CheckpointReceiver} checks what
 * reaches it; everything else is memory. Every action is logged in order to {@link #journal}.
 */
final class FakeHost implements HostContainers, HostFiles {

    /** What the program does when asked to checkpoint and exit. */
    enum OnStop { CHECKPOINT, SILENT, CHECKPOINT_FAILS, ENDS_ON_ITS_OWN }

    /**
     * What a restored program does once started: reports Ready; exits (status 1) without it; says nothing; or
     * resumes and ends at once (status 0), its exit read before its Ready.
     */
    enum OnRestore { READY, EXITS, SILENT, ENDS_AT_ONCE }

    final String name;
    final Path checkpoints;
    final Path incoming;
    final List<String> journal;
    final LinkedBlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();
    /** talent's accepted checkpoints of this host (name -> bytes), out of the program's reach. */
    final TreeMap<String, byte[]> accepted = new TreeMap<>();
    final List<FakeContainer> containers = new ArrayList<>();
    CheckpointSigner signer = CheckpointSigner.generate();
    CheckpointReceiver receiver;

    long counter = 41;
    OnStop onStop = OnStop.CHECKPOINT;
    OnRestore onRestore = OnRestore.READY;
    /** Reading the runtime's events fails with an unexpected exception (a bug, a closed channel). */
    boolean eventsBroken;
    boolean signalFails, lockFails, unlockFails, takeFails, restoreFails, startFails, createFails;
    /** The next this many unlocks fail (then they work), besides {@link #unlockFails}. */
    int unlockFailsTimes;
    /** A container started ahead never comes to wait for its go. */
    boolean aheadNeverWaits;
    /** A byte of the checkpoint is flipped on its way out (a hostile network or store). */
    boolean tamperInTransit;
    /** What binds the checkpoints this host takes to its byte order (null: nothing). */
    dev.talent.format.ByteOrderBinding binding;
    /** Whether this host's platform is big-endian (null: this side does not say). */
    Boolean bigEndian;
    /** The checkpoint leaves unsigned. */
    boolean unsigned;
    /**
     * Not null: a checkpoint is received only once this latch opened (or, so that a wrong order fails rather than
     * hangs, after at most {@link #RECEIVE_WAIT_SECONDS}).
     */
    java.util.concurrent.CountDownLatch receiveAfter;
    /** Counted down as a checkpoint's receipt begins (null: nothing). */
    java.util.concurrent.CountDownLatch receiving;
    static final long RECEIVE_WAIT_SECONDS = 10;
    /** The taken checkpoint joins {@link #accepted} only at {@link #keepTakenCheckpoint()} (talent run's way). */
    boolean keepLater;
    /** Keeping the taken checkpoint fails (disk full). */
    boolean keepFails;
    /** The checkpoint taken but not kept yet (name -> bytes), with {@link #keepLater}. */
    final TreeMap<String, byte[]> pending = new TreeMap<>();
    private int serial;
    /** Pre-copy: the delta each round reports (index = round - 1; -1 for none); rounds taken so far. */
    long[] precopyDeltas = {-1, 1000, 990, 980, 970};
    int precopyRounds;
    /** The program does not answer pre-copy requests (a runtime without pre-copy). */
    boolean precopySilent;
    /** The pre-copy request ends the program (it ended on its own meanwhile). */
    boolean precopyEnds;

    FakeHost(String name, Path dir, List<String> journal) throws IOException {
        this.name = name;
        this.checkpoints = Files.createDirectories(dir.resolve(name).resolve("ck"));
        this.incoming = dir.resolve(name).resolve("incoming");
        this.journal = journal;
    }

    /** Destinations of this test trust {@code source}'s key. */
    void trust(CheckpointSigner source) {
        receiver = new CheckpointReceiver(CheckpointVerifier.trusting(source.publicKey()), "app", 1 << 20);
    }

    /** A program already running here (the migration's source). */
    FakeContainer running() {
        serial++;
        FakeContainer c = new FakeContainer(name + "-" + serial, false, Optional.empty());
        c.running = true;
        containers.add(c);
        return c;
    }

    List<FakeContainer> alive() {
        return containers.stream().filter(c -> !c.deleted).toList();
    }

    List<String> checkpointFiles() throws IOException {
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public String name() { return name; }

    @Override
    public FakeContainer create(boolean restart, Optional<String> fault) throws IOException {
        if (createFails) throw new IOException("runc create failed on " + name);
        serial++;
        FakeContainer c = new FakeContainer(name + "-" + serial, restart, fault);
        containers.add(c);
        journal.add(name + " create " + c.id);
        return c;
    }

    @Override
    public FakeContainer createStartedAhead(Optional<String> fault) throws IOException {
        if (createFails) throw new IOException("runc create failed on " + name);
        serial++;
        FakeContainer c = new FakeContainer(name + "-" + serial, true, fault);
        c.ahead = true;
        c.running = true;
        containers.add(c);
        journal.add(name + " create and start ahead " + c.id);
        return c;
    }

    @Override
    public RuntimeEvent nextEvent(Duration timeout) throws InterruptedException {
        if (eventsBroken) throw new IllegalStateException("the event channel of " + name + " is closed");
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void clearEvents() { events.clear(); }

    @Override
    public java.util.Optional<Boolean> bigEndian() { return java.util.Optional.ofNullable(bigEndian); }

    @Override
    public void clearCheckpoints() throws IOException { CheckpointSigningTest.empty(checkpoints); }

    @Override
    public OutgoingCheckpoint takeCheckpoint() throws IOException {
        if (takeFails) throw new CheckpointRefusedException("the program's checkpoint directory holds no checkpoint");
        List<String> files = checkpointFiles().stream().filter(f -> f.startsWith("ckpt-")).toList();
        if (files.isEmpty()) throw new CheckpointRefusedException("no checkpoint on " + name);
        String newest = files.getLast();
        byte[] bytes = Files.readAllBytes(checkpoints.resolve(newest));
        (keepLater ? pending : accepted).put(newest, bytes);
        journal.add(name + " accepted " + newest);
        BigInteger sequence = new BigInteger(newest.substring(5, newest.length() - 4));
        CheckpointSignature s = signer.sign("app", newest, sequence, bytes.length, CheckpointSigningTest.sha256(bytes));
        if (unsigned) s = s.withSignature(new byte[0]);
        byte[] sent = bytes.clone();
        if (tamperInTransit) sent[sent.length - 1] ^= 1;
        return new OutgoingCheckpoint(newest, sequence, 1, s, () -> new ByteArrayInputStream(sent),
                java.util.Optional.ofNullable(binding));
    }

    @Override
    public void keepTakenCheckpoint() throws IOException {
        if (pending.isEmpty()) return;
        String kept = pending.firstKey();
        byte[] bytes = pending.remove(kept);
        if (keepFails) throw new IOException("no space left on device");
        accepted.put(kept, bytes);
        journal.add(name + " kept " + kept);
    }

    @Override
    public void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException {
        if (receiving != null) receiving.countDown();
        if (receiveAfter != null) {
            try {
                receiveAfter.await(RECEIVE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        receiver.receive(signed, bytes, incoming, checkpoints, CheckpointSigningTest::empty);
        journal.add(name + " received " + signed.name());
    }

    @Override
    public OutgoingCheckpoint takePrecopyImage(String image) throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoints.resolve(image));
        accepted.put(image, bytes);
        journal.add(name + " accepted " + image);
        BigInteger round = new BigInteger(image.substring(4, image.length() - 4));
        CheckpointSignature s = signer.sign("app", image, round, bytes.length, CheckpointSigningTest.sha256(bytes));
        return new OutgoingCheckpoint(image, round, 0, s, () -> new ByteArrayInputStream(bytes));
    }

    @Override
    public void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
        receiver.receive(signed, bytes, incoming, checkpoints, CheckpointSigningTest::empty);
        journal.add(name + " received " + signed.name());
    }

    @Override
    public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException {
        clearCheckpoints();
        if (restoreFails) {
            warn.accept("checkpoint fails its authentication");
            return new RestoredCheckpoints(0, List.of("checkpoint fails its authentication"));
        }
        for (var e : accepted.entrySet()) Files.write(checkpoints.resolve(e.getKey()), e.getValue());
        journal.add(name + " restored " + accepted.keySet());
        return new RestoredCheckpoints(accepted.size(), List.of());
    }

    @Override
    public String whereStateIs() { return "the checkpoints are on " + name; }

    /** A container of the pretend program. */
    final class FakeContainer implements AppContainer {
        final String id;
        final boolean restart;
        final Optional<String> fault;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        boolean running, deleted, locked;
        /** Prepared to hold the app's traffic from the lock on (NetworkSlot.prepareHold); holding: it does. */
        boolean holds, holding;
        /** Its hold keeps the traffic off the source by itself (one host's pinned MAC; holdPinsTraffic). */
        boolean pins;
        /** Started ahead: running, its runtime waits for the go that start() gives. */
        boolean ahead;
        /** Started ahead with TALENT_AHEAD=base: a base named to it is restored ahead (restoreAhead). */
        boolean restoresBase;
        /** What its {@code ahead} event reports for a base named to it; negative: no event (it never says). */
        long aheadBytes = 1 << 20;
        /** Its runtime ends (exit 64) when a base is named to it. */
        boolean aheadExits;
        /** The checkpoint a restarted program restored (its counter), if any. */
        String restoredFrom;

        FakeContainer(String id, boolean restart, Optional<String> fault) {
            this.id = id;
            this.restart = restart;
            this.fault = fault;
        }

        @Override
        public String id() { return id; }

        @Override
        public boolean hasNetwork() { return true; }

        @Override
        public void lockNetwork() throws IOException {
            if (lockFails) throw new IOException("cannot take the port down");
            locked = true;
            holding = false;
            journal.add(name + " lock " + id);
        }

        @Override
        public boolean holdNetwork() {
            if (!holds) return false;
            journal.add(name + " hold " + id);
            holding = true;
            return true;
        }

        @Override
        public boolean holdPinsTraffic() { return pins; }

        @Override
        public void unlockNetwork() throws IOException {
            if (unlockFails || unlockFailsTimes > 0) {
                if (unlockFailsTimes > 0) unlockFailsTimes--;
                journal.add(name + " unlock failed " + id);
                throw new IOException("cannot bring the port up");
            }
            locked = false;
            holding = false;
            journal.add(name + " unlock " + id);
        }

        @Override
        public boolean signal(Signal signal) throws IOException {
            if (signalFails) throw new IOException("no such process");
            journal.add(name + " signal " + signal + " " + id);
            if (!running) {
                exit.complete(137);
                return false;
            }
            long now = System.nanoTime();
            switch (signal) {
                case CHECKPOINT_AND_EXIT -> {
                    switch (onStop) {
                        case CHECKPOINT -> {
                            String file = String.format("ckpt-%06d.tck", counter);
                            Files.writeString(checkpoints.resolve(file), "TALENTCK counter=" + counter, StandardCharsets.US_ASCII);
                            events.add(new RuntimeEvent.CheckpointWritten(counter, now));
                            exited(75);
                        }
                        case CHECKPOINT_FAILS -> events.add(new RuntimeEvent.CheckpointFailed("disk full", now));
                        case ENDS_ON_ITS_OWN -> exited(0);
                        case SILENT -> { }
                    }
                }
                case PRECOPY_ROUND -> {
                    if (precopyEnds) {
                        exited(0);
                    } else if (!precopySilent) {
                        precopyRounds++;
                        String image = String.format("pre-%06d.tck", precopyRounds);
                        Files.writeString(checkpoints.resolve(image), "TALENTCK image " + precopyRounds + " counter="
                                + counter, StandardCharsets.US_ASCII);
                        events.add(new RuntimeEvent.Precopied(precopyRounds, image, Files.size(checkpoints.resolve(image)),
                                precopyDeltas[precopyRounds - 1], now));
                    }
                }
                case TERMINATE, KILL -> exited(137);
            }
            return true;
        }

        private void exited(int status) {
            running = false;
            events.add(new RuntimeEvent.ProcessExited(id, status, System.nanoTime()));
            exit.complete(status);
        }

        @Override
        public boolean startedAhead() { return ahead; }

        @Override
        public boolean restoresBaseAhead() { return ahead && restoresBase; }

        @Override
        public void restoreAhead(String image) throws IOException {
            if (!restoresBaseAhead() || exit.isDone()) throw new IOException("container " + id + " does not wait for its go");
            journal.add(name + " base " + image + " " + id);
            if (aheadExits) {
                exited(64);
                return;
            }
            if (!Files.isRegularFile(checkpoints.resolve(image))) throw new IllegalStateException("no " + image + " here");
            if (aheadBytes >= 0) events.add(new RuntimeEvent.AheadRestored(image, aheadBytes, System.nanoTime()));
        }

        @Override
        public void awaitReady(Duration timeout) throws IOException {
            journal.add(name + " ready? " + id);
            if (exit.isDone()) throw new IOException("container " + id + " ended before it waited for its go");
            if (aheadNeverWaits) throw new IOException("container " + id + " does not wait for its go after "
                    + timeout.toMillis() + " ms");
        }

        @Override
        public void start() throws IOException {
            if (ahead) {
                if (startFails || exit.isDone()) throw new IOException("container " + id + " does not wait for its go");
                journal.add(name + " go " + id);
            } else {
                if (startFails || exit.isDone()) throw new IOException("runc start failed for container " + id);
                journal.add(name + " start " + id);
            }
            running = true;
            if (!restart) return;
            List<String> files = checkpointFiles();
            if (files.isEmpty()) {
                exited(70);
                return;
            }
            restoredFrom = Files.readString(checkpoints.resolve(files.getLast()), StandardCharsets.US_ASCII);
            switch (onRestore) {
                case READY -> events.add(new RuntimeEvent.Ready(counter, name, System.nanoTime()));
                case EXITS -> exited(1);
                case SILENT -> { }
                case ENDS_AT_ONCE -> {
                    exited(0);
                    events.add(new RuntimeEvent.Ready(counter, name, System.nanoTime()));
                }
            }
        }

        @Override
        public CompletableFuture<Integer> onExit() { return exit; }

        @Override
        public String logTail(int lines) { return "log of " + id; }

        @Override
        public void delete() {
            journal.add(name + " delete " + id);
            deleted = true;
            running = false;
            exit.complete(137);
        }
    }

    /** The destination's replica: the final sync fails on demand. */
    static final class FakeReplica implements WorkdirTransport {
        boolean fails;
        boolean closed;
        /** How long the final sync takes. */
        long millis;
        /** Run once the final sync made its copies (null: nothing). */
        Runnable onFinalSync;
        /** Run as the final sync fails, with {@link #fails} (null: nothing). */
        Runnable onFinalSyncFailure;
        final List<String> journal;

        FakeReplica(List<String> journal) { this.journal = journal; }

        @Override
        public SyncReport mirror() { return new SyncReport("mirror", 0, 0, 0, 0, 0); }

        /** Whether a pre-sync fails (after it copied part of what changed). */
        boolean presyncFails;

        @Override
        public SyncReport presync() throws IOException {
            journal.add("presync");
            if (presyncFails) throw new IOException("no space left on device (pre-sync)");
            return new SyncReport("journal", 2, 1, 5, 0, 0);
        }

        @Override
        public SyncReport finalSync() throws IOException {
            syncing = true;
            try {
                return finalSyncRunning();
            } finally {
                syncing = false;
            }
        }

        /** Whether a final sync runs now. */
        volatile boolean syncing;
        /** Whether the replica was closed (its destination discarded) while a final sync still ran. */
        volatile boolean closedWhileSyncing;

        private SyncReport finalSyncRunning() throws IOException {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (fails) {
                if (onFinalSyncFailure != null) onFinalSyncFailure.run();
                throw new IOException("no space left on device");
            }
            journal.add("final sync");
            if (onFinalSync != null) onFinalSync.run();
            return new SyncReport("journal", 1, 0, 3, 0, 0);
        }

        @Override
        public void close() {
            closedWhileSyncing |= syncing;
            closed = true;
        }
    }
}
