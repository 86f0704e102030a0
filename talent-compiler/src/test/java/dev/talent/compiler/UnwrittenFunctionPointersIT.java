package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function pointer member not written yet when the checkpoint comes (issue 11 cause 4: `struct sigaction now;` in
 * gsm's toast, declared before a loop and filled after it) holds stack garbage. It refused every checkpoint ("points to
 * a function talent does not know"); now a value that is no function's start is carried as INDETERMINATE (a correct
 * program never calls it) and a real function talent does not know is still refused, by its symbol's name.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnwrittenFunctionPointersIT {
    @TempDir
    Path work;

    /**
     * smear() leaves stack words outside the code and inside it at no function's start (`&work + 3`, as a return
     * address would be); run() then has a struct and an array of structs whose function pointer members are written
     * only after the loop, and a struct whose member is written before it (carried as the function, called after).
     * The structs are larger than the compiler zeroes when a saved local has no initialiser (IndeterminatePointers,
     * 256 bytes), so the garbage stays in them as in gsm's `struct sigaction`.
     */
    static final String UNWRITTEN = """
            #include <stdio.h>
            #include <stdint.h>
            #include <stdlib.h>
            struct ops { const char *name; int (*fn)(int); int k; char note[260]; };
            static int twice(int x) { return 2 * x; }
            static int square(int x) { return x * x; }
            static unsigned work(unsigned h, int n) {
              for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
              return h;
            }
            static void __attribute__((noinline)) smear(void) {
              const void *volatile junk[256];
              for (int i = 0; i < 256; i++)
                junk[i] = i % 2 ? (const void *)(uintptr_t)(0x5A5A5A50u + (unsigned)i)
                                : (const void *)((const char *)(const void *)&work + 3);
              (void)junk[7];
            }
            static unsigned __attribute__((noinline)) run(void) {
              struct ops o, early;
              struct ops table[4];
              unsigned h = 1;
              o.name = "later";
              o.k = 3;
              early.name = "early";
              early.fn = square;
              early.k = 7;
              for (int i = 0; i < 4; i++) table[i].name = i % 2 ? "odd" : "even";
              for (int r = 0; r < 6; r++) {
                h = work(h, 500);
                printf("r%d h=%u %s %d\\n", r, h, early.name, early.fn(r));
              }
              if (getenv("CALL_UNWRITTEN")) printf("%d\\n", o.fn(1));
              o.fn = twice;
              for (int i = 0; i < 4; i++) {
                table[i].fn = i % 2 ? square : twice;
                table[i].k = i;
              }
              printf("%s %d %s %d\\n", o.name, o.fn(o.k), early.name, early.fn(early.k));
              for (int i = 0; i < 4; i++) printf("%s %d\\n", table[i].name, table[i].fn(table[i].k + 5));
              return h;
            }
            int main(void) {
              smear();
              printf("h=%u\\n", run());
              return 0;
            }
            """;

    @Test
    void membersNotWrittenYetMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "unw", UNWRITTEN);
        assertThat(plain.out()).contains("r5 h=").contains("later 6 early 49\neven 10\nodd 36\n");
        // x86_64 -> s390x -> i686 -> x86_64 with musl, a stop in every round
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "unw", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 700, 1100}, {1200, 600, 400}}, plain);
        // and on the same ISA
        MigratesLikeGcc.checkEveryStop(work, "unw1", UNWRITTEN, 1, 50, 1700, 2900);
    }

    /**
     * A program that does call through the member it had not written (undefined behaviour: an uninterrupted run jumps
     * to the garbage) is stopped by the function the member is restored as, which says what happened, instead of
     * jumping to an address.
     */
    @Test
    void aCallThroughAMemberRestoredIndeterminateIsReported() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "call", UNWRITTEN);
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "call", List.of(HOPS.get(0), HOPS.get(2)), plain);
        Path ck = checkpointDir(work.resolve("call-ck"));
        Run first = run(command(HOPS.get(0), exes.get(0)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", "1000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(HOPS.get(2), exes.get(1)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_RESTART", "1", "CALL_UNWRITTEN", "1"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(70);
        assertThat(second.err()).contains("called through a function pointer that held no function when the checkpoint "
                + "was taken");
        assertThat(first.out() + second.out()).isEqualTo(plain.out().substring(0, plain.out().indexOf("later")));
    }

    /**
     * A real function talent does not know: one the program reaches through a data symbol naming its code (the
     * compiler sees no function's address taken, so the function table has no entry). Refused by its name.
     */
    @Test
    void aFunctionTalentDoesNotKnowIsRefusedByItsName() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "alias", """
                #include <stdio.h>
                int hidden_helper(int x) { return x + 1; }
                extern const char hidden_code[] __asm__("hidden_helper");
                int main(void) {
                  int (*fn)(int) = (int (*)(int))(const void *)hidden_code;
                  unsigned h = 1;
                  for (int i = 0; i < 2000; i++) h = h * 33 + (unsigned)i;
                  printf("h=%u %d\\n", h, fn(41));
                  return 0;
                }
                """, 50);
        assertThat(run.err()).contains("function pointer 'fn'").contains("points to function 'hidden_helper', which "
                + "talent does not know");
    }
}
