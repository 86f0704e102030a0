package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unions migrate through their first member (docs/FORMAT.md). Found by Csmith (seed 105, --max-funcs 1):
 * a union whose first member is a bit-field was written as the whole storage unit's integer, so on a
 * big-endian ISA the field read another 19 bits and the program printed another checksum, exit 0. And a
 * union whose bytes its first member does not cover cannot be migrated: the checkpoint is refused, naming it, and the program goes on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnionMigrationIT {
    @TempDir
    Path work;

    @Test
    void aUnionWhoseFirstMemberIsABitFieldRestoresOnABigEndianIsa() throws Exception {
        Path src = work.resolve("u.c");
        Files.writeString(src, """
                #include <stdio.h>
                union U0 { volatile unsigned f0 : 19; volatile int f1; };
                static volatile union U0 g = {524287u};
                int main(void) {
                    unsigned h = 0;
                    for (int r = 0; r < 100; r++) h = h * 31 + g.f0 + (unsigned)r;
                    printf("h=%u f0=%u\\n", h, (unsigned)g.f0);
                    return 0;
                }
                """);
        Path orig = work.resolve("u.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "u"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("u.x86_64"));
        Path foreign = link(s390x, r, work.resolve("u.s390x"));
        Path ck = Files.createDirectories(work.resolve("ck"));
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).isEqualTo(expected);
    }

    @Test
    void aUnionHoldingMoreThanItsFirstMemberIsRefusedAtTheCheckpointByName() throws Exception {
        // refused by name; the program goes on to plain gcc's output (MigratesLikeGcc.refusedAt)
        Run first = MigratesLikeGcc.refusedAt(work, "w", """
                #include <stdio.h>
                union W { char c; double d; };
                static union W w;
                int main(void) {
                    double s = 0;
                    w.d = 2.5;
                    for (int r = 0; r < 100; r++) s += w.d * r;
                    printf("%g\\n", s);
                    return 0;
                }
                """, 50);
        assertThat(first.err()).contains("union 'w'").contains("first member 'c'");
    }
}
