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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small programs written as third-party C is (src/test/resources/third-party, not in the style of the corpus):
 * dispatch tables of function pointers and bsearch over them, qsort with hand-written comparators that loop,
 * records parsed from snprintf'd text with sscanf/strtol and errno, realloc-grown arrays of structs, bit-fields and
 * enum-indexed tables, signed/unsigned char wrap-around and negative shifts and divisions, a ring buffer with end
 * pointers one past an array member and an intrusive list with container_of, pointers to rows of 2-D arrays, static
 * locals in several functions, goto cleanup, switch fallthrough in a tokenizer, keywords compared by pointer,
 * long double, a chained hash map with callbacks and void * values, strtok and rand across the stop. Each is stopped on
 * x86_64, restarted on s390x and stopped again, finished on i686; and stopped on i686, finished on x86_64: the output
 * of the legs together must equal plain gcc's. ring.c was refused at every stop before (a pointer "into the padding of
 * a struct": one past its array member), see {@link OnePastTheEndIT}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ThirdPartyStyleIT {
    private static final Path DIR = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/third-party");

    @TempDir
    Path work;

    /** Program, stops x86_64 -> s390x -> i686 (first value on x86_64, second on s390x), stops i686 -> x86_64. */
    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("dispatch", new int[][] {{5, 3000}, {9000, 100}}, new int[] {40, 12000}),
                Arguments.of("inventory", new int[][] {{3, 200}, {700, 900}}, new int[] {150, 1500}),
                // not before its word table is filled: an unused slot holds stack garbage, which may point into the
                // middle of a pointer variable (a restore on i686 then fails: "the byte offset lies outside the element")
                Arguments.of("words", new int[][] {{1300, 200}, {3000, 50}}, new int[] {1300, 9000}),
                Arguments.of("bits", new int[][] {{3, 1000}, {2500, 2000}}, new int[] {4999}),
                Arguments.of("ring", new int[][] {{3, 1000}, {7000, 30000}}, new int[] {2500, 40000}),
                Arguments.of("life", new int[][] {{5, 300}, {20000, 400000}}, new int[] {55000}),
                Arguments.of("lex", new int[][] {{5, 300}, {20000, 1000}}, new int[] {5000}),
                Arguments.of("hmap", new int[][] {{5, 40000}, {100000, 60000}}, new int[] {300}),
                Arguments.of("report", new int[][] {{2, 17}, {150, 320}}, new int[] {320}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void migratesLikeGcc(String name, int[][] chainStops, int[] reverseStops) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.copy(DIR.resolve(name + ".c"), src);
        Path orig = work.resolve(name + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString(), "-lm"), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.out()).isNotEmpty();

        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), name));
        List<Target> chain = List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        assertThat(chain).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) {
            Path exe = link(t, r, work.resolve(name + "." + t.name()));
            Run straight = run(command(t, exe), Map.of(), null);
            assertThat(straight.out()).as("uninterrupted on " + t.name()).isEqualTo(plain.out());
            assertThat(straight.rc()).isEqualTo(plain.rc());
            exes.add(exe);
        }
        MigratesLikeGcc.chainEqualsGcc(work.resolve("chain"), chain, exes, chainStops, plain);
        int[][] reverse = new int[reverseStops.length][];
        for (int i = 0; i < reverseStops.length; i++) reverse[i] = new int[] {reverseStops[i]};
        MigratesLikeGcc.chainEqualsGcc(work.resolve("reverse"), List.of(chain.get(2), chain.get(0)),
                List.of(exes.get(2), exes.get(0)), reverse, plain);
    }
}
