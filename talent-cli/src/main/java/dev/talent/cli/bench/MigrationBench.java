package dev.talent.cli.bench;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.container.ContainerException;
import dev.talent.migrate.Interval;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.Orchestrator;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.RunRequest;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code talent bench migration} (issue #5): the downtime of live migrations as {@code talent run} performs them.
 * The bundled migration.c is built for every platform of the scenarios; for each scenario the orchestrator runs it
 * in runc containers, in this JVM, and migrates it at random intervals until {@code migrations} migrations
 * succeeded; the program counts the changes of its container's host name and ends on its own after that many.
 * Its stdout (sent to a file, apart from the report) and its working directory must then equal those of an
 * uninterrupted run of as many steps on x86_64, else the benchmark fails: it must not time a broken run.
 */
public final class MigrationBench {

    public static final String SOURCE = "migration.c";
    static final String NAME = "migration";
    static final Platform X86_64 = Platform.glibc(Isa.X86_64);
    static final Platform X86_64_MUSL = Platform.parse("x86_64-musl");
    /** The program's pace: short steps, so that its state changes between any two migrations. */
    static final long STEP_MS = 10;
    /** Step budget per migration beyond the longest interval: a run that stalls ends on its own, then fails. */
    private static final long SPARE_MS_PER_MIGRATION = 10_000;
    private static final Pattern DONE = Pattern.compile("(?m)^done steps (\\d+) crc [0-9a-f]{8}\\n\\z");
    private static final int LOG_TAIL_LINES = 20;

    /**
     * What one {@code talent bench migration} run measures: how many migrations, how often, and on which ISAs.
     *
     * @param migrations successful migrations per scenario
     * @param foreign    the other ISAs of the cross-ISA scenario (with x86_64); those this host lacks are left out;
     *                   none: no cross-ISA scenario
     * @param starts     how destinations are started, each scenario once per entry, one after the other
     * @param stateMib   sizes of the program's large global array (its own build each, -DSTATE_MIB), each its own
     *                   scenarios; empty: none
     * @param precopy    pre-copy rounds before each stop (talent run --precopy), 0: none
     * @param ahead      with pre-copy: what a destination started ahead does (talent run --ahead), each its own
     *                   scenario, one right after the other; empty: talent run's default
     */
    public record Settings(int migrations, Interval every, long seed, List<Platform> foreign,
                           List<MigrationReport.Start> starts, List<Integer> stateMib, int precopy, List<String> ahead) {
        public Settings(int migrations, Interval every, long seed, List<Platform> foreign, List<MigrationReport.Start> starts) {
            this(migrations, every, seed, foreign, starts, List.of(), 0, List.of());
        }

        public Settings {
            foreign = List.copyOf(foreign);
            starts = List.copyOf(starts);
            stateMib = List.copyOf(stateMib);
            ahead = List.copyOf(ahead);
            if (migrations < 1) throw new IllegalArgumentException("at least one migration, not " + migrations);
            if (starts.isEmpty()) throw new IllegalArgumentException("no way to start the destinations");
        }
    }

    private final BenchWorkspace workspace;

    public MigrationBench(BenchWorkspace workspace) { this.workspace = workspace; }

    public MigrationReport run(Settings settings) throws BenchFailedException, IOException, InterruptedException {
        List<Platform> nativePair = List.of(X86_64, X86_64_MUSL);
        if (workspace.usable(nativePair).size() != nativePair.size()) {
            throw new BenchFailedException("the native -> native scenario needs x86_64 and x86_64-musl binaries, which this"
                    + " host cannot build or run; see `talent platforms`");
        }
        List<Platform> foreign = workspace.usable(settings.foreign());
        if (foreign.isEmpty() && !settings.foreign().isEmpty()) {
            throw new BenchFailedException("no foreign ISA of " + BenchWorkspace.platformNames(settings.foreign())
                    + " can be built and run here for the cross-ISA scenario; see `talent platforms`");
        }
        List<Platform> cross = Stream.concat(Stream.of(X86_64), foreign.stream()).toList();
        List<Platform> all = Stream.concat(nativePair.stream(), foreign.stream()).toList();
        Path source = workspace.extract(SOURCE);
        String loadBefore = loadAverage();
        List<MigrationReport.Scenario> scenarios = new ArrayList<>();
        List<Integer> sizes = settings.stateMib().isEmpty() ? List.of(0) : settings.stateMib();
        List<String> modes = settings.ahead().isEmpty() ? java.util.Collections.singletonList(null) : settings.ahead();
        for (int mib : sizes) {
            String name = mib == 0 ? NAME : NAME + mib;
            Path variant = source;
            if (mib > 0) {
                variant = source.resolveSibling(name + ".c");
                Files.writeString(variant, "#define STATE_MIB " + mib + "\n" + Files.readString(source));
            }
            Map<Platform, Path> binaries = workspace.buildInstrumented(variant, name, all);
            Path program = binaries.get(X86_64).resolveSibling(name);
            String size = mib == 0 ? "" : ", " + mib + " MiB";
            // each scenario both ways (and each --ahead mode) one right after the other, so that they see about the same load
            for (MigrationReport.Start start : settings.starts()) {
                for (String mode : modesOf(start, modes)) {
                    scenarios.add(scenario("native -> native" + size + ahead(mode, start), "native" + mib, true, nativePair,
                            program, settings, start, mode));
                }
            }
            for (MigrationReport.Start start : foreign.isEmpty() ? List.<MigrationReport.Start>of() : settings.starts()) {
                for (String mode : modesOf(start, modes)) {
                    scenarios.add(scenario("cross-ISA" + size + ahead(mode, start), "cross" + mib, false, cross, program,
                            settings, start, mode));
                }
            }
        }
        return new MigrationReport(scenarios, settings.migrations(), settings.every(), settings.seed(), STEP_MS, loadBefore,
                loadAverage(), Runtime.getRuntime().availableProcessors());
    }

    /** Collects what the orchestrator reports; runs on the orchestrator's thread. */
    private final class Observer {
        final String title;
        final int wanted;
        final List<MigrationRecord> records = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int succeeded;

        Observer(String title, int wanted) {
            this.title = title;
            this.wanted = wanted;
        }

        void accept(RunEvent event) {
            switch (event) {
                case RunEvent.Migrated m -> record(m.record());
                case RunEvent.MigrationFailed f -> record(f.record());
                case RunEvent.Warning w -> notes.add(w.message());
                default -> { }
            }
        }

        private void record(MigrationRecord r) {
            records.add(r);
            if (r.ok()) succeeded++;
            workspace.events().accept(new BenchEvent.Migration(title, succeeded, wanted, r));
        }
    }

    /** A destination that is not started ahead does nothing ahead: one scenario (talent run's default) for all modes. */
    private static List<String> modesOf(MigrationReport.Start start, List<String> modes) {
        return start == MigrationReport.Start.AHEAD ? modes : java.util.Collections.singletonList(null);
    }

    /** The title's part naming the --ahead mode, for destinations started ahead with pre-copy. */
    private static String ahead(String mode, MigrationReport.Start start) {
        return mode == null || start != MigrationReport.Start.AHEAD ? "" : ", ahead " + mode;
    }

    private MigrationReport.Scenario scenario(String title, String label, boolean nativeOnly, List<Platform> platforms, Path program,
                                              Settings settings, MigrationReport.Start start, String mode)
            throws BenchFailedException, IOException, InterruptedException {
        title = title + " (" + start.label() + ")";
        label = label + (start == MigrationReport.Start.AHEAD ? "-ahead" + (mode == null ? "" : "-" + mode) : "");
        Path dir = workspace.freshDirectory(label);
        Path workdir = Files.createDirectories(dir.resolve("work"));
        Path stdout = dir.resolve("stdout.txt");
        Files.createFile(stdout);
        long maxSteps = settings.migrations() * (settings.every().max().toMillis() + SPARE_MS_PER_MIGRATION) / STEP_MS;
        RunRequest request = new RunRequest("bench-" + label + "-" + ProcessHandle.current().pid(), program,
                List.of(Long.toString(maxSteps), Long.toString(STEP_MS), Integer.toString(settings.migrations())), platforms,
                Optional.of(settings.every()), OptionalInt.of(settings.migrations()), workdir, dir.resolve("state"),
                Duration.ofSeconds(30), Optional.empty(), Optional.empty(), Optional.of(settings.seed()), Optional.of(stdout));
        Observer observer = new Observer(title, settings.migrations());
        int status;
        try {
            Orchestrator orchestrator = new Orchestrator(request, Orchestrator.Timeouts.defaults(), observer::accept);
            orchestrator.usePrestart(start == MigrationReport.Start.AHEAD);
            orchestrator.usePrecopy(settings.precopy());
            if (mode != null) orchestrator.useAhead(mode);
            status = orchestrator.run();
        } catch (MigrationFailedException e) {
            throw new BenchFailedException(title + ": the program could not be kept running: " + e.step().label() + ": "
                    + e.describe(), e);
        } catch (ContainerException e) {
            throw new BenchFailedException(title + ": " + e.getMessage()
                    + (e.logTail().isBlank() ? "" : "\ncontainer log:\n" + e.logTail().stripTrailing()), e);
        }
        if (status != 0) {
            throw new BenchFailedException(title + ": the program exited with status " + status + " on "
                    + lastPlatform(observer, platforms) + "\n" + lastLogTail(dir.resolve("state").resolve("logs")));
        }
        if (observer.succeeded < settings.migrations()) {
            throw new BenchFailedException(title + ": the program ended after " + observer.succeeded + " of "
                    + settings.migrations() + " successful migrations (" + observer.records.size() + " attempted)");
        }
        String output = Files.readString(stdout);
        Matcher done = DONE.matcher(output);
        if (!done.find()) {
            throw new BenchFailedException(title + ": the migrated program's stdout does not end with its 'done steps' line;"
                    + " it ends with:\n" + tail(output));
        }
        int steps = Integer.parseInt(done.group(1));
        Reference reference = reference(program.resolveSibling(program.getFileName() + "." + X86_64.name()), steps,
                dir.resolve("reference"));
        expectEqual(title + ": stdout", output, reference.stdout());
        Map<String, String> files = tree(workdir);
        if (!files.equals(reference.files())) {
            throw new BenchFailedException(title + ": the working directory after the migrated run differs from an"
                    + " uninterrupted run's: " + differences(files, reference.files()));
        }
        Set<Platform> emulated = platforms.stream().filter(workspace::emulated).collect(Collectors.toSet());
        return new MigrationReport.Scenario(title.substring(0, title.lastIndexOf(" (")), platforms, emulated, nativeOnly,
                observer.records, observer.notes, steps, output.lines().count(), files.size(), Optional.of(start));
    }

    private record Reference(String stdout, Map<String, String> files) {}

    /** {@code steps} steps on x86_64 without containers, migrations or sleeping, in a fresh directory. */
    private Reference reference(Path binary, int steps, Path dir) throws BenchFailedException, IOException, InterruptedException {
        Files.createDirectories(dir);
        Launcher launcher;
        try {
            launcher = Launcher.forPlatform(X86_64, workspace.probe());
        } catch (PlatformUnavailableException e) {
            throw new BenchFailedException(e.getMessage(), e);
        }
        CapturedRun run = launcher.runCapturing(binary, List.of(Integer.toString(steps), "0"),
                new RuntimeEnvironment(X86_64, Optional.empty(), OptionalLong.empty(), false, OptionalInt.empty(), false)
                        .isolated(), dir);
        if (run.exitCode() != 0) {
            throw new BenchFailedException("the uninterrupted reference run (" + steps + " steps on x86_64) exited with status "
                    + run.exitCode() + (run.stderr().isBlank() ? "" : ":\n" + run.stderr().stripTrailing()));
        }
        return new Reference(run.stdout(), tree(dir));
    }

    private static void expectEqual(String what, String actual, String expected) throws BenchFailedException {
        if (actual.equals(expected)) return;
        List<String> a = actual.lines().toList(), e = expected.lines().toList();
        int i = 0;
        while (i < a.size() && i < e.size() && a.get(i).equals(e.get(i))) i++;
        throw new BenchFailedException(what + " of the migrated run differs from an uninterrupted run's at line " + (i + 1)
                + ": " + (i < a.size() ? "'" + a.get(i) + "'" : "(end)") + " instead of "
                + (i < e.size() ? "'" + e.get(i) + "'" : "(end)") + " (" + a.size() + " lines instead of " + e.size() + ")");
    }

    private static String differences(Map<String, String> actual, Map<String, String> expected) {
        List<String> out = new ArrayList<>();
        for (String f : expected.keySet()) {
            if (!actual.containsKey(f)) out.add(f + " is missing");
            else if (!actual.get(f).equals(expected.get(f))) out.add(f + " differs");
        }
        for (String f : actual.keySet()) {
            if (!expected.containsKey(f)) out.add(f + " should not be there");
        }
        return String.join(", ", out);
    }

    /** Relative path -> content of every file below {@code dir}. */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static Platform lastPlatform(Observer observer, List<Platform> platforms) {
        return observer.records.stream().filter(MigrationRecord::ok).reduce((a, b) -> b)
                .map(r -> Platform.parse(r.to())).orElse(platforms.getFirst());
    }

    /** The end of the log of the container created last (its stderr and runc's messages). */
    private static String lastLogTail(Path logs) throws IOException {
        if (!Files.isDirectory(logs)) return "";
        try (Stream<Path> files = Files.list(logs)) {
            Optional<Path> last = files.max(Comparator.comparingLong(p -> p.toFile().lastModified()));
            if (last.isEmpty()) return "";
            return "container log " + last.get().getFileName() + ":\n" + tail(Files.readString(last.get()));
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** The 1, 5 and 15 minute load averages: the machine is shared, and the report says how busy it was. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return String.join(" ", List.of(fields).subList(0, Math.min(3, fields.length)));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
