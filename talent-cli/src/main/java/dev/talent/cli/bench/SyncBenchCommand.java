package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.env.SyncBenchmark;
import dev.talent.env.SyncReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code talent bench sync}: the final sync of a migration (inotify journal + SHA-256 verified copy of the
 * changed files) against {@code rsync -a} of the same change, on a tree of many small files.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Final sync of a tree of N small files after 10 files changed: talent's change journal + verified copy"
                + " vs rsync -a, medians over R rounds and their ratio (target: talent >= 50x faster). Needs rsync.")
final class SyncBenchCommand implements Callable<Integer> {

    static final double TARGET_RATIO = 50;

    @Spec CommandSpec spec;

    @Option(names = "--files", paramLabel = "N", description = "Files in the tree (default ${DEFAULT-VALUE}, about 100 per directory).")
    int files = SyncBenchmark.Settings.DEFAULT_FILES;

    @Option(names = "--runs", paramLabel = "R", description = "Rounds, each changing 10 new files (default ${DEFAULT-VALUE}, at least 3).")
    int runs = SyncBenchmark.Settings.DEFAULT_ROUNDS;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to build the trees (default: the temporary directory); removed at the end.")
    Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (runs < 3) throw new ParameterException(spec.commandLine(), "--runs must be at least 3, not " + runs);
        SyncBenchmark.Settings settings;
        try {
            settings = SyncBenchmark.Settings.of(files, runs);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (SyncBenchmark.findRsync().isEmpty()) {
            err.println("talent bench sync: rsync is not installed; install it (apt-get install rsync) to compare with it");
            return ExitCodes.UNAVAILABLE;
        }
        Path where = dir != null ? Files.createDirectories(dir) : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            boolean tty = dev.talent.cli.Terminals.stderrIsTerminal();
            SyncBenchmark.Result result = SyncBenchmark.run(settings, where, progress -> {
                if (!tty) return;
                err.println(progress(progress));
                err.flush();
            });
            out.print(render(result));
            out.flush();
            return ExitCodes.OK;
        } catch (SyncBenchmark.Failed | IOException e) {
            err.println("talent bench sync: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    static String progress(SyncBenchmark.Progress progress) {
        return switch (progress) {
            case SyncBenchmark.Progress.BuildingTree b -> f("talent bench: writing %d files in %d directories under %s",
                    b.files(), b.directories(), b.where());
            case SyncBenchmark.Progress.FullCopy c -> f("talent bench: initial full copy with %s", c.tool());
            case SyncBenchmark.Progress.Round r -> f("talent bench: sync round %d/%d", r.round(), r.rounds());
            case SyncBenchmark.Progress.CleaningUp c -> f("talent bench: removing %s", c.where());
        };
    }

    static String render(SyncBenchmark.Result result) {
        SyncBenchmark.Settings s = result.settings();
        StringBuilder out = new StringBuilder();
        out.append(f("talent bench sync: %d files (%.1f MiB) in %d directories; %d files changed per round; %d rounds;"
                + " medians in ms; %s%n", s.files(), result.treeBytes() / 1048576.0, s.directories(), s.changesPerRound(),
                s.rounds(), result.rsyncVersion()));
        SyncReport full = result.fullCopy();
        out.append(f("%-44s %10.1f%n", "initial full copy, talent (SHA-256 verified)", full.millis()));
        out.append(f("%-44s %10.1f%n", "initial full copy, rsync -a", result.rsyncFullCopyNanos() / 1e6));
        out.append(f("%-44s %10.1f%n", "journal start (inotify watch per directory)", result.watchNanos() / 1e6));
        out.append(f("%-44s %10.3f  (medians of its steps: drain %.3f, copy+verify %.3f)%n", "final sync, talent", result.medianOursMs(),
                result.medianDrainMs(), result.medianCopyMs()));
        out.append(f("%-44s %10.3f%n", "final sync, rsync -a", result.medianRsyncMs()));
        double ratio = result.ratio();
        out.append(f("%-44s %10.1f  target >= %.0f  %s%n", "ratio rsync / talent", ratio, TARGET_RATIO,
                ratio >= TARGET_RATIO ? "ok" : "UNDER"));
        long notJournal = result.rounds().stream().filter(r -> !r.report().mode().equals(SyncReport.JOURNAL)).count();
        if (notJournal > 0) {
            out.append(f("note: %d of %d rounds fell back to walking the tree (the journal overflowed)%n", notJournal, s.rounds()));
        }
        return out.toString();
    }

    // the fix Error Prone proposes is @FormatMethod, from error_prone_annotations, which is not a dependency of talent
    @SuppressWarnings("AnnotateFormatMethod")
    private static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }
}
