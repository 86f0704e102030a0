package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs whose text differs between the ISAs ({@code #if ULONG_MAX == 0xffffffffffffffffUL}), built per ISA
 * (PerIsaCompilation) and migrated: when the conditional selects another state type on i686, checkpoints move
 * between the 64-bit ISAs (x86_64 and s390x here) and between i686 builds, and a move between the two is
 * refused at restore with exit 65 naming the type; when it selects only other code, they move everywhere.
 * Every completed run prints what plain gcc's build prints.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PerIsaMigrationIT {
    @TempDir
    Path work;

    /** A 64-bit generator whose state is one unsigned long on LP64 and two 32-bit halves on ILP32, as Lua's. */
    static final String STATE_TYPE = """
            #include <stdio.h>
            #include <stdint.h>
            #include <limits.h>
            #if ULONG_MAX == 0xffffffffffffffffUL
            typedef struct { unsigned long v; } gen;
            static uint64_t get(const gen *g) { return g->v; }
            static void put(gen *g, uint64_t x) { g->v = x; }
            #else
            typedef struct { unsigned long h, l; } gen;
            static uint64_t get(const gen *g) { return ((uint64_t)g->h << 32) | g->l; }
            static void put(gen *g, uint64_t x) { g->h = (unsigned long)(x >> 32); g->l = (unsigned long)(x & 0xffffffffu); }
            #endif
            static gen G = {0};
            static uint64_t next(void) {
              uint64_t x = get(&G) * 6364136223846793005ull + 1442695040888963407ull;
              put(&G, x);
              return x >> 11;
            }
            int main(void) {
              uint64_t sum = 0;
              put(&G, 42);
              for (int i = 0; i < 3000; i++) {
                sum += next() % 1000003u;
                if (i % 1000 == 999) printf("i=%d sum=%llu\\n", i, (unsigned long long)sum);
              }
              printf("state=%llu\\n", (unsigned long long)get(&G));
              return 0;
            }
            """;

    @Test
    void aStateTypeChosenByUlongMaxMigratesAmong64BitIsasAndIsRefusedToAndFromI686() throws Exception {
        List<Target> targets = targets();
        String expected = plain("gen", STATE_TYPE);
        CompileResult r = compile("gen", STATE_TYPE);
        Map<String, Path> exes = linkAll(targets, r, "gen");
        for (Target t : targets) assertThat(run(command(t, exes.get(t.name())), Map.of(), null).out()).as(t.name()).isEqualTo(expected);

        assertThat(migrate(exes, "x86_64", "s390x", 1500, true, "x86_64-s390x")).isEqualTo(expected);
        assertThat(migrate(exes, "s390x", "x86_64", 700, true, "s390x-x86_64")).isEqualTo(expected);
        assertThat(migrate(exes, "i686", "i686", 2100, true, "i686-i686")).isEqualTo(expected);

        // 64-bit -> i686: refused, naming the type; the same checkpoint then restores on s390x
        Path ck = checkpoint(exes, "x86_64", 1200, "x86_64-i686");
        Run refused = restart(exes, "i686", ck);
        assertThat(refused.rc()).as(refused.err()).isEqualTo(65);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("type 'gen' of gen.c is gen { h: unsigned long, l: unsigned long } on i686")
                .contains("a checkpoint moves only between i686");
        Run then = restart(exes, "s390x", ck);
        assertThat(stopOutput(ck) + then.out()).isEqualTo(expected);

        // i686 -> 64-bit: refused likewise
        Path ck2 = checkpoint(exes, "i686", 900, "i686-x86_64");
        Run refused2 = restart(exes, "x86_64", ck2);
        assertThat(refused2.rc()).as(refused2.err()).isEqualTo(65);
        assertThat(refused2.err()).contains("type 'gen' of gen.c is gen { v: unsigned long } on x86_64,aarch64,s390x,riscv64");
    }

    /** The same state everywhere (a uint64_t); only the rotation is written differently for 32-bit long. */
    static final String CODE_ONLY = """
            #include <stdio.h>
            #include <stdint.h>
            #include <limits.h>
            #if ULONG_MAX == 0xffffffffffffffffUL
            static uint64_t rot(uint64_t x) { return (x << 13) | (x >> 51); }
            #else
            static uint64_t rot(uint64_t x) {
              uint32_t hi = (uint32_t)(x >> 32), lo = (uint32_t)x;
              return ((uint64_t)((hi << 13) | (lo >> 19)) << 32) | (uint32_t)((lo << 13) | (hi >> 19));
            }
            #endif
            static uint64_t acc = 1;
            int main(void) {
              for (int i = 0; i < 3000; i++) {
                acc = rot(acc) ^ (uint64_t)i * 0x9e3779b97f4a7c15ull;
                if (i % 1000 == 999) printf("i=%d acc=%llu\\n", i, (unsigned long long)acc);
              }
              return 0;
            }
            """;

    @Test
    void onlyCodeChosenByUlongMaxMigratesEverywhere() throws Exception {
        List<Target> targets = targets();
        String expected = plain("rot", CODE_ONLY);
        CompileResult r = compile("rot", CODE_ONLY);
        assertThat(r.forIsa("i686").fingerprint()).isEqualTo(r.forIsa("x86_64").fingerprint());
        Map<String, Path> exes = linkAll(targets, r, "rot");
        assertThat(migrate(exes, "x86_64", "i686", 1700, true, "x86_64-i686")).isEqualTo(expected);
        assertThat(migrate(exes, "i686", "s390x", 800, true, "i686-s390x")).isEqualTo(expected);
        assertThat(migrate(exes, "s390x", "x86_64", 2500, true, "s390x-x86_64")).isEqualTo(expected);
    }

    private static List<Target> targets() {
        return List.of(Isa.X86_64, Isa.S390X, Isa.I686).stream().map(Target::of).toList();
    }

    private String plain(String name, String source) throws Exception {
        Path src = Files.writeString(work.resolve(name + ".c"), source);
        Path orig = work.resolve(name + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        return run(List.of(orig.toString()), Map.of(), null).out();
    }

    private CompileResult compile(String name, String source) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.writeString(src, source);
        return new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-" + name), name));
    }

    private Map<String, Path> linkAll(List<Target> targets, CompileResult r, String name) throws Exception {
        Map<String, Path> exes = new HashMap<>();
        for (Target t : targets) exes.put(t.name(), link(t, r, work.resolve(name + "." + t.name())));
        return exes;
    }

    private final Map<Path, String> stopOutputs = new HashMap<>();

    private Path checkpoint(Map<String, Path> exes, String isa, int stop, String tag) throws Exception {
        Path ck = checkpointDir(work.resolve("ck-" + tag + "-" + stop));
        Run first = run(command(target(isa), exes.get(isa)),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(stop)), null);
        assertThat(first.rc()).as("stop after " + stop + " on " + isa + ": " + first.err()).isEqualTo(75);
        stopOutputs.put(ck, first.out());
        return ck;
    }

    private String stopOutput(Path ck) {
        return stopOutputs.get(ck);
    }

    private Run restart(Map<String, Path> exes, String isa, Path ck) throws Exception {
        return run(command(target(isa), exes.get(isa)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
    }

    private String migrate(Map<String, Path> exes, String from, String to, int stop, boolean mustSucceed, String tag) throws Exception {
        Path ck = checkpoint(exes, from, stop, tag);
        Run second = restart(exes, to, ck);
        if (mustSucceed) assertThat(second.rc()).as(from + " -> " + to + ": " + second.err()).isZero();
        return stopOutput(ck) + second.out();
    }

    private static Target target(String isa) {
        return Target.of(Isa.valueOf(isa.toUpperCase(java.util.Locale.ROOT)));
    }
}
