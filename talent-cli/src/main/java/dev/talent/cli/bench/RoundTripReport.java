package dev.talent.cli.bench;

import dev.talent.toolchain.Platform;
import java.util.List;

/**
 * What a checkpoint round-trip benchmark measured: the checkpoint written on {@code writer}, and its restore on
 * each reader platform, all medians over {@code runs} runs. Process times are whole-process wall times (for
 * the writer: start, compute up to the site, checkpoint; for a reader: restore and finish the program).
 *
 * @param fromScratch per reader, an uninterrupted run that reports how long building the state took (empty
 *                    when the benchmark does not measure it)
 */
public record RoundTripReport(String program, List<String> arguments, int runs, Platform writer, Write write,
                              List<Restore> restores, List<FromScratch> fromScratch) {

    public RoundTripReport {
        arguments = List.copyOf(arguments);
        restores = List.copyOf(restores);
        fromScratch = List.copyOf(fromScratch);
    }

    /** The checkpoint: runtime times from its {@code checkpoint N written} line, and the file's size. */
    public record Write(Samples totalMs, Samples collectMs, Samples encodeMs, Samples writeMs, Samples processMs,
                        double sizeMiB, long heapBlocks, long fileBytes) {}

    /** A restore on one platform (under qemu when {@code emulated}): runtime times from its {@code restored checkpoint} line. */
    public record Restore(Platform platform, boolean emulated, Samples totalMs, Samples readMs, Samples heapMs, Samples globalsFramesMs,
                          Samples processMs) {}

    /** An uninterrupted run on one platform: the program's own time for building its state, and the whole run. */
    public record FromScratch(Platform platform, boolean emulated, Samples buildMs, Samples processMs) {

        /** How many times faster restoring is than building the state again (restore total over build time). */
        public double restoreSpeedup(Restore restore) { return Statistics.ratio(buildMs.median(), restore.totalMs().median()); }
    }
}
