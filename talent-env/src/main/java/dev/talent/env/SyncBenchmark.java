package dev.talent.env;

import dev.talent.base.Executables;
import dev.talent.base.FileTrees;
import dev.talent.base.Median;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The final-sync benchmark: a tree of many small files, two replicas of it, a few files changed per round;
 * each round brings one replica up to date with {@link ChangeJournal#drain()} + {@link TreeSync#copyChanged}
 * (SHA-256 verified) and the other with {@code rsync -a src/ dst/}, in alternating order, and checks that both
 * replicas then hold the changed files. A measurement, not a test: results come back as a {@link Result},
 * progress as {@link Progress} events; it never prints.
 */
public final class SyncBenchmark {

    /** What to measure. */
    public record Settings(int files, int directories, int rounds, int changesPerRound) {
        public static final int DEFAULT_FILES = 100_000;
        public static final int DEFAULT_ROUNDS = 5;
        public static final int DEFAULT_CHANGES = 10;

        public Settings {
            if (files < 1) throw new IllegalArgumentException("files must be at least 1, not " + files);
            if (directories < 1 || directories > files) {
                throw new IllegalArgumentException("directories must be between 1 and the number of files, not " + directories);
            }
            if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
            if (changesPerRound < 1 || (long) changesPerRound * rounds > files) {
                throw new IllegalArgumentException("cannot change " + changesPerRound + " new files in each of " + rounds
                        + " rounds in a tree of " + files + " files");
            }
        }

        /** {@code files} files in about one directory per 100 files, 10 changed files per round. */
        public static Settings of(int files, int rounds) {
            return new Settings(files, Math.max(1, files / 100), rounds, DEFAULT_CHANGES);
        }
    }

    /** Progress, for a command to show while the benchmark runs. */
    public sealed interface Progress {
        record BuildingTree(int files, int directories, Path where) implements Progress {}

        /** Making the initial replica with {@code tool}. */
        record FullCopy(String tool) implements Progress {}

        record Round(int round, int rounds) implements Progress {}

        record CleaningUp(Path where) implements Progress {}
    }

    /** One round: this implementation's final sync split in its two steps, and rsync's. */
    public record RoundResult(long drainNanos, long copyNanos, long rsyncNanos, SyncReport report) {
        public long oursNanos() { return drainNanos + copyNanos; }
    }

    /**
     * The measurements.
     *
     * @param treeBytes          bytes in the tree's files
     * @param watchNanos         starting the journal (a watch on every directory)
     * @param fullCopy           our initial full copy (verified)
     * @param rsyncFullCopyNanos rsync's initial full copy
     * @param rsyncVersion       the first line of {@code rsync --version}
     */
    public record Result(Settings settings, long treeBytes, long watchNanos, SyncReport fullCopy, long rsyncFullCopyNanos,
                         List<RoundResult> rounds, String rsyncVersion) {
        public Result { rounds = List.copyOf(rounds); }

        public double medianOursMs() { return medianMs(RoundResult::oursNanos); }

        public double medianDrainMs() { return medianMs(RoundResult::drainNanos); }

        public double medianCopyMs() { return medianMs(RoundResult::copyNanos); }

        public double medianRsyncMs() { return medianMs(RoundResult::rsyncNanos); }

        /** How many times faster our final sync is than rsync's: median rsync time / median ours. */
        public double ratio() { return medianRsyncMs() / medianOursMs(); }

        private double medianMs(ToLongFunction<RoundResult> nanos) {
            return Median.of(rounds.stream().mapToLong(nanos).toArray()) / 1e6;
        }
    }

    /** The benchmark cannot produce a trustworthy result: rsync missing or failing, or a replica is wrong. */
    public static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        public Failed(String message) { super(message); }
    }

    private static final long SEED = 0x7a1e_47;

    private final Settings settings;
    private final Consumer<Progress> progress;

    private SyncBenchmark(Settings settings, Consumer<Progress> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** rsync on the PATH, if there is one. */
    public static Optional<Path> findRsync() {
        return Executables.onPath("rsync");
    }

    /**
     * Runs the benchmark in a new directory under {@code scratchParent}, removed at the end.
     *
     * @throws Failed if rsync is not installed (the message says how to install it) or fails, or a replica is wrong
     */
    public static Result run(Settings settings, Path scratchParent, Consumer<Progress> progress)
            throws Failed, IOException, InterruptedException {
        Path rsync = findRsync().orElseThrow(() -> new Failed("rsync is not installed (apt-get install rsync)"));
        Path scratch = Files.createTempDirectory(scratchParent, "talent-bench-sync-");
        try {
            return new SyncBenchmark(settings, progress).measure(rsync, scratch);
        } finally {
            progress.accept(new Progress.CleaningUp(scratch));
            deleteTree(scratch);
        }
    }

    private Result measure(Path rsync, Path scratch) throws Failed, IOException, InterruptedException {
        Path src = scratch.resolve("src");
        Path ours = scratch.resolve("replica-talent");
        Path theirs = scratch.resolve("replica-rsync");
        Path rsyncLog = scratch.resolve("rsync.log");
        String version = runRsync(rsyncLog, rsync.toString(), "--version").output().lines().findFirst().orElse("rsync");

        progress.accept(new Progress.BuildingTree(settings.files(), settings.directories(), src));
        List<Path> files = new ArrayList<>(settings.files());
        long treeBytes = buildTree(src, files);

        progress.accept(new Progress.FullCopy("talent"));
        SyncReport fullCopy = TreeSync.mirror(src, ours);
        progress.accept(new Progress.FullCopy("rsync -a"));
        long rsyncFullCopy = timeRsync(rsync, rsyncLog, src, theirs);

        long watchStart = System.nanoTime();
        try (ChangeJournal journal = ChangeJournal.watch(src)) {
            long watchNanos = System.nanoTime() - watchStart;
            SplittableRandom random = new SplittableRandom(SEED + 1);
            List<Path> shuffled = new ArrayList<>(files);
            for (int i = shuffled.size() - 1; i > 0; i--) Collections.swap(shuffled, i, random.nextInt(i + 1));
            List<RoundResult> rounds = new ArrayList<>();
            for (int round = 0; round < settings.rounds(); round++) {
                progress.accept(new Progress.Round(round + 1, settings.rounds()));
                List<Path> changed = shuffled.subList(round * settings.changesPerRound(), (round + 1) * settings.changesPerRound());
                for (Path file : changed) Files.writeString(src.resolve(file), "changed in round " + round + " " + file);
                // Alternate who goes first, so neither always finds the page cache warmed by the other.
                RoundResult result;
                if (round % 2 == 0) {
                    result = syncOurs(journal, src, ours);
                    result = new RoundResult(result.drainNanos(), result.copyNanos(), timeRsync(rsync, rsyncLog, src, theirs), result.report());
                } else {
                    long rsyncNanos = timeRsync(rsync, rsyncLog, src, theirs);
                    RoundResult oursOnly = syncOurs(journal, src, ours);
                    result = new RoundResult(oursOnly.drainNanos(), oursOnly.copyNanos(), rsyncNanos, oursOnly.report());
                }
                checkReplicas(src, ours, theirs, changed);
                rounds.add(result);
            }
            return new Result(settings, treeBytes, watchNanos, fullCopy, rsyncFullCopy, rounds, version);
        }
    }

    private static RoundResult syncOurs(ChangeJournal journal, Path src, Path replica) throws IOException {
        long start = System.nanoTime();
        Changes changes = journal.drain();
        long drained = System.nanoTime();
        SyncReport report = TreeSync.copyChanged(src, replica, changes);
        long copied = System.nanoTime();
        return new RoundResult(drained - start, copied - drained, 0, report);
    }

    /** Files of 64..1023 bytes, spread round-robin over directories two levels deep; returns the bytes written. */
    private long buildTree(Path src, List<Path> files) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Path> directories = new ArrayList<>(settings.directories());
        for (int d = 0; d < settings.directories(); d++) {
            Path dir = Path.of("g" + d / 100, "d" + d);
            Files.createDirectories(src.resolve(dir));
            directories.add(dir);
        }
        long bytes = 0;
        byte[] content = new byte[1024];
        for (int f = 0; f < settings.files(); f++) {
            Path file = directories.get(f % directories.size()).resolve("f" + f + ".dat");
            int size = 64 + random.nextInt(960);
            random.nextBytes(content);
            Files.write(src.resolve(file), Arrays.copyOf(content, size));
            files.add(file);
            bytes += size;
        }
        return bytes;
    }

    private record RsyncRun(int exitCode, String output) {}

    private static long timeRsync(Path rsync, Path log, Path src, Path dst) throws Failed, IOException, InterruptedException {
        long start = System.nanoTime();
        RsyncRun run = runRsync(log, rsync.toString(), "-a", src + "/", dst + "/");
        long nanos = System.nanoTime() - start;
        if (run.exitCode() != 0) {
            throw new Failed("rsync -a " + src + "/ " + dst + "/ failed with exit status " + run.exitCode() + ": "
                    + tail(run.output()));
        }
        return nanos;
    }

    private static RsyncRun runRsync(Path log, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        int exit = process.waitFor();
        return new RsyncRun(exit, Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    }

    private static void checkReplicas(Path src, Path ours, Path theirs, List<Path> changed) throws Failed, IOException {
        for (Path file : changed) {
            byte[] expected = Files.readAllBytes(src.resolve(file));
            if (!Arrays.equals(expected, Files.readAllBytes(ours.resolve(file)))) {
                throw new Failed("the journal sync did not bring " + ours.resolve(file) + " up to date");
            }
            if (!Arrays.equals(expected, Files.readAllBytes(theirs.resolve(file)))) {
                throw new Failed("rsync did not bring " + theirs.resolve(file) + " up to date");
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        FileTrees.deleteRecursively(root);
    }
}
