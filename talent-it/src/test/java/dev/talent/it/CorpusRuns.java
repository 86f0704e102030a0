package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds and reference runs of the corpus programs, each computed once per test JVM and shared by all the
 * integration tests (building one program for five ISAs costs seconds).
 */
final class CorpusRuns {
    /** A program built by {@code talent build} into dir as dir/name.&lt;isa&gt; for each of isas. */
    record Built(CorpusProgram program, Path dir, List<Isa> isas) {
        /** The path given to {@code talent exec} (without the .&lt;isa&gt; suffix). */
        Path base() {
            return dir.resolve(program.name());
        }
    }

    private static final Memo<CorpusProgram, Built> BUILDS = new Memo<>(CorpusRuns::build);
    private static final Memo<CorpusProgram, RunOutcome> PLAIN = new Memo<>(CorpusRuns::runPlainGcc);
    private static final Memo<CorpusProgram, RunOutcome> REFERENCE =
            new Memo<>(program -> runUninterrupted(program, Isa.X86_64));

    private CorpusRuns() {}

    /** Every ISA whose tools are installed; the others are skipped by the tests that need them. */
    static List<Isa> availableIsas() {
        return Arrays.stream(Isa.values()).filter(isa -> isa.missingTool().isEmpty()).toList();
    }

    static Built built(CorpusProgram program) {
        return BUILDS.get(program);
    }

    /** The program built by plain gcc for x86_64 and run natively: what every talent run must reproduce. */
    static RunOutcome plainGcc(CorpusProgram program) {
        return PLAIN.get(program);
    }

    /** The uninterrupted talent run on x86_64: the reference for migration chains. */
    static RunOutcome reference(CorpusProgram program) {
        return REFERENCE.get(program);
    }

    private static Built build(CorpusProgram program) {
        List<Isa> isas = availableIsas();
        Path dir = ItPaths.workRoot().resolve(program.name()).resolve("build");
        ItPaths.deleteRecursively(dir);
        ProcessResult result = TalentCli.get().build(dir, program.name(), isas, Corpus.sources(program), program.libs());
        assertThat(result.exitCode()).withFailMessage(() -> "talent build of " + program + " failed\n" + result.describe())
                .isZero();
        for (Isa isa : isas) {
            Path binary = dir.resolve(program.name() + "." + isa.id);
            assertThat(Files.isRegularFile(binary))
                    .withFailMessage(() -> "talent build of " + program + " succeeded but wrote no " + binary + "\n"
                            + result.describe())
                    .isTrue();
        }
        return new Built(program, dir, isas);
    }

    private static RunOutcome runPlainGcc(CorpusProgram program) {
        Path dir = Corpus.freshWorkDir(program, "plain-gcc");
        Path binary = dir.getParent().resolve(program.name() + ".plain");
        List<String> command = new ArrayList<>(List.of("gcc", "-std=c99", "-O2", "-static", "-ffp-contract=off",
                "-fsigned-char", "-Wno-unknown-pragmas", "-o", binary.toString()));
        Corpus.sources(program).forEach(source -> command.add(source.toString()));
        program.libs().forEach(lib -> command.add("-l" + lib));
        ProcessResult compiled = Processes.run(command, dir, Duration.ofMinutes(2));
        assertThat(compiled.exitCode()).withFailMessage(() -> "plain gcc build failed\n" + compiled.describe()).isZero();
        List<String> run = new ArrayList<>(List.of(binary.toString()));
        run.addAll(program.args());
        ProcessResult result = Processes.run(run, dir, Duration.ofMinutes(1));
        assertThat(result.exitCode())
                .withFailMessage(() -> "plain gcc run of " + program + " exited " + result.exitCode()
                        + ", corpus.json says " + program.exitCode() + "\n" + result.describe())
                .isEqualTo(program.exitCode());
        return new RunOutcome(result.stdout(), result.exitCode(), RunOutcome.outputFiles(program, dir));
    }

    /** {@code talent exec --isa ISA} without checkpoints, in a fresh working directory. */
    static RunOutcome runUninterrupted(CorpusProgram program, Isa isa) {
        Built built = built(program);
        Path dir = Corpus.freshWorkDir(program, "uninterrupted-" + isa.id);
        ProcessResult result = TalentCli.get().exec(dir, isa, built.base(), null, null, false, program.args());
        assertThat(result.exitCode())
                .withFailMessage(() -> "uninterrupted talent run of " + program + " on " + isa + " exited "
                        + result.exitCode() + ", expected the program's status " + program.exitCode() + "\n"
                        + result.describe())
                .isEqualTo(program.exitCode());
        return new RunOutcome(result.stdout(), result.exitCode(), RunOutcome.outputFiles(program, dir));
    }
}
