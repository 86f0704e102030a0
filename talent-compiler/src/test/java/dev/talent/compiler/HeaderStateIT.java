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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs whose state lives in project headers (issue 11: it was silently lost) stopped at several site
 * visit counts and restarted, natively and on other ISAs under qemu; every run's output is compared with
 * the same program built by plain gcc and run without interruption.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class HeaderStateIT {
    @TempDir
    Path work;

    /** The program of issue 11, as its author wrote it. */
    @Test
    void theTableAndStateOfAHeaderSurviveAStopAndRestartAnywhere() throws Exception {
        Path dir = Files.createDirectories(work.resolve("src"));
        Files.writeString(dir.resolve("tab.h"), HeaderStateTest.TAB_H);
        Files.writeString(dir.resolve("m.c"), HeaderStateTest.M_C);
        Program p = build("m", List.of(dir.resolve("m.c")));
        assertThat(p.expected).isEqualTo("h=2349940968 state=307\n");
        // 17 visits end inside fill's loop (a header function, on the chain); 50 in main's loop
        p.stopAndRestart(new int[] {1, 5, 17, 18, 50, 99}, List.of("s390x", "aarch64"));
        p.hops(new int[] {12, 30, 20, 25});
    }

    /**
     * Calls and a malloc written in macros (issue 11, causes 2 and 3) are chain calls and tracked blocks of the
     * preprocessed unit: stopped at any visit, restarted on other ISAs, the output is plain gcc's. Under -v the
     * runtime prints the visits per site at exit (cause 12).
     */
    @Test
    void callsAndMallocsInMacrosMigrateAnywhere() throws Exception {
        Path dir = Files.createDirectories(work.resolve("src"));
        Files.writeString(dir.resolve("tab.h"), HeaderStateTest.TAB_H);
        Files.writeString(dir.resolve("m.c"), MacroExpansionTest.MACROS_C);
        Program p = build("macros", List.of(dir.resolve("m.c")));
        p.stopAndRestart(new int[] {3, 17, 40, 200, 900, 3000}, List.of("s390x", "i686"));
        p.hops(new int[] {25, 400, 77, 1500});
        Run verbose = run(command(HOPS.getFirst(), p.exes.get("x86_64")), Map.of("TALENT_VERBOSE", "1"), null);
        assertThat(verbose.out()).isEqualTo(p.expected);
        assertThat(verbose.err()).contains("site visits in this process").contains("(tab.h:2:26): 16 visits");
    }

    /** A static of a header included by two files is two objects; a header function's static, one per file too. */
    @Test
    void headerStaticsIncludedByTwoFilesAreSavedOncePerFile() throws Exception {
        Path dir = Files.createDirectories(work.resolve("src"));
        Files.writeString(dir.resolve("count.h"), """
                #ifndef COUNT_H
                #define COUNT_H
                static unsigned calls;
                static inline unsigned mix(unsigned x) {
                    static unsigned seen;
                    for (int k = 0; k < 3; k++) { x = x * 2654435761u + seen; seen += k + 1; }
                    calls++;
                    return x;
                }
                unsigned a_calls(void);
                unsigned b_work(unsigned seed);
                #endif
                """);
        Files.writeString(dir.resolve("a.c"), """
                #include <stdio.h>
                #include "count.h"
                unsigned a_calls(void) { return calls; }
                int main(void) {
                    unsigned h = 1;
                    for (int r = 0; r < 40; r++) { h = mix(h) ^ b_work(h + (unsigned)r); }
                    printf("h=%u a=%u\\n", h, a_calls());
                    return 0;
                }
                """);
        Files.writeString(dir.resolve("b.c"), """
                #include <stdio.h>
                #include "count.h"
                unsigned b_work(unsigned seed) {
                    unsigned s = seed;
                    for (int i = 0; i < 2; i++) s = mix(s) + calls;
                    if (calls % 16 == 0) printf("b calls=%u\\n", calls);
                    return s;
                }
                """);
        Program p = build("ab", List.of(dir.resolve("a.c"), dir.resolve("b.c")));
        p.stopAndRestart(new int[] {3, 50, 101, 200}, List.of("riscv64"));
        p.hops(new int[] {37, 61, 11, 90});
    }

    /**
     * A pointer to a static function of a header included by two files points to one of two functions with
     * the same name, each with its own copy of the header's statics: the restart must give it the same one.
     */
    @Test
    void aPointerToAHeaderStaticFunctionKeepsItsFileAcrossARestart() throws Exception {
        Path dir = Files.createDirectories(work.resolve("src"));
        Files.writeString(dir.resolve("hits.h"), """
                static unsigned hits;
                static void inc(void) { hits += 1; }
                unsigned b_step(int r);
                """);
        Files.writeString(dir.resolve("a.c"), """
                #include <stdio.h>
                #include "hits.h"
                static void (*ap)(void) = inc;
                int main(void) {
                    unsigned h = 0;
                    for (int r = 0; r < 60; r++) { ap(); h = h * 31 + hits + b_step(r); }
                    printf("h=%u a=%u\\n", h, hits);
                    return 0;
                }
                """);
        Files.writeString(dir.resolve("b.c"), """
                #include "hits.h"
                static void (*bp)(void) = inc;
                unsigned b_step(int r) { for (int k = 0; k <= r % 3; k++) bp(); return hits * 7u; }
                """);
        Program p = build("ptr", List.of(dir.resolve("a.c"), dir.resolve("b.c")));
        p.stopAndRestart(new int[] {5, 40, 90}, List.of("aarch64"));
    }

    private Program build(String name, List<Path> sources) throws Exception {
        Path original = work.resolve(name + ".orig");
        List<String> cc = new ArrayList<>(List.of("gcc", "-O2", "-fsigned-char", "-ffp-contract=off", "-o", original.toString()));
        sources.forEach(s -> cc.add(s.toString()));
        Run built = run(cc, Map.of(), null);
        assertThat(built.rc()).as(built.err()).isZero();
        Run plain = run(List.of(original.toString()), Map.of(), null);
        assertThat(plain.rc()).isZero();

        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(sources, List.of(), work.resolve("out"), name));
        Map<String, Path> exes = new HashMap<>();
        for (Target t : HOPS) exes.put(t.name(), link(t, r, work.resolve(name + "." + t.name())));
        Program p = new Program(name, plain.out(), exes);
        Run uninterrupted = run(command(HOPS.getFirst(), exes.get("x86_64")), Map.of(), null);
        assertThat(uninterrupted.out()).as("instrumented, without checkpoint").isEqualTo(p.expected);
        return p;
    }

    private final class Program {
        final String name;
        final String expected;
        final Map<String, Path> exes;

        Program(String name, String expected, Map<String, Path> exes) {
            this.name = name;
            this.expected = expected;
            this.exes = exes;
        }

        Target target(String isa) {
            return HOPS.stream().filter(t -> t.name().equals(isa)).findFirst().orElseThrow();
        }

        /** Stops on x86_64 after each visit count and restarts there and on each of {@code foreign}. */
        void stopAndRestart(int[] visits, List<String> foreign) throws Exception {
            int stopped = 0;
            for (int v : visits) {
                List<String> restartOn = new ArrayList<>(List.of("x86_64"));
                restartOn.addAll(foreign);
                for (String isa : restartOn) {
                    Path ck = Files.createDirectories(work.resolve("ck-" + name + "-" + v + "-" + isa));
                    Run first = run(command(target("x86_64"), exes.get("x86_64")),
                            Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(v)), null);
                    if (first.rc() == 0) {
                        assertThat(first.out()).isEqualTo(expected);
                        continue;
                    }
                    assertThat(first.rc()).as("stop after " + v + ": " + first.err()).isEqualTo(75);
                    stopped++;
                    Run second = run(command(target(isa), exes.get(isa)),
                            Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
                    assertThat(second.rc()).as("restart on " + isa + " after " + v + " visits: " + second.err()).isZero();
                    assertThat(first.out() + second.out()).as("stopped after " + v + " visits, restarted on " + isa)
                            .isEqualTo(expected);
                }
            }
            assertThat(stopped).as("checkpoints taken").isGreaterThanOrEqualTo(visits.length);
        }

        /** Hops x86_64 → s390x → i686 → aarch64 → riscv64, stopping after visits[hop] on each but the last. */
        void hops(int[] visits) throws Exception {
            Path ck = Files.createDirectories(work.resolve("ck-hops-" + name));
            StringBuilder out = new StringBuilder();
            for (int hop = 0; hop < HOPS.size(); hop++) {
                Target t = HOPS.get(hop);
                Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
                if (hop > 0) env.put("TALENT_RESTART", "1");
                boolean last = hop == HOPS.size() - 1;
                if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(visits[hop]));
                Run step = run(command(t, exes.get(t.name())), env, null);
                out.append(step.out());
                assertThat(step.rc()).as("hop " + hop + " on " + t.name() + ":\n" + step.err()).isEqualTo(last ? 0 : 75);
            }
            assertThat(out.toString()).as("output of the five hops").isEqualTo(expected);
        }
    }
}
