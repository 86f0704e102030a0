package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program table lists, per point, the variables its resume code restores (talent_the_point_vars), so the
 * runtime refuses a checkpoint whose frame lacks one while it validates the file — before any restore starts —
 * and restores the previous checkpoint instead. Under qemu that is the only fallback there is: the runtime's
 * re-execution after a failed restore needs a binary the kernel can run.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PointVariablesIT {
    @TempDir
    Path work;

    @Test
    void aFrameLackingARestoredVariableIsRefusedAtValidationAndThePreviousCheckpointRestored() throws Exception {
        Path src = work.resolve("pv.c");
        Files.writeString(src, """
                #include <stdio.h>
                static unsigned long long acc = 1;
                int main(void) {
                    unsigned long long local = 7;
                    for (int r = 0; r < 600; r++) {
                        local = local * 31u + (unsigned)r;
                        acc = (acc * 6364136223846793005ull + (unsigned)r) ^ local;
                    }
                    printf("acc=%llu local=%llu\\n", acc, local);
                    return 0;
                }
                """);
        Path orig = work.resolve("pv.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "pv"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("pv.x86_64"));
        Path foreign = link(s390x, r, work.resolve("pv.s390x"));
        Path ck = checkpointDir(work.resolve("ck"));

        // periodic checkpoints at visits 100, 200, 300, 400, then the stop at 450
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_EVERY_VISITS", "100",
                "TALENT_KEEP", "10", "TALENT_STOP_AFTER", "450"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        List<CheckpointDirectory.Entry> entries = CheckpointDirectory.list(ck);
        assertThat(entries).hasSizeGreaterThanOrEqualTo(2);

        // the newest loses the first variable of its innermost frame (the file is otherwise valid: CRCs recomputed)
        Path newest = entries.getFirst().file();
        Checkpoint c = CheckpointReader.read(Files.readAllBytes(newest), newest.getFileName().toString());
        Frame inner = c.frames().getLast();
        assertThat(inner.vars()).isNotEmpty();
        List<Frame> frames = new ArrayList<>(c.frames());
        frames.set(frames.size() - 1, new Frame(inner.function(), inner.functionId(), inner.point(), inner.pointPos(),
                inner.vars().subList(1, inner.vars().size())));
        Files.write(newest, CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), frames,
                c.heap(), c.files(), c.pendingWait())));

        Run second = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(second.err()).contains("lacks variable " + inner.vars().getFirst().varId());
        // restarted from visit 400: the program prints only at its end, so its output is the uninterrupted one
        assertThat(first.out() + second.out()).isEqualTo(expected);
    }
}
