package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The union members a variable is used through are recorded per variable where every use of it is known
 * (NamedUnionMembers.objectMembers; docs/CODEGEN.md "Unions read through another member than written"). Csmith seed
 * 6888: {@code g_357} only ever used through its bit-field {@code f0}, but another variable of its union type is
 * written through {@code f3}; the members were recorded per type, so every value of {@code g_357} was refused on
 * s390x. Each program is stopped on x86_64 and restarted on s390x (and aarch64), compared with plain gcc.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UnionObjectMembersIT {
    @TempDir
    Path work;

    private static final String HEAD = """
            #include <stdint.h>
            #include <stdio.h>
            union U1 { volatile unsigned f0 : 26; int64_t f1; uint8_t f2; int16_t f3; };
            static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 5; return s; }
            """;

    /** Fails without the change: refused on s390x ("carried alike ... by another member the program names"). */
    @Test
    void aUnionVariableUsedThroughOneMemberMigratesAcrossByteOrders() throws Exception {
        String source = HEAD + """
                static union U1 only = {1UL};
                static union U1 other;
                int main(void) {
                    long acc = 0;
                    for (int r = 0; r < 400; r++) {
                        acc += spin(40) + only.f0;
                        only.f0 = (only.f0 * 3u + (unsigned)r) & 0xffffu;
                    }
                    other.f3 = (int16_t)acc;
                    printf("%ld %u %d\\n", acc, (unsigned)only.f0, (int)other.f3);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "one", source);
        assertThat(plain.rc()).isZero();
        MigratesLikeGcc.boundToByteOrder(work, "one", MigratesLikeGcc.compiled(work, "one"), plain.out(),
                List.of("5", "300"), List.of(), List.of("s390x", "aarch64"));
    }

    /**
     * A local and a parameter (given a compound literal) used through {@code f0} alone, live at the site: saved in the
     * frame with descriptors of their own. Fails without the change: {@code 'p'} refused on s390x.
     */
    @Test
    void aUnionLocalAndParameterUsedThroughOneMemberMigrateAcrossByteOrders() throws Exception {
        String source = HEAD + """
                static union U1 other;
                static long work(union U1 p) {
                    union U1 mine = {3u};
                    long acc = 0;
                    for (int r = 0; r < 300; r++) {
                        acc += spin(40) + mine.f0 + p.f0;
                        mine.f0 = (mine.f0 * 3u + (unsigned)r) & 0xffffu;
                    }
                    return acc + mine.f0;
                }
                int main(void) {
                    long acc = work((union U1){5u});
                    other.f3 = (int16_t)acc;
                    printf("%ld %d\\n", acc, (int)other.f3);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "local", source);
        assertThat(plain.rc()).isZero();
        MigratesLikeGcc.boundToByteOrder(work, "local", MigratesLikeGcc.compiled(work, "local"), plain.out(),
                List.of("5", "3000"), List.of(), List.of("s390x"));
    }

    /** A real pun stays refused by name on the other byte order and restores on the writer's. */
    @Test
    void aUnionVariableWrittenThroughOneMemberAndReadThroughAnotherStaysOnItsByteOrder() throws Exception {
        String source = HEAD + """
                static union U1 punned = {1UL};
                int main(void) {
                    long acc = 0;
                    punned.f3 = 7;
                    for (int r = 0; r < 400; r++) acc += spin(40) + punned.f0;
                    printf("%ld %u\\n", acc, (unsigned)punned.f0);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "pun", source);
        assertThat(plain.rc()).isZero();
        MigratesLikeGcc.boundToByteOrder(work, "pun", MigratesLikeGcc.compiled(work, "pun"), plain.out(),
                List.of("5", "300"), List.of("s390x"), List.of("aarch64"), "punned", "f3", "f0");
    }

    /**
     * A union variable named only through {@code f0} whose address is taken and whose {@code f3} is read through the
     * pointer after the restore: which members reach it is not known from its name, so the answer stays per type and
     * the restore on s390x is refused (carried as {@code f0}, {@code p->f3} would read other bytes there).
     */
    @Test
    void aUnionVariableAlsoUsedThroughAPointerStaysPerType() throws Exception {
        String source = HEAD + """
                static union U1 viaptr = {1UL};
                static union U1 *volatile p = &viaptr;
                int main(void) {
                    long acc = 0;
                    for (int r = 0; r < 400; r++) {
                        acc += spin(40) + viaptr.f0;
                        viaptr.f0 = (viaptr.f0 * 3u + (unsigned)r) & 0xffffu;
                    }
                    printf("%ld %u %d\\n", acc, (unsigned)viaptr.f0, (int)p->f3);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "ptr", source);
        assertThat(plain.rc()).isZero();
        MigratesLikeGcc.boundToByteOrder(work, "ptr", MigratesLikeGcc.compiled(work, "ptr"), plain.out(),
                List.of("5", "300"), List.of("s390x"), List.of("aarch64"), "cannot restore 'viaptr'",
                "restore it on a little-endian platform");
    }
}
