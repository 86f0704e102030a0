package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pointer one past the end of an array member ({@code r->end = r->data + N}, a ring buffer's end) is saved as that,
 * whatever follows the array on the writing ISA. i686 puts {@code long long total} right after {@code unsigned char
 * data[4]} (it aligns long long to 4 in structs), so the end pointer was also the address of {@code total} and was
 * saved as a pointer to it: restored on x86_64, where {@code total} starts 4 bytes later, the ring ran over the
 * padding and the program printed other bytes with exit 0 (found by hand; gcc: {@code data 36 37 38 39}, migrated:
 * {@code data 32 33 34 35}). It was then saved as one past {@code data}, which is a wrong result for a {@code char *}
 * that means {@code total}; since 2026-12-06 both readings are saved and x86_64 refuses the restore. Where padding follows the array (x86_64, a 37-byte array before a {@code size_t}), the
 * checkpoint was refused as "a pointer into the padding of a struct"; it now migrates. The same at the end of an array
 * element: one past {@code recs[i].buf}, the last member of a struct that has no tail padding on i686, was saved as
 * {@code &recs[i + 1]} (gcc: {@code klmn cdef ghij}, migrated to x86_64: {@code cdef ghij klmn}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OnePastTheEndIT {
    @TempDir
    Path work;

    static final String NEXT_MEMBER = """
            #include <stdio.h>
            struct ring {
              unsigned char *head, *end;
              unsigned char data[4];
              long long total;
            };
            int main(void) {
              static struct ring r;
              r.head = r.data;
              r.end = r.data + 4;
              for (int i = 0; i < 40; i++) {
                *r.head++ = (unsigned char)i;
                if (r.head == r.end) r.head = r.data;
                r.total += i;
              }
              printf("total %lld head %d data %d %d %d %d\\n", r.total, (int)(r.head - r.data),
                     r.data[0], r.data[1], r.data[2], r.data[3]);
              return 0;
            }
            """;

    static final String PADDING = """
            #include <stdio.h>
            #include <stdlib.h>
            #define RING_SIZE 37
            struct ring {
              int id;
              unsigned char *head, *tail, *end;
              unsigned char data[RING_SIZE];
              size_t used;
            };
            static int put(struct ring *r, unsigned char c) {
              if (r->used == RING_SIZE) return -1;
              *r->tail++ = c;
              if (r->tail == r->end) r->tail = r->data;
              r->used++;
              return 0;
            }
            static int get(struct ring *r) {
              int c = *r->head++;
              if (r->head == r->end) r->head = r->data;
              r->used--;
              return c;
            }
            int main(void) {
              struct ring *rings = malloc(2 * sizeof *rings);
              unsigned sum = 0;
              for (int k = 0; k < 2; k++) {
                rings[k].id = k;
                rings[k].head = rings[k].tail = rings[k].data;
                rings[k].end = rings[k].data + RING_SIZE;
                rings[k].used = 0;
              }
              for (int i = 0; i < 3000; i++) {
                struct ring *r = &rings[i & 1];
                if (put(r, (unsigned char)(i * 7)) < 0) {
                  for (int k = 0; k < 20; k++) sum = sum * 31 + (unsigned)get(r);
                }
              }
              printf("sum %u used %zu/%zu head %d tail %d\\n", sum, rings[0].used, rings[1].used,
                     (int)(rings[0].head - rings[0].data), (int)(rings[1].tail - rings[1].data));
              free(rings);
              return 0;
            }
            """;

    /** On i686 struct rec is 12 bytes with buf at its end: one past recs[i].buf is where recs[i + 1] starts. */
    static final String NEXT_ELEMENT = """
            #include <stdio.h>
            struct rec { double w; char buf[4]; };
            static struct rec recs[3];
            int main(void) {
              char *p = recs[0].buf, *end = recs[0].buf + 4;
              int r = 0;
              for (int i = 0; i < 40; i++) {
                *p++ = (char)('a' + i % 26);
                if (p == end) { r = (r + 1) % 3; p = recs[r].buf; end = recs[r].buf + sizeof recs[r].buf; }
                recs[i % 3].w += i;
              }
              for (int k = 0; k < 3; k++) printf("%.1f %.4s\\n", recs[k].w, recs[k].buf);
              return 0;
            }
            """;

    private List<Path> build(String name, List<Target> chain, Run plain) throws Exception {
        CompileResult r = MigratesLikeGcc.compiled(work, name);
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) {
            Path exe = link(t, r, work.resolve(name + "." + t.name()));
            Run straight = run(command(t, exe), Map.of(), null);
            assertThat(straight.out()).as("uninterrupted on " + t.name()).isEqualTo(plain.out());
            exes.add(exe);
        }
        return exes;
    }

    /**
     * On i686 {@code r.end} is both one past {@code data} and the start of {@code total}, and an {@code unsigned char *}
     * fits the one as well as the other (a {@code char *} walking {@code total}'s bytes would be written alike, see
     * {@link #aBytePointerToAMemberAfterAByteArrayIsNotTakenForTheArraysEnd}): both readings are written, and the
     * restore on x86_64, where padding lies between them, is refused (exit 65, naming the pointer) rather than guessed;
     * i686 to i686 and x86_64 to i686 migrate.
     */
    @Test
    void anEndPointerWhereI686PutsTheNextMemberIsRefusedOnX86_64NotGuessed() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "next", NEXT_MEMBER);
        assertThat(plain.out()).isEqualTo("total 780 head 0 data 36 37 38 39\n");
        Target i686 = HOPS.get(2);
        Target x86 = HOPS.getFirst();
        assertThat(i686.name()).isEqualTo("i686");
        List<Target> chain = List.of(i686, x86);
        List<Path> exes = build("next", chain, plain);
        for (int stop : new int[] {4, 23}) {
            Path ck = MigrationHops.checkpointDir(work.resolve("ck-" + stop));
            Run first = run(command(i686, exes.get(0)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_STOP_AFTER", String.valueOf(stop)), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            Run there = run(command(x86, exes.get(1)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_RESTART", "1"), null);
            assertThat(there.rc()).as(there.out() + there.err()).isEqualTo(65);
            assertThat(there.err()).contains("'r.end'");
        }
        MigratesLikeGcc.chainEqualsGcc(work.resolve("same"), List.of(i686, i686), List.of(exes.get(0), exes.get(0)),
                new int[][] {{4}, {10}, {23}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("back"), List.of(x86, i686), List.of(exes.get(1), exes.get(0)),
                new int[][] {{4}, {10}, {23}}, plain);
    }

    @Test
    void anEndPointerWhereI686PutsTheNextElementMigratesToX86_64() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "element", NEXT_ELEMENT);
        assertThat(plain.out()).isEqualTo("273.0 klmn\n247.0 cdef\n260.0 ghij\n");
        List<Target> chain = List.of(HOPS.get(2), HOPS.getFirst());
        List<Path> exes = build("element", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{3}, {9}, {15}, {38}}, plain);
        // and from x86_64, where padding follows buf
        List<Target> back = List.of(HOPS.getFirst(), HOPS.get(2));
        MigratesLikeGcc.chainEqualsGcc(work.resolve("back"), back, List.of(exes.get(1), exes.get(0)), new int[][] {{5}, {22}}, plain);
    }

    @Test
    void anEndPointerFollowedByPaddingMigratesFromX86_64() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "padding", PADDING);
        List<Target> chain = List.of(HOPS.getFirst(), HOPS.get(1), HOPS.get(2));
        assertThat(chain).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = build("padding", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{40, 700}, {1500, 100}, {2900, 20}}, plain);
    }

    /**
     * One past a pointer member of a heap block's element ({@code &h[1].p + 1}, followed by padding on x86_64 before a
     * {@code long double}, by the {@code long double} itself on i686): written on i686 as one past that 4-byte scalar,
     * the x86_64 reader took byte 4 of its 8-byte pointer as an offset inside it, where it maps the writer's scalar
     * size for globals, frame variables and argv; and the i686 writer named it as the start of {@code q} (the next member
     * there), which the x86_64 restore put 8 bytes early (exit 139). Written on x86_64 it was refused as a pointer into
     * the padding. Now the writer names one past a scalar member of the pointer's type, the reader maps its size for
     * heap elements too, and both directions print plain gcc's output.
     */
    @Test
    void onePastAPointerMemberOfAHeapElementMigratesBetweenWordSizes() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "heapend", """
                #include <stdio.h>
                #include <stdlib.h>
                struct S { int *p; long double q; };
                static int g = 7, g2 = 9;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
                int main(void) {
                    struct S *h = malloc(2 * sizeof *h);
                    int **e;
                    long acc = 0;
                    h[0].p = &g; h[0].q = 11; h[1].p = &g2; h[1].q = 13;
                    e = &h[1].p + 1;
                    for (int r = 0; r < 300; r++) acc += spin(20) + (e == &h[1].p + 1) + **(e - 1) + (long)h[1].q;
                    printf("%ld %d\\n", acc, **(e - 1));
                    return 0;
                }
                """);
        assertThat(plain.out()).isEqualTo("24000 9\n");
        List<Target> chain = List.of(HOPS.getFirst(), HOPS.get(2));
        assertThat(chain).extracting(Target::name).containsExactly("x86_64", "i686");
        List<Path> exes = build("heapend", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, List.of(chain.get(1), chain.get(0)), List.of(exes.get(1), exes.get(0)),
                new int[][] {{40}, {3000}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{40}, {3000}}, plain);
    }

    /**
     * A {@code char *} at a member that follows a struct member ({@code (char *)&pk[1] + offsetof(struct pkt, vals)},
     * {@code vals} right after {@code struct hdr h}) is one past the end of {@code h} and the start of {@code vals}, and
     * its type does not tell which it means: every checkpoint was refused ("its type does not tell which of the two it
     * means"), on the same ISA too, and the program ran on. Now both readings are written and the reader checks that its
     * layout makes them one address (here on every ISA: an {@code int} array needs no padding after {@code struct hdr}).
     */
    @Test
    void aCharPointerAtAMemberAfterAStructMemberMigrates() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "charmember", """
                #include <stdio.h>
                #include <stddef.h>
                #include <stdlib.h>
                struct hdr { char kind; long size; void *owner; short flags; double weight; };
                struct pkt { struct hdr h; int vals[6]; };
                static struct pkt pk[4];
                int main(void) {
                    struct pkt *hp = calloc(3, sizeof *hp);
                    char *cur = (char *)&pk[1] + offsetof(struct pkt, vals);
                    char *wp = (char *)&hp[2].h.weight;
                    unsigned long long h = 0;
                    for (int i = 0; i < 500; i++) {
                        int *v = (int *)cur; v[i % 6] += i;
                        struct pkt *back = (struct pkt *)(cur - offsetof(struct pkt, vals));
                        back->h.size += i;
                        *(double *)wp += 0.5;
                        if (i % 97 == 96) { cur = (char *)&pk[(i / 97) % 4].vals; wp = (char *)&hp[i % 3].h.weight; }
                        h = (h * 31 + (unsigned long long)back->h.size % 1000 + (unsigned)v[0]) % 4294967291ULL;
                    }
                    printf("h=%llu w=%.1f sz=%ld\\n", h, hp[0].h.weight + hp[1].h.weight + hp[2].h.weight,
                           pk[1].h.size + pk[2].h.size);
                    return 0;
                }
                """);
        List<Target> chain = List.of(HOPS.getFirst(), HOPS.get(1), HOPS.get(2));
        assertThat(chain).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = build("charmember", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{11, 150}, {300, 100}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("back"), List.of(chain.get(2), chain.get(0)),
                List.of(exes.get(2), exes.get(0)), new int[][] {{200}}, plain);
    }

    /**
     * A {@code char *} to a {@code long long} member that follows {@code char tag[4]} ({@code (char *)&rs[1].v}): i686
     * puts {@code v} right after {@code tag}, so there the pointer is also one past the end of {@code tag}, a
     * {@code char} array, and was written as that (the reading a ring's {@code end = data + 4} needs). Restored on
     * x86_64, where 4 bytes of padding follow {@code tag}, it pointed into the padding: the program printed {@code
     * s=152870 v=6} for gcc's {@code s=138950 v=44850}, exit 0. A byte pointer there is now written with both readings:
     * the restore is refused where the layout puts them apart (x86_64), done where it does not (i686), and from x86_64,
     * where the address is only {@code v}'s, it goes anywhere.
     */
    @Test
    void aBytePointerToAMemberAfterAByteArrayIsNotTakenForTheArraysEnd() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "bytemember", """
                #include <stdio.h>
                struct rec { char tag[4]; long long v; };
                static struct rec rs[3];
                int main(void) {
                    char *p = (char *)&rs[1].v;
                    long long s = 0;
                    for (int i = 0; i < 300; i++) {
                        *(long long *)p += i;
                        rs[i % 3].tag[i % 4] = (char)('a' + i % 26);
                        s += *(long long *)p % 1000;
                    }
                    printf("s=%lld v=%lld %.4s\\n", s, rs[1].v, rs[2].tag);
                    return 0;
                }
                """);
        assertThat(plain.out()).isEqualTo("s=138950 v=44850 khen\n");
        Target x86 = HOPS.getFirst();
        Target i686 = HOPS.get(2);
        List<Path> exes = build("bytemember", List.of(i686, x86), plain);
        for (int stop : new int[] {5, 150}) {
            Path ck = MigrationHops.checkpointDir(work.resolve("ck-" + stop));
            Run first = run(command(i686, exes.get(0)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_STOP_AFTER", String.valueOf(stop)), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            Run there = run(command(x86, exes.get(1)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_RESTART", "1"), null);
            assertThat(there.rc()).as(there.out() + there.err()).isEqualTo(65);
            assertThat(there.out()).isEmpty();
            assertThat(there.err()).contains("'p'");
        }
        MigratesLikeGcc.chainEqualsGcc(work.resolve("same"), List.of(i686, i686), List.of(exes.get(0), exes.get(0)),
                new int[][] {{5}, {150}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("back"), List.of(x86, i686), List.of(exes.get(1), exes.get(0)),
                new int[][] {{5}, {150}}, plain);
    }
}
