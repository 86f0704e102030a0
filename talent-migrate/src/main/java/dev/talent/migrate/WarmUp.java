package dev.talent.migrate;

import dev.talent.format.ByteString;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.Frame;
import dev.talent.format.FrameVar;
import dev.talent.format.GlobalVar;
import dev.talent.format.HeapBlock;
import dev.talent.format.Meta;
import dev.talent.format.OpenFile;
import dev.talent.format.PendingWait;
import dev.talent.format.TypeDesc;
import dev.talent.format.Value;
import dev.talent.migrate.pipeline.CheckpointReceiver;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CheckpointSigner;
import dev.talent.migrate.pipeline.CheckpointVerifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the Java code of a migration's downtime ahead, on a tiny checkpoint built in memory, so that the first
 * migration of a {@code talent run} (or of a fleet agent's life) does not load, link and interpret it inside its
 * downtime: the source's take (read, validated by the Java reader, tagged, digested, signed) and the destination's
 * hand-over (signature verified, bytes received, digest checked, file placed), as {@code LocalHostFiles} calls them,
 * and the final sync beside them (a change journal drained, the changed files copied and verified), in a private
 * temporary directory that is removed afterwards. Started once per JVM on a daemon thread by the
 * commands that migrate, never by the others (their start-up stays lazy). Why: docs/ARCHITECTURE.md, "Warm-up".
 */
public final class WarmUp {
    /** Rounds of the final sync's copy, and of the fleet agent's check of its own chain. */
    static final int FILE_ROUNDS = 3;
    /** Rounds in memory (reader, digest): enough for the JIT's first tier to compile their hot methods. */
    static final int MEMORY_ROUNDS = 50;
    /** Rounds of signing and verifying in memory. */
    static final int SIGNATURE_ROUNDS = 3;
    private static final String APP = "talent-warm-up";
    private static final AtomicReference<CompletableFuture<Duration>> STARTED = new AtomicReference<>();

    private WarmUp() {}

    /**
     * Starts the warm-up on a daemon thread, once per JVM; later calls return the same future. It completes with the
     * time the warm-up took, or exceptionally with what went wrong (nothing depends on it: a migration then only pays
     * the cost it paid before).
     */
    public static CompletableFuture<Duration> start() {
        return start(null, null);
    }

    /**
     * As {@link #start()}, and then checks statements {@code signer} signs with {@code verifier} as a destination
     * would (a fleet agent: its own key and certificate chain against the fleet's CA, the certificate path code too).
     */
    public static CompletableFuture<Duration> start(CheckpointSigner signer, CheckpointVerifier verifier) {
        CompletableFuture<Duration> mine = new CompletableFuture<>();
        if (!STARTED.compareAndSet(null, mine)) return STARTED.get();
        if ("off".equals(System.getenv("TALENT_WARM_UP"))) { // to measure what it saves (talent bench migration)
            mine.complete(Duration.ZERO);
            return mine;
        }
        Thread t = new Thread(() -> {
            try {
                long t0 = System.nanoTime();
                Duration _ = run();
                if (signer != null) hostKeys(signer, verifier);
                mine.complete(Duration.ofNanos(System.nanoTime() - t0));
            } catch (IOException | CorruptCheckpointException | RuntimeException e) {
                mine.completeExceptionally(e);
            }
        }, "talent-warm-up");
        t.setDaemon(true);
        t.start();
        return mine;
    }

    /**
     * Waits at most {@code limit} for a started warm-up (before a stop, while the program runs: never inside a
     * downtime); returns at once when none was started or it is over. Returns what went wrong with it, if anything.
     */
    public static java.util.Optional<String> await(Duration limit) throws InterruptedException {
        CompletableFuture<Duration> f = STARTED.get();
        if (f == null) return java.util.Optional.empty();
        try {
            f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return java.util.Optional.empty();
        } catch (TimeoutException e) {
            return java.util.Optional.empty(); // still warming up: the migration goes on, paying what is left
        } catch (ExecutionException e) {
            return java.util.Optional.of("the warm-up of the migration path failed (the first migration pays for loading it): "
                    + e.getCause());
        }
    }

    /** The warm-up itself, on the calling thread; returns how long it took. */
    static Duration run() throws IOException, CorruptCheckpointException {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("talent-warm-up");
        try {
            AcceptedCheckpoints accepted = AcceptedCheckpoints.open(dir.resolve("accepted"), APP,
                    AcceptedCheckpoints.DEFAULT_MAX_BYTES);
            CheckpointSigner signer = CheckpointSigner.generate();
            CheckpointVerifier verifier = CheckpointVerifier.trusting(signer.publicKey());
            CheckpointReceiver receiver = new CheckpointReceiver(verifier, APP, AcceptedCheckpoints.DEFAULT_MAX_BYTES);
            Path source = Files.createDirectories(dir.resolve("ck"));
            Path incoming = dir.resolve("incoming");
            Path destination = Files.createDirectories(dir.resolve("destination"));
            // once through the files: what a pass loads and links is what matters, and a second take would write and
            // fsync the first one's recovery copy (keepPending), which no downtime does
            Files.write(source.resolve(name(1)), CheckpointWriter.write(tiny(1)));
            AcceptedCheckpoints.Taken t = accepted.take(source, passedOver -> { });
            AcceptedCheckpoints.Accepted a = t.accepted();
            CheckpointSignature s = signer.sign(APP, a.name(), a.sequence(), a.size(), a.sha256());
            receiver.receive(s, new ByteArrayInputStream(t.bytes()), incoming, destination, StateFiles::emptyDirectory);
            // the final sync beside it: the journal's changes copied and verified
            Path work = Files.createDirectories(dir.resolve("work"));
            Path replica = Files.createDirectories(dir.resolve("replica"));
            try (dev.talent.env.ChangeJournal journal = dev.talent.env.ChangeJournal.watch(work)) {
                for (int i = 1; i <= FILE_ROUNDS; i++) {
                    Files.writeString(work.resolve("state-" + i % 2), "round " + i + "\n");
                    dev.talent.env.SyncReport _ = dev.talent.env.TreeSync.copyChanged(work, replica, journal.drain(),
                            dev.talent.env.SyncLimits.DEFAULT);
                }
            }
            byte[] bytes = CheckpointWriter.write(tiny(FILE_ROUNDS + 1));
            String name = name(FILE_ROUNDS + 1);
            java.security.MessageDigest sha;
            try {
                sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available in this JDK", e);
            }
            byte[] digest = null;
            for (int i = 0; i < MEMORY_ROUNDS; i++) {
                Checkpoint c = CheckpointReader.read(bytes, name);
                if (c.meta().sequence() != FILE_ROUNDS + 1) throw new IllegalStateException("the warm-up checkpoint reads back wrong");
                digest = sha.digest(bytes);
            }
            // Ed25519 costs milliseconds a signature: a few rounds, whose inner loops the JIT compiles as they run
            for (int i = 0; i < SIGNATURE_ROUNDS; i++) {
                verifier.verify(signer.sign(APP, name, BigInteger.valueOf(FILE_ROUNDS + 1), bytes.length, digest), APP);
            }
            return Duration.ofNanos(System.nanoTime() - t0);
        } finally {
            StateFiles.deleteTree(dir);
        }
    }

    /** Statements signed by this host's signer, verified by its verifier (rounds enough to load the chain check). */
    static void hostKeys(CheckpointSigner signer, CheckpointVerifier verifier) throws IOException {
        byte[] digest = new byte[32];
        for (int i = 1; i <= FILE_ROUNDS; i++) {
            verifier.verify(signer.sign(APP, name(i), BigInteger.valueOf(i), 0, digest), APP);
        }
    }

    private static String name(long sequence) { return String.format("ckpt-%06d.tck", sequence); }

    /**
     * A checkpoint of a few hundred bytes with what a small program's has: globals (a struct with a pointer, an array
     * of doubles), a frame, a heap block, an open stream and a pending sleep.
     */
    static Checkpoint tiny(long sequence) {
        List<TypeDesc> types = List.of(
                new TypeDesc.SInt("int", 4, 32),
                new TypeDesc.Ptr("int *", 8, "int", 0),
                new TypeDesc.StructT("struct s", 16, List.of(new TypeDesc.Field("a", 0, 0), new TypeDesc.Field("p", 1, 0))),
                new TypeDesc.SInt("char", 1, 8),
                new TypeDesc.ArrayT("char[4]", 4, 3, 4),
                new TypeDesc.Ptr("FILE *", 8, "FILE", TypeDesc.UNKNOWN_TYPE),
                new TypeDesc.FloatT("double", 8, 64),
                new TypeDesc.ArrayT("double[8]", 64, 6, 8));
        Meta meta = new Meta("0123456789abcdef0123456789abcdef", "warm-up", "x86_64", 64, false, 1_000_000_000L, sequence,
                "periodic", 12, 2, "w.c:9:3", "main", List.of(ByteString.utf8("warm-up")));
        List<Value> doubles = java.util.stream.IntStream.range(0, 8).mapToObj(k -> (Value) Value.FloatValue.ofDouble(k * 0.5))
                .toList();
        List<Value> chars = java.util.stream.IntStream.range(0, 4).mapToObj(k -> (Value) Value.IntValue.of("abc\0".charAt(k)))
                .toList();
        return new Checkpoint(meta, types, List.of(ByteString.utf8("ok")),
                List.of(new GlobalVar("g", "g", "w.c:1:5", 2, new Value.StructValue(List.of(Value.IntValue.of(7),
                                new Value.ObjectRef(Value.ObjectKind.GLOBAL, 0, 0, List.of(0L), 0)))),
                        new GlobalVar("samples", "samples", "w.c:2:8", 7, new Value.ArrayValue(doubles))),
                List.of(new Frame("main", 0, 2, "w.c:9:3", List.of(
                        new FrameVar(0, "name", "w.c:8:8", 4, new Value.ArrayValue(chars)),
                        new FrameVar(1, "out", "w.c:8:30", 5, new Value.OpenStream(0))))),
                List.of(new HeapBlock(1, "w.c:7:9", false, 0, List.of(Value.IntValue.of(1), Value.IntValue.of(2)),
                        ByteString.of(new byte[] {9}))),
                List.of(new OpenFile(3, OpenFile.Kind.STREAM, 0, ByteString.utf8("/w/out"), OpenFile.Access.WRITE_ONLY, 0, 0,
                        "w", 5, 5, "w.c:5:9")),
                new PendingWait(true, 500));
    }
}
