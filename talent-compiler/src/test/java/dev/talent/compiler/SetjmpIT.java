package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * setjmp/longjmp across checkpoints (issue 11, cause 5; docs/CODEGEN.md "setjmp and longjmp"): an interpreter
 * with Lua's protected calls (the jmp_buf in a local struct linked from the state, nested), a parser recovering
 * from errors through a global jmp_buf, _setjmp/_longjmp and sigsetjmp/siglongjmp; a jmp_buf in a heap block, a
 * handler reading a variable only it needs, a buffer of an inner block, and sigsetjmp's saved mask. Each is
 * stopped at many visit counts, inside protected calls and before the longjmp that ends them, and restarted
 * through a chain of three ISAs (every stop ends on another of x86_64, s390x, i686): output equal to plain gcc.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SetjmpIT {
    @TempDir
    Path work;

    static final String INTERPRETER = """
            #include <setjmp.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>

            /* Lua's pattern: the jmp_buf in a local struct linked from the heap state */
            struct longjmp_ctx { struct longjmp_ctx *previous; jmp_buf b; volatile int status; };
            struct state { struct longjmp_ctx *errorJmp; long acc; int depth; };

            #define LUAI_TRY(L, c, a) if (setjmp((c)->b) == 0) { a }
            #define LUAI_THROW(L, c) longjmp((c)->b, 1)

            static void throw_error(struct state *L, int code) {
                if (L->errorJmp) { L->errorJmp->status = code; LUAI_THROW(L, L->errorJmp); }
                abort();
            }

            static long work(struct state *L, int n) {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += (long)i * (L->depth + 1);
                    if (i == n - 1 && n % 7 == 3) throw_error(L, 3 + L->depth);
                }
                return s;
            }

            typedef void (*Pfunc)(struct state *L, void *ud);

            static int rawrunprotected(struct state *L, Pfunc f, void *ud) {
                struct longjmp_ctx lj;
                lj.status = 0;
                lj.previous = L->errorJmp;
                L->errorJmp = &lj;
                LUAI_TRY(L, &lj, (*f)(L, ud););
                L->errorJmp = lj.previous;
                return lj.status;
            }

            static void inner(struct state *L, void *ud) {
                int n = *(int *)ud;
                L->acc += work(L, n);
                L->acc += work(L, n + 1);
            }

            static void outer(struct state *L, void *ud) {
                int n = *(int *)ud;
                L->depth++;
                for (int k = 0; k < 3; k++) {
                    int m = n + k;
                    int st = rawrunprotected(L, inner, &m);
                    L->acc = L->acc * 3 + st;
                }
                L->depth--;
                if (n % 5 == 0) throw_error(L, 9);
            }

            /* a parser with error recovery: global jmp_buf, sigsetjmp, _setjmp variants */
            static jmp_buf parse_env;
            static sigjmp_buf sig_env;
            static const char *src;
            static int pos;

            static int expr(void);
            static void fail(int code) { longjmp(parse_env, code); }
            static int term(void) {
                int v = 0;
                if (src[pos] == '(') { pos++; v = expr(); if (src[pos] != ')') fail(2); pos++; return v; }
                if (src[pos] < '0' || src[pos] > '9') fail(1);
                while (src[pos] >= '0' && src[pos] <= '9') { v = v * 10 + (src[pos] - '0'); pos++; }
                for (int spin = 0; spin < v % 13; spin++) v += spin & 1;
                return v;
            }
            static int expr(void) {
                int v = term();
                while (src[pos] == '+' || src[pos] == '*') {
                    char op = src[pos++];
                    int w = term();
                    v = op == '+' ? v + w : v * w % 100003;
                }
                return v;
            }

            static int parse_all(const char **lines, int n) {
                volatile int errors = 0;
                int total = 0;
                for (int i = 0; i < n; i++) {
                    int code;
                    src = lines[i];
                    pos = 0;
                    code = setjmp(parse_env);
                    if (code != 0) {
                        errors++;
                        printf("line %d: error %d at %d\\n", i, code, pos);
                        continue;
                    }
                    total += expr();
                    if (src[pos] != '\\0') fail(3);
                }
                printf("errors %d\\n", errors);
                return total;
            }

            static int sigdepth(int n) {
                if (n == 0) siglongjmp(sig_env, 42);
                int s = 0;
                for (int i = 0; i < n * 10; i++) s += i;
                return s + sigdepth(n - 1);
            }

            int main(void) {
                struct state L = { 0, 0, 0 };
                for (int r = 0; r < 12; r++) {
                    int n = 5 + r;
                    int st = rawrunprotected(&L, outer, &n);
                    printf("round %d status %d acc %ld\\n", r, st, L.acc);
                    L.acc %= 1000003;
                }
                static const char *lines[] = { "1+2*3", "(4+5)*6", "7+", "(8*9", "12*(3+4)+5", "x", "99*99*99+1", "5)" };
                for (int rep = 0; rep < 3; rep++) printf("total %d\\n", parse_all(lines, 8));
                jmp_buf local;
                int hits = 0;
                for (int q = 0; q < 4; q++) {
                    if (!_setjmp(local)) {
                        for (int i = 0; i < 100 + q; i++) hits += i % 3;
                        if (q % 2) _longjmp(local, 1);
                    } else {
                        hits += 1000;
                    }
                }
                printf("hits %d\\n", hits);
                switch (sigsetjmp(sig_env, 1)) {
                case 0: printf("deep %d\\n", sigdepth(20)); break;
                case 42: printf("caught 42\\n"); break;
                default: printf("other\\n");
                }
                return 0;
            }
""";

    static final String RECOVERY = """
            #include <setjmp.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>

            /* a jmp_buf in a heap block, a handler reading a local that only the handler needs, a buffer in a block */
            struct ctx { int id; jmp_buf jb; long total; };
            static struct ctx *heap_ctx;

            static long spin(int n) {
                long s = 0;
                for (int i = 0; i < n; i++) s += i ^ n;
                if (n % 4 == 1) longjmp(heap_ctx->jb, n);
                return s;
            }

            static long guarded(int base) {
                int label = base * 100 + 7;     /* read only after a longjmp */
                int r = setjmp(heap_ctx->jb);
                if (r != 0) {
                    printf("recovered %d from %d\\n", label, r);
                    return -r;
                }
                long t = 0;
                for (int k = 0; k < 4; k++) t += spin(base + k);
                return t;
            }

            static sigjmp_buf mask_env;
            static void hup(int how) {
                sigset_t s;
                sigemptyset(&s);
                sigaddset(&s, SIGHUP);
                sigprocmask(how, &s, NULL);
            }
            static int hup_blocked(void) {
                sigset_t cur;
                sigprocmask(SIG_BLOCK, NULL, &cur);
                return sigismember(&cur, SIGHUP);
            }
            static void masked(int rounds) {
                hup(SIG_BLOCK);
                volatile int round = 0;
                if (sigsetjmp(mask_env, 1) != 0) {
                    printf("round %d: SIGHUP blocked %d\\n", round, hup_blocked());
                    if (round >= rounds) return;
                }
                hup(SIG_UNBLOCK);
                long t = 0;
                for (int i = 0; i < 200; i++) t += i;
                round++;
                printf("unblocked, t=%ld\\n", t);
                siglongjmp(mask_env, 1);
            }

            int main(void) {
                heap_ctx = malloc(sizeof *heap_ctx);
                heap_ctx->id = 1;
                heap_ctx->total = 0;
                for (int b = 0; b < 6; b++) {
                    long g = guarded(b * 3);
                    heap_ctx->total += g;
                    printf("guarded %d -> %ld\\n", b, g);
                }
                {
                    jmp_buf inner;
                    volatile int tries = 0;
                    if (setjmp(inner) == 0) {
                        for (int i = 0; i < 50; i++) tries += i & 3;
                        longjmp(inner, 2);
                    }
                    printf("block tries %d\\n", tries);
                }
                long after = 0;
                for (int i = 0; i < 100; i++) after += i;     /* the block's buffer is dead here */
                printf("after %ld\\n", after);
                masked(3);
                printf("total %ld\\n", heap_ctx->total);
                free(heap_ctx);
                return 0;
            }
""";

    @Test
    void protectedCallsAndParserRecoveryMigrateAcrossIsas() throws Exception {
        chains("interp", INTERPRETER, 1, 9, 40, 150, 333, 700, 1111, 1500, 2222, 2900, 3333, 3900, 4300);
    }

    @Test
    void heapBuffersHandlerStateAndSignalMasksMigrateAcrossIsas() throws Exception {
        chains("recovery", RECOVERY, 1, 7, 30, 90, 200, 333, 450, 520, 600, 700, 800);
    }

    /**
     * mujs's exception frames: {@code setjmp(savetry())} (a buffer returned by a call) in a recursive function, whose
     * entry is a site (RecursionSites). Before, gcc rejected the generated code ("'__talent_sja_1' undeclared").
     */
    static String recursiveTry() throws IOException {
        return Files.readString(Path.of(System.getProperty("user.dir")).resolve("src/test/resources/setjmp/recursive-try.c"));
    }

    @Test
    void setjmpInARecursiveFunctionMigratesAcrossIsas() throws Exception {
        chains("rtry", recursiveTry(), 1, 5, 40, 333, 900, 1200);
    }

    /** Stops after n visits on one ISA, again after n on the next, finishes on the third; rotates the order. */
    private void chains(String name, String source, int... stops) throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, name, source).out();
        CompileResult r = MigratesLikeGcc.compiled(work, name);
        List<Target> targets = HOPS.subList(0, 3);
        Map<String, Path> exes = new HashMap<>();
        for (Target t : targets) exes.put(t.name(), link(t, r, work.resolve(name + "." + t.name())));
        assertThat(run(command(targets.getFirst(), exes.get("x86_64")), Map.of(), null).out()).as("uninterrupted").isEqualTo(expected);
        int chained = 0;
        for (int i = 0; i < stops.length; i++) {
            int stop = stops[i];
            List<Target> order = new ArrayList<>();
            for (int j = 0; j < 3; j++) order.add(targets.get((i + j) % 3));
            Path ck = checkpointDir(work.resolve(name + "-ck-" + stop));
            StringBuilder out = new StringBuilder();
            StringBuilder log = new StringBuilder();
            Run last = null;
            for (int j = 0; j < 3; j++) {
                Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
                if (j > 0) env.put("TALENT_RESTART", "1");
                if (j < 2) env.put("TALENT_STOP_AFTER", String.valueOf(stop));
                last = run(command(order.get(j), exes.get(order.get(j).name())), env, null);
                out.append(last.out());
                log.append(order.get(j).name()).append(": rc ").append(last.rc()).append('\n').append(last.err());
                if (last.rc() != 75) break;
                if (j == 1) chained++;
            }
            assertThat(out.toString()).as("stop after " + stop + " via " + order.stream().map(Target::name).toList() + "\n" + log)
                    .isEqualTo(expected);
            assertThat(last.rc()).as(log.toString()).isZero();
        }
        // most stops were taken twice (two migrations), so the sweep is not vacuous
        assertThat(chained).isGreaterThanOrEqualTo(stops.length / 2);
    }
}
