package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gaps between globals (docs/CODEGEN.md "Gaps between globals") as the linked executables of every ISA lay them
 * out: no object with static storage of the program starts where another ends (nm's addresses and sizes).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GlobalGapsIT {
    @TempDir
    Path work;

    private static final Pattern SPACES = Pattern.compile("\\s+");

    static final String A = """
            #include <stdio.h>
            int f1(int x);
            int f2(int x);
            static int a[4], b[4], c[6];
            int ext1[3], ext2[3];
            int ini1[2] = {1, 2}, ini2[2] = {3, 4};
            static long zero1 = 0, zero2;
            const int ro1[3] = {1, 2, 3};
            static const int ro2[3] = {4, 5, 6};
            const char *const names1[2] = {"x", "y"}, *const names2[2] = {"z", "w"};
            int (*const fns1[2])(int) = {f1, f2};
            int (*const fns2[2])(int) = {f2, f1};
            static const struct { const char *s; int (*f)(int); } tab[2] = {{"one", f1}, {"two", f2}};
            static struct { int v[6]; } s1, s2;
            double d1[3];
            char tail;
            int tight1=1,tight2=2,
            tight3;
            static struct pair { int v[2]; } t1 = {{1, 2}}, t2;
            int main(void) {
              static short st1[3], st2[5];
              static int once = 7;
              long sum = 0;
              for (int i = 0; i < 10; i++) {
                a[i % 4] += i; b[i % 4] += fns1[i % 2](i) + fns2[i % 2](i) + tab[i % 2].f(i); c[i % 6] += ext1[i % 3]++;
                ext2[i % 3] += ini1[i % 2] + ini2[i % 2] + ro1[i % 3] + ro2[i % 3]; zero1 += i; zero2 += zero1;
                s1.v[i % 6] += i; s2.v[i % 6] -= i; d1[i % 3] += 0.5; st1[i % 3] += (short)i; st2[i % 5] -= (short)i;
                once += i; tail = (char)('a' + i); tight3 += tight1 + tight2; t2.v[i % 2] += t1.v[i % 2];
                sum += a[1] + b[2] + c[3] + ext2[1] + zero2 + s1.v[2] + s2.v[3] + st1[1] + st2[4] + once + shared(i);
              }
              printf("%ld %s %s %s %c %.1f %d\\n", sum, names1[1], names2[0], tab[1].s, tail, d1[2], t2.v[1] + tight3);
              return 0;
            }
            """;

    static final String B = """
            int f1(int x) { return x + 1; }
            int f2(int x) { return x * 2; }
            static int bkept[5];
            int other[5];
            int shared(int i) { bkept[i % 5] += i; other[i % 5] += bkept[i % 5]; return other[i % 5]; }
            """;

    /** The program's objects (nm names; a function static's name is renamed by talent, a prefix) */
    static final Set<String> OBJECTS = Set.of("a", "b", "c", "ext1", "ext2", "ini1", "ini2", "zero1", "zero2", "ro1",
            "ro2", "names1", "names2", "fns1", "fns2", "tab", "s1", "s2", "d1", "tail", "tight1", "tight2", "tight3", "t1", "t2", "bkept", "other",
            "__talent_s_main_st1", "__talent_s_main_st2", "__talent_s_main_once");

    @Test
    void noObjectWithStaticStorageStartsWhereAnotherEndsOnAnyIsa() throws Exception {
        Files.writeString(work.resolve("a.c"), A.replace("int f2(int x);", "int f2(int x);\nint shared(int i);"));
        Files.writeString(work.resolve("b.c"), B);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(work.resolve("a.c"),
                work.resolve("b.c")), List.of(), work.resolve("out"), "gaps"));
        for (Target t : HOPS) {
            Path exe = link(t, r, work.resolve("gaps." + t.name()));
            String nm = t.name().equals("x86_64") ? "nm" : t.cc().replace("-gcc", "-nm");
            Run symbols = run(List.of(nm, "-S", "-n", exe.toString()), Map.of(), null);
            assertThat(symbols.rc()).as(symbols.err()).isZero();
            TreeMap<Long, String> starts = new TreeMap<>();
            List<long[]> objects = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String line : symbols.out().lines().toList()) {
                List<String> f = SPACES.splitAsStream(line.trim()).toList();
                if (f.size() != 4 || !OBJECTS.contains(f.get(3))) continue;
                long at = Long.parseUnsignedLong(f.get(0), 16), size = Long.parseUnsignedLong(f.get(1), 16);
                starts.put(at, f.get(3));
                objects.add(new long[] {at, size});
                names.add(f.get(3));
            }
            assertThat(names).as(t.name() + ": the program's objects in nm's list").containsExactlyInAnyOrderElementsOf(OBJECTS);
            for (int i = 0; i < objects.size(); i++) {
                String next = starts.get(objects.get(i)[0] + objects.get(i)[1]);
                // s1 and s2: one declaration whose specifiers define a type is not split (both readings instead)
                if (names.get(i).equals("s1") && "s2".equals(next)) continue;
                assertThat(next).as(t.name() + ": the object right after " + names.get(i)).isNull();
            }
        }
    }
}
