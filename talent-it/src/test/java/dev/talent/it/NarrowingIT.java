package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 64-bit {@code long} holding 2500000000 cannot be restored into i686's 32-bit {@code long}: the restart
 * must be refused with exit 65 and a message naming the variable, its position and the value, must leave
 * the checkpoint untouched, and the same checkpoint must still restore on aarch64 and finish correctly.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class NarrowingIT {

    @Test
    void longValueTooWideForI686IsRefusedAndRestoresOnAarch64() throws IOException {
        CorpusProgram program = Corpus.program("narrowing");
        CorpusProgram.RestoreRefused refused = program.restoreRefused();
        assertThat(refused).as("restoreRefused of narrowing in corpus.json").isNotNull();
        Isa narrow = Isa.of(refused.isa());
        Isa wide = Isa.of(refused.restoresOn());
        Isa.X86_64.assumeAvailable();
        narrow.assumeAvailable();
        wide.assumeAvailable();
        RunOutcome reference = CorpusRuns.reference(program);
        CorpusRuns.Built built = CorpusRuns.built(program);
        TalentCli talent = TalentCli.get();
        Path workDir = Corpus.freshWorkDir(program, "narrowing");
        Path checkpointDir = Corpus.emptyDir(program, "narrowing-checkpoints");

        ProcessResult stopped = talent.exec(workDir, Isa.X86_64, built.base(), checkpointDir, refused.stopAfter(), false,
                program.args());
        assertThat(stopped.exitCode()).withFailMessage(() -> "x86_64 run with --stop-after " + refused.stopAfter()
                + " should write a checkpoint and exit 75\n" + stopped.describe()).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
        Map<String, byte[]> before = snapshot(checkpointDir);
        assertThat(before.keySet()).as("files in the checkpoint directory").anyMatch(n -> n.matches("ckpt-\\d{6,}\\.tck"));

        ProcessResult refusal = talent.exec(workDir, narrow, built.base(), checkpointDir, null, true, List.of());
        assertThat(refusal.exitCode()).withFailMessage(() -> "restart on " + narrow + " should be refused with exit "
                + refused.exitCode() + "\n" + refusal.describe()).isEqualTo(refused.exitCode());
        assertThat(refusal.stderrText()).as("the refusal message on " + narrow)
                .contains(refused.variable())
                .contains(refused.value())
                .contains(program.sources().getFirst() + ":");   // the variable's (or site's) source position
        assertThat(refusal.stdoutText()).as("stdout of the refused restart (the program must not resume)").isEmpty();
        Map<String, byte[]> after = snapshot(checkpointDir);
        assertThat(after.keySet()).as("checkpoint files after the refused restart").isEqualTo(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as("content of %s after the refused restart", name)
                .isEqualTo(bytes));

        ProcessResult resumed = talent.exec(workDir, wide, built.base(), checkpointDir, null, true, List.of());
        ByteArrayOutputStream combined = new ByteArrayOutputStream();
        combined.writeBytes(stopped.stdout());
        combined.writeBytes(resumed.stdout());
        OutputDiff.assertSameRun("narrowing stopped on x86_64 and resumed on " + wide, reference,
                new RunOutcome(combined.toByteArray(), resumed.exitCode(), RunOutcome.outputFiles(program, workDir)),
                "--- x86_64 segment\n" + stopped.describe() + "--- " + wide + " segment\n" + resumed.describe());
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) files.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        return files;
    }
}
