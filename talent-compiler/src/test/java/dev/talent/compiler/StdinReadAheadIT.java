package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
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
 * Found 2026-12-06 (h/hunt3): a filter reading stdin from a pipe ({@code cat in | prog}) and stopped mid-way lost the
 * lines its stdio had read ahead from the pipe and not yet handed to the program: restarted with the rest of its input
 * on stdin it counted 137 of 500 lines, exit 0. A checkpoint while stdin's buffer holds such bytes and stdin is not a
 * regular file is now refused by name and the program goes on; stdin redirected from a regular file still migrates
 * (its position is carried).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StdinReadAheadIT {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <string.h>
            static unsigned work(unsigned n) {
              unsigned h = 7;
              for (unsigned i = 0; i < n; i++) h = h * 31 + i;
              return h;
            }
            int main(void) {
              char line[64];
              unsigned long long h = 0;
              int n = 0;
              while (fgets(line, sizeof line, stdin)) {
                h = h * 131 + strlen(line) + (unsigned char)line[0] + (work(20) & 0xff);
                n++;
              }
              printf("n=%d h=%llu\\n", n, h);
              return 0;
            }
            """;

    @TempDir
    Path work;

    private static List<String> withStdin(List<String> cmd, String input, boolean pipe) {
        List<String> all = new ArrayList<>(List.of("sh", "-c",
                pipe ? "cat \"$0\" | \"$@\"" : "exec \"$@\" < \"$0\"", input));
        all.addAll(cmd);
        return all;
    }

    @Test
    void aStopWhileStdioHoldsBytesReadAheadFromAPipeIsRefusedAndAFileStillMigrates() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 1; i <= 500; i++) in.append("line number ").append(i).append(" with text ").append(i * i).append('\n');
        Path input = Files.writeString(work.resolve("in.txt"), in.toString());
        Path src = Files.writeString(work.resolve("filter.c"), SOURCE);
        Run gcc = run(List.of("gcc", "-O2", "-o", work.resolve("filter.orig").toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plainPiped = run(withStdin(List.of(work.resolve("filter.orig").toString()), input.toString(), true), Map.of(), null);
        assertThat(plainPiped.out()).startsWith("n=500 h=");

        CompileResult r = MigratesLikeGcc.compiled(work, "filter");
        Path exe = link(HOPS.getFirst(), r, work.resolve("filter." + HOPS.getFirst().name()));
        Path ck = checkpointDir(work.resolve("ck-pipe"));
        Run piped = run(withStdin(command(HOPS.getFirst(), exe), input.toString(), true),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "3000"), null);
        assertThat(piped.err()).contains("talent: checkpoint 1 refused: cannot checkpoint now: stdin (a pipe) holds")
                .contains("; the program continues");
        assertThat(piped.out()).as(piped.err()).isEqualTo(plainPiped.out());
        assertThat(piped.rc()).isZero();

        // from a regular file: the position is carried, the stop is taken and the restart on s390x reads on
        Path to = link(HOPS.get(1), r, work.resolve("filter." + HOPS.get(1).name()));
        Path ckFile = checkpointDir(work.resolve("ck-file"));
        Run stopped = run(withStdin(command(HOPS.getFirst(), exe), input.toString(), false),
                Map.of("TALENT_CHECKPOINT_DIR", ckFile.toString(), "TALENT_STOP_AFTER", "3000"), null);
        assertThat(stopped.rc()).as(stopped.err()).isEqualTo(75);
        Run resumed = run(withStdin(command(HOPS.get(1), to), input.toString(), false),
                Map.of("TALENT_CHECKPOINT_DIR", ckFile.toString(), "TALENT_RESTART", "1"), null);
        assertThat(stopped.out() + resumed.out()).as(resumed.err()).isEqualTo(plainPiped.out());
    }
}
