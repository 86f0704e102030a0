package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through function pointers are chain calls (issue 11, cause 7): an interpreter whose operations are
 * called through a table in a struct (recursing through it) and a hook in a struct member that replaces
 * itself, and an event
 * dispatcher calling handlers registered in a global array, stopped at many visits inside those calls and
 * restarted on other ISAs, print what plain gcc's build prints; the stop is taken at the requested visit,
 * not deferred until the call returns. qsort's comparator (a library's callback) still runs suspended.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IndirectCallsIT {
    @TempDir
    Path work;

    static final String INTERPRETER = """
            #include <stdio.h>
            #include <stdlib.h>
            struct vm;
            typedef unsigned long long (*op_fn)(struct vm *, unsigned long long);
            struct vm {
              unsigned long long acc, trace;
              int pc, depth;
              const int *code;
              op_fn ops[4];
              unsigned long long (*hook)(struct vm *, unsigned long long);
            };
            static unsigned long long run(struct vm *m);
            static unsigned long long op_add(struct vm *m, unsigned long long x) {
              for (int i = 0; i < 3; i++) m->acc += x + (unsigned)i;
              return m->acc % 1009;
            }
            static unsigned long long op_mul(struct vm *m, unsigned long long x) {
              unsigned long long r = 1;
              for (unsigned i = 0; i < x % 4 + 1; i++) r = r * 3 + i;
              m->acc = (m->acc * 7 + r) % 1000003;
              return r;
            }
            static unsigned long long op_call(struct vm *m, unsigned long long x) {
              if (m->depth >= 2) return x;
              struct vm sub = *m;
              sub.depth = m->depth + 1;
              sub.acc = x;
              unsigned long long r = run(&sub);
              m->trace += sub.trace;
              return r % 10007;
            }
            static unsigned long long op_hook(struct vm *m, unsigned long long x) {
              return m->hook ? m->hook(m, x) + 1 : 0;
            }
            static unsigned long long tracer(struct vm *m, unsigned long long x);
            static unsigned long long tracer2(struct vm *m, unsigned long long x) {
              m->hook = tracer; /* a hook that replaces itself before its loop */
              for (unsigned long long i = 0; i < x % 3 + 2; i++) m->trace = m->trace * 17 + i;
              return m->trace % 89;
            }
            static unsigned long long tracer(struct vm *m, unsigned long long x) {
              m->hook = (x & 1) ? tracer2 : tracer;
              for (unsigned long long i = 0; i < x % 5 + 1; i++) m->trace = m->trace * 31 + i;
              return m->trace % 97;
            }
            static const int program[] = {0, 1, 3, 2, 1, 0, 3, 1};
            static unsigned long long run(struct vm *m) {
              for (m->pc = 0; m->pc < 8; m->pc++) {
                int op = m->code[m->pc];
                unsigned long long v = m->ops[op](m, (unsigned long long)(m->pc + m->depth));
                m->acc += v;
              }
              return m->acc;
            }
            static op_fn later[] = {op_mul, op_add, op_hook};
            int main(void) {
              struct vm m = {0, 7, 0, 0, program, {op_add, op_mul, op_call, op_hook}, tracer};
              unsigned long long sum = 0;
              op_fn *it = later;
              for (int r = 0; r < 30; r++) {
                sum = sum * 1000003 + run(&m);
                sum += (*it++)(&m, (unsigned long long)r);
                if (it == later + 3) it = later;
                if (r == 10) later[0] = op_add;
              }
              printf("sum=%llu acc=%llu trace=%llu\\n", sum, m.acc, m.trace);
              return 0;
            }
            """;

    static final String CALLBACKS = """
            #include <stdio.h>
            #include <stdlib.h>
            struct handler { const char *name; int (*fn)(int, void *); void *ctx; };
            static int counter(int ev, void *ctx) {
              int *c = ctx;
              for (int i = 0; i < ev % 4 + 1; i++) *c += i + ev;
              return *c % 13;
            }
            static int summer(int ev, void *ctx) {
              long long *s = ctx;
              for (int i = 0; i < 3; i++) *s = (*s * 3 + ev + i) % 1000000007;
              return (int)(*s % 7);
            }
            static int cmp(const void *a, const void *b) {
              int x = *(const int *)a, y = *(const int *)b, k = 0;
              for (int i = 0; i < 2; i++) k += (x > y) - (x < y);
              return k;
            }
            static struct handler handlers[4];
            static int nh;
            static void on(const char *name, int (*fn)(int, void *), void *ctx) {
              handlers[nh].name = name;
              handlers[nh].fn = fn;
              handlers[nh++].ctx = ctx;
            }
            static int dispatch(int ev) {
              int r = 0;
              for (int i = 0; i < nh; i++) r += (ev % 3 && handlers[i].fn(ev, handlers[i].ctx)) ? 2 : 1;
              return r;
            }
            int main(void) {
              int count = 0, events[48];
              long long sum = 1;
              int (*disp)(int) = dispatch;
              on("count", counter, &count);
              on("sum", summer, &sum);
              on("count2", counter, &count);
              for (int ev = 0; ev < 48; ev++) events[ev] = disp(ev * 7 % 23) * 100 + ev % 17;
              qsort(events, 48, sizeof events[0], cmp);
              unsigned h = 0;
              for (int i = 0; i < 48; i++) h = h * 31 + (unsigned)events[i];
              printf("count=%d sum=%lld h=%u %s\\n", count, sum, h, handlers[1].name);
              return 0;
            }
            """;

    @Test
    void anInterpreterStoppedInsideCallsThroughItsOperationTableMigratesLikeGcc() throws Exception {
        MigratesLikeGcc.check(work, "interp", INTERPRETER, 3, 1, 5, 17, 26, 66, 333, 1000, 1777, 2600);
        Path exe = work.resolve("interp.x86_64");
        for (int stop : new int[] {17, 66, 2600}) {
            Path ck = checkpointDir("p" + stop);
            Run first = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_STOP_AFTER", String.valueOf(stop), "TALENT_VERBOSE", "1"), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            assertThat(first.err()).as("stop %d taken at the requested visit", stop).doesNotContain("while suspended");
        }
        // visit 66 is in tracer2(), reached through the hook member from op_hook(), called through the table
        // from run(), called by op_call() through the table from run() in main(); tracer2 replaced the hook
        // with tracer before its loop, so the restart must call the saved target, not what m->hook holds now
        // (before the target was kept in a temporary, 64 of 523 stops failed to restore, exit 66)
        Run restart = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", checkpointDir("p66").toString(),
                "TALENT_RESTART", "1", "TALENT_VERBOSE", "1"), null);
        assertThat(restart.err()).contains("resuming op_call()", "resuming op_hook()", "resuming tracer2()");
    }

    @Test
    void handlersCalledThroughARegistryMigrateLikeGccAndQsortsComparatorStaysSuspended() throws Exception {
        MigratesLikeGcc.check(work, "callbacks", CALLBACKS, 3, 1, 3, 50, 200, 420, 500, 700);
        Path exe = work.resolve("callbacks.x86_64");
        Run inHandler = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", checkpointDir("h").toString(),
                "TALENT_STOP_AFTER", "420", "TALENT_VERBOSE", "1"), null);
        assertThat(inHandler.err()).doesNotContain("while suspended");
        Run inComparator = run(List.of(exe.toString()), Map.of("TALENT_CHECKPOINT_DIR", checkpointDir("c").toString(),
                "TALENT_STOP_AFTER", "700", "TALENT_VERBOSE", "1"), null);
        assertThat(inComparator.err()).contains("while suspended");
    }

    private Path checkpointDir(String name) throws Exception {
        return MigrationHops.checkpointDir(work.resolve("ck-" + name));
    }
}
