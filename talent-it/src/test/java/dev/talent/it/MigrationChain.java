package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run of a program split into segments on different ISAs: the first segment starts the program and
 * stops after N site visits, each next one restarts from the newest checkpoint and stops again, the last
 * one runs to completion.
 */
final class MigrationChain {
    /** A segment: run on isa, stopping at the stopAfter-th site visit (null: run to completion). */
    record Segment(Isa isa, Long stopAfter) {
        @Override
        public String toString() {
            return stopAfter == null ? isa.id : isa.id + "@" + stopAfter;
        }
    }

    private record Done(Segment segment, ProcessResult result, int stdoutStart) {}

    private final CorpusRuns.Built built;
    private final List<Segment> segments;
    private final List<Done> done = new ArrayList<>();

    MigrationChain(CorpusRuns.Built built, List<Segment> segments) {
        this.built = built;
        this.segments = List.copyOf(segments);
    }

    /** The segments of manifest chain number index: chainIsas with their stop-after values, then finalIsa. */
    static List<Segment> fromManifest(CorpusProgram program, int index) {
        List<Long> stops = program.chains().get(index);
        List<Isa> isas = Corpus.chainIsas();
        assertThat(stops).as("chain %d of %s in corpus.json", index, program).hasSameSizeAs(isas);
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < isas.size(); i++)
            if (stops.get(i) != null) segments.add(new Segment(isas.get(i), stops.get(i)));
        segments.add(new Segment(Corpus.finalIsa(), null));
        return segments;
    }

    static String describe(List<Segment> segments) {
        return segments.stream().map(Segment::toString).collect(Collectors.joining(" -> "));
    }

    /**
     * Runs every segment in workDir with checkpoints in checkpointDir and returns the combined outcome:
     * the concatenated stdout, the last segment's exit status, the files in workDir.
     */
    RunOutcome run(Path workDir, Path checkpointDir) {
        CorpusProgram program = built.program();
        TalentCli talent = TalentCli.get();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            boolean first = i == 0;
            ProcessResult result = talent.exec(workDir, segment.isa(), built.base(), checkpointDir,
                    segment.stopAfter(), !first, first ? program.args() : List.of());
            done.add(new Done(segment, result, stdout.size()));
            stdout.writeBytes(result.stdout());
            if (segment.stopAfter() != null) {
                int segmentNumber = i + 1;
                assertThat(result.exitCode())
                        .withFailMessage(() -> "segment " + segmentNumber + " (" + segment + ") of " + program
                                + " should have written a checkpoint and exited " + TalentCli.EXIT_CHECKPOINT_WRITTEN
                                + " but exited " + result.exitCode() + " (corpus.json says an uninterrupted run visits "
                                + program.siteVisits() + " sites)\n" + log())
                        .isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
                assertThat(checkpoints(checkpointDir))
                        .withFailMessage(() -> "segment " + segmentNumber + " (" + segment + ") exited 75 but "
                                + checkpointDir + " holds no ckpt-*.tck\n" + log())
                        .isNotEmpty();
            }
        }
        return new RunOutcome(stdout.toByteArray(), done.getLast().result().exitCode(),
                RunOutcome.outputFiles(program, workDir));
    }

    /** Which segment printed the byte at offset of the combined stdout (the first difference, say). */
    String segmentAt(int offset) {
        for (int i = done.size() - 1; i >= 0; i--)
            if (done.get(i).stdoutStart() <= offset) return "segment " + (i + 1) + " (" + done.get(i).segment() + ")";
        return "no segment";
    }

    /** Every segment run so far, with its command, exit status and stderr. */
    String log() {
        StringBuilder sb = new StringBuilder("segments:\n");
        for (int i = 0; i < done.size(); i++) {
            Done d = done.get(i);
            sb.append("--- segment ").append(i + 1).append(" (").append(d.segment()).append("), ")
                    .append(d.result().stdout().length).append(" bytes of stdout\n").append(d.result().describe());
        }
        return sb.toString();
    }

    static List<Path> checkpoints(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("ckpt-\\d{6,}\\.tck")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
