package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every program of the corpus, built once by {@code talent build} for all ISAs: its uninterrupted run on
 * each ISA prints exactly what the plain-gcc build prints, and runs migrated across all five ISAs at
 * several points print (concatenated) and write exactly what the uninterrupted x86_64 run does. Its tests run two
 * at a time (talent-it's pom: two JUnit workers); the class itself runs alone, like every IT class of the module.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class MigrationIT {

    static Stream<Arguments> programsOnIsas() {
        return Corpus.programs().stream()
                .flatMap(program -> Arrays.stream(Isa.values()).map(isa -> Arguments.of(program, isa)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("programsOnIsas")
    @Execution(ExecutionMode.CONCURRENT)
    void uninterruptedRunEqualsPlainGcc(CorpusProgram program, Isa isa) {
        isa.assumeAvailable();
        RunOutcome plain = CorpusRuns.plainGcc(program);
        RunOutcome talent = isa == Isa.X86_64 ? CorpusRuns.reference(program) : CorpusRuns.runUninterrupted(program, isa);
        OutputDiff.assertSameRun("uninterrupted talent run of " + program + " on " + isa + " vs plain gcc on x86_64",
                plain, talent, "");
    }

    /**
     * corpus.json's siteVisits is counted by scripts/check-corpus.py from docs/CODEGEN.md's placement rules,
     * independently of the compiler. The last chain of every program stops exactly at visit siteVisits; this
     * checks the other side: asked to stop one visit later, the run finishes without a checkpoint.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.talent.it.Corpus#programs")
    @Execution(ExecutionMode.CONCURRENT)
    void noSiteIsVisitedBeyondTheCountedVisits(CorpusProgram program) {
        RunOutcome reference = CorpusRuns.reference(program);
        Path workDir = Corpus.freshWorkDir(program, "beyond-last-site");
        Path checkpointDir = Corpus.emptyDir(program, "beyond-last-site-checkpoints");
        ProcessResult result = TalentCli.get().exec(workDir, Isa.X86_64, CorpusRuns.built(program).base(), checkpointDir,
                program.siteVisits() + 1, false, program.args());
        String details = "--stop-after " + (program.siteVisits() + 1) + " must not stop (corpus.json counts "
                + program.siteVisits() + " site visits)\n" + result.describe();
        OutputDiff.assertSameRun("x86_64 run of " + program + " with a stop-after beyond its last site", reference,
                new RunOutcome(result.stdout(), result.exitCode(), RunOutcome.outputFiles(program, workDir)), details);
        assertThat(MigrationChain.checkpoints(checkpointDir)).as("checkpoints written").isEmpty();
    }

    static Stream<Arguments> migrationChains() {
        return Corpus.programs().stream().flatMap(program -> IntStream.range(0, program.chains().size())
                .mapToObj(i -> Arguments.of(program, i, MigrationChain.describe(MigrationChain.fromManifest(program, i)))));
    }

    @ParameterizedTest(name = "{0} chain {1}: {2}")
    @MethodSource("migrationChains")
    @Execution(ExecutionMode.CONCURRENT)
    void migratedRunEqualsUninterruptedRun(CorpusProgram program, int chainIndex, String description) {
        List<MigrationChain.Segment> segments = MigrationChain.fromManifest(program, chainIndex);
        segments.forEach(segment -> segment.isa().assumeAvailable());
        RunOutcome reference = CorpusRuns.reference(program);

        Path workDir = Corpus.freshWorkDir(program, "chain-" + chainIndex);
        Path checkpointDir = Corpus.emptyDir(program, "chain-" + chainIndex + "-checkpoints");
        MigrationChain chain = new MigrationChain(CorpusRuns.built(program), segments);
        RunOutcome migrated = chain.run(workDir, checkpointDir);

        int firstDifference = Arrays.mismatch(reference.stdout(), migrated.stdout());
        String culprit = firstDifference < 0 ? "" : "the first difference is in the output of "
                + chain.segmentAt(firstDifference) + "\n";
        OutputDiff.assertSameRun("migrated run of " + program + " (" + description + ")", reference, migrated,
                culprit + chain.log());
    }
}
