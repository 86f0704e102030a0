package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers copied with memcpy into a character buffer (a serialization buffer) and read back with memcpy. Found by
 * hand: the buffer migrated as bytes, so restarted on s390x the program read byte-swapped numbers and printed other
 * sums with exit 0. Now such a build's checkpoints stay on their byte order (and, for a type whose size differs, on
 * their pointer width): the restore elsewhere is refused (exit 65) naming the copy; where allowed, the output is
 * plain gcc's. The same for doubles kept in {@code unsigned short} words (found on main after h/mujs: restored on
 * s390x, the words came back swapped one by one and the sum was another, exit 0).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ByteCopiesIT {
    @TempDir
    Path work;

    static final String WIRE = """
            #include <stdio.h>
            #include <string.h>
            #include <stdint.h>
            static unsigned char wire[4096];
            static size_t wlen;
            static void put(TYPE v) { memcpy(wire + wlen, &v, sizeof v); wlen += sizeof v; }
            static TYPE get(size_t off) { TYPE v; memcpy(&v, wire + off, sizeof v); return v; }
            int main(void) {
              uint32_t h = 0;
              for (uint32_t r = 0; r < 400; r++) {
                put((TYPE)(r * 2654435761u));
                if (r >= 10) h = h * 31 + (uint32_t)(get((size_t)(r - 10) * sizeof(TYPE)) % 1000);
                if (r % 100 == 0) printf("r=%u h=%u\\n", (unsigned)r, (unsigned)h);
              }
              printf("h=%u\\n", (unsigned)h);
              return 0;
            }
            """;

    private void check(String name, String type, List<String> refusedOn, List<String> allowedOn) throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, name, WIRE.replace("TYPE", type)).out();
        CompileResult r = MigratesLikeGcc.compiled(work, name);
        MigratesLikeGcc.boundToByteOrder(work, name, r, expected, List.of("50", "300"), refusedOn, allowedOn,
                "are copied into character storage at " + name + ".c:6:");
    }

    @Test
    void intsCopiedIntoACharacterBufferStayOnTheirByteOrder() throws Exception {
        check("ints", "uint32_t", List.of("s390x"), List.of("x86_64", "i686", "aarch64"));
    }

    @Test
    void longsCopiedIntoACharacterBufferStayOnTheirByteOrderAndWidth() throws Exception {
        check("longs", "unsigned long", List.of("s390x", "i686"), List.of("x86_64", "aarch64"));
    }

    /** Doubles kept in unsigned short words (a bytecode's constants): restored on s390x they read as other numbers. */
    static final String WORDS = """
            #include <stdio.h>
            #include <string.h>
            #include <stdlib.h>
            static unsigned short *code;
            static void emit(double d, int at) { memcpy(code + at, &d, sizeof d); }
            int main(void) {
              code = malloc(64 * sizeof *code);
              for (int i = 0; i < 8; i++) emit(1.5 + i * 0.25, i * 4);
              double sum = 0;
              for (int round = 0; round < 400; round++) {
                for (int i = 0; i < 8; i++) {
                  double d;
                  memcpy(&d, code + i * 4, sizeof d);
                  sum += d;
                }
                if (round % 100 == 0) printf("round %d sum %.3f\\n", round, sum);
              }
              printf("%.3f\\n", sum);
              free(code);
              return 0;
            }
            """;

    @Test
    void doublesCopiedIntoShortWordsStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "words", WORDS).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "words");
        MigratesLikeGcc.boundToByteOrder(work, "words", r, expected, List.of("50", "2000"), List.of("s390x"),
                List.of("x86_64", "i686", "aarch64"), "the bytes of a double are copied into unsigned short storage at words.c:5:");
    }
    /**
     * uthash's {@code HASH_ADD_INT}/{@code HASH_FIND_INT}, reduced: a macro hashes a key's bytes through
     * {@code (const unsigned char *)(&k)}, the hash picks the bucket and is kept in every node. Found by hand with
     * uthash 2.3.0 itself (its tests and a 20-line int-keyed table): restarted on s390x, every lookup hashed the same
     * int's bytes the other way round, missed the buckets x86_64 had filled and the program printed
     * {@code found=57 sum=364} for gcc's {@code found=800 sum=78000} with exit 0. Now such a build stays on its byte
     * order (refused at restore, exit 65, naming the cast); i686 and aarch64 run on with gcc's output.
     */
    static final String HASHED_KEYS = """
            #include <stdio.h>
            #include <stdlib.h>
            #define HASH_BYTES(key, len, out) do { \\
                const unsigned char *_k = (const unsigned char *)(key); unsigned _h = 2166136261u; \\
                for (unsigned _i = 0; _i < (unsigned)(len); _i++) _h = (_h ^ _k[_i]) * 16777619u; \\
                (out) = _h; } while (0)
            struct node { int id; int score; unsigned hashv; struct node *next; };
            static struct node *buckets[64];
            int main(void) {
              for (int i = 0; i < 200; i++) {
                struct node *n = malloc(sizeof *n);
                n->id = i * 7;
                n->score = i;
                HASH_BYTES(&n->id, sizeof n->id, n->hashv);
                n->next = buckets[n->hashv % 64];
                buckets[n->hashv % 64] = n;
              }
              long found = 0, sum = 0;
              for (int r = 0; r < 20; r++) {
                for (int k = 0; k < 1400; k += 13) {
                  unsigned h;
                  HASH_BYTES(&k, sizeof k, h);
                  for (struct node *n = buckets[h % 64]; n; n = n->next)
                    if (n->hashv == h && n->id == k) { found++; sum += n->score; break; }
                }
                if (r % 5 == 0) printf("r=%d found=%ld\\n", r, found);
              }
              printf("found=%ld sum=%ld\\n", found, sum);
              return 0;
            }
            """;

    @Test
    void keysHashedByTheirBytesStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "hashed", HASHED_KEYS).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "hashed");
        MigratesLikeGcc.boundToByteOrder(work, "hashed", r, expected, List.of("300", "2500"), List.of("s390x"),
                List.of("x86_64", "i686", "aarch64"), "the bytes of an int are read through 'const unsigned char *' at hashed.c:");
    }

    /**
     * fairymax 5.0b's hash keys, reduced: Zobrist keys read as ints from a {@code signed char} table filled byte by
     * byte ({@code *(int *)(T + ...)}), positions hashed into a table of entries that keep their key. A checkpoint
     * carries the table as bytes, so on s390x the same bytes read as other keys: stopped on x86_64 and restarted on
     * s390x, the keys computed after the stop missed the entries stored before it: after 3000
     * and 4000 visits {@code found=704 of 1500} and {@code found=25 of 1500} for gcc's {@code found=1500 of 1500}, exit 0
     * (fairymax itself played other moves). Now refused there (exit 65) naming the array; i686 and
     * aarch64 run on with gcc's output.
     */
    static final String KEYS_FROM_CHARACTERS = """
            #include <stdio.h>
            #define K(A, B) *(int *)(T + (A) + 64 * ((B) & 31))
            static signed char T[2100];
            static struct { int key, used; } table[4096];
            static int seed = 76596595;
            static int rnd(void) { return (seed = 1103515245 * seed + 12345) * 150610563 >> 14; }
            static int slot(int key) {
              int s = key & 4095;
              while (table[s].used && table[s].key != key) s = (s + 1) & 4095;
              return s;
            }
            int main(void) {
              int found = 0;
              for (int i = 0; i < 2100; i++) T[i] = (signed char)(rnd() >> 9);
              for (int p = 0; p < 1500; p++) {
                int key = K(p % 61, p / 61) ^ K((p * 7) % 59, p % 29);
                int s = slot(key);
                table[s].key = key;
                table[s].used = 1;
              }
              for (int p = 0; p < 1500; p++) {
                int key = K(p % 61, p / 61) ^ K((p * 7) % 59, p % 29);
                found += table[slot(key)].used;
              }
              printf("found=%d of 1500\\n", found);
              return 0;
            }
            """;

    @Test
    void keysReadAsNumbersFromACharacterArrayStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "chkeys", KEYS_FROM_CHARACTERS).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "chkeys");
        MigratesLikeGcc.boundToByteOrder(work, "chkeys", r, expected, List.of("3000", "4000"), List.of("s390x"),
                List.of("x86_64", "i686", "aarch64"), "the character array 'T' is read as an int at chkeys.c:16:");
    }

    /**
     * A number array seen through {@code char *} kept in a global and read in another function, and a number's bytes
     * through {@code char *} kept in a struct member: before, a plain {@code char} view bound nothing, and this
     * program, stopped on x86_64 after 2500 visits and restarted on s390x, printed {@code 2 1 5 ...} for gcc's
     * {@code 2 4 5 ...}, exit 0. Now refused there (exit 65) naming the cast; i686 and aarch64 run on with gcc's output.
     */
    static final String CHAR_VIEWS_KEPT = """
            #include <stdio.h>
            unsigned x[4] = {0x01020304u, 5, 6, 7};
            char *view;
            struct holder { char *bytes; int n; } hold;
            static unsigned work(unsigned n) { unsigned h = 7; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
            static void setup(void) { view = (char *)x; hold.bytes = (char *)&x[1]; hold.n = 4; }
            int main(void) {
              setup();
              unsigned h = 0;
              for (int r = 0; r < 6; r++) {
                h += work(1000);
                printf("%d %d %d %u\\n", r, view[0], hold.bytes[0], h);
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void charViewsOfNumbersKeptInAGlobalOrAMemberStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "charviews", CHAR_VIEWS_KEPT).out();
        assertThat(expected).startsWith("0 4 5 ");
        CompileResult r = MigratesLikeGcc.compiled(work, "charviews");
        MigratesLikeGcc.boundToByteOrder(work, "charviews", r, expected, List.of("2500"), List.of("s390x"),
                List.of("i686", "aarch64"), "are read through 'char *' at charviews.c:6:");
    }

    /**
     * Keys kept sorted by {@code memcmp} (a comparator returning its result): the order is the bytes' order, so
     * before, stopped on x86_64 after 300 visits and restarted on s390x, the program printed {@code r=299 found=300
     * first=497577} ... {@code first=79048} for gcc's {@code first=248370688} ... {@code first=255622912}, exit 0. Now
     * refused there (exit 65) naming the call; i686 and aarch64 run on with gcc's output.
     */
    static final String MEMCMP_SORTED = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static unsigned keys[600];
            static int n;
            static int cmp(const void *a, const void *b) {
              const unsigned *x = a, *y = b;
              return memcmp(x, y, sizeof *x);
            }
            int main(void) {
              unsigned v = 12345, found = 0;
              for (int r = 0; r < 600; r++) {
                v = v * 1103515245u + 12345u;
                keys[n++] = v >> 4;
                qsort(keys, (size_t)n, sizeof keys[0], cmp);
                unsigned probe = keys[(unsigned)r * 7u % (unsigned)n];
                if (bsearch(&probe, keys, (size_t)n, sizeof keys[0], cmp)) found++;
                if (r % 100 == 99) { printf("r=%d found=%u first=%u\\n", r, found, keys[0]); fflush(stdout); }
              }
              return 0;
            }
            """;

    @Test
    void keysSortedByMemcmpStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "memsort", MEMCMP_SORTED).out();
        assertThat(expected).contains("r=599 found=600 ");
        CompileResult r = MigratesLikeGcc.compiled(work, "memsort");
        MigratesLikeGcc.boundToByteOrder(work, "memsort", r, expected, List.of("150", "300"), List.of("s390x"),
                List.of("i686", "aarch64"), "are ordered by memcmp at memsort.c:8:");
    }

    /**
     * The same keys sorted by a generic comparator, {@code memcmp(a, b, size)} over its own {@code const void *}
     * parameters, reached once directly (qsort given the array) and once through a global function pointer (bsearch
     * given it by a name that says nothing of what it compares). Before, {@code void *} on both sides was not seen and
     * the build was not bound (as {@link #keysSortedByMemcmpStayOnTheirByteOrder}'s before its fix, which went on in
     * the other byte order's order with exit 0). Now refused on s390x (exit 65) naming the comparator; i686 and aarch64
     * run on with gcc's output.
     */
    static final String GENERIC_MEMCMP_SORTED = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static unsigned keys[600];
            static int n;
            static size_t width = sizeof keys[0];
            static int bytes(const void *a, const void *b) {
              return memcmp(a, b, width);
            }
            static int (*order)(const void *, const void *) = bytes;
            int main(void) {
              unsigned v = 12345, found = 0;
              for (int r = 0; r < 600; r++) {
                v = v * 1103515245u + 12345u;
                keys[n++] = v >> 4;
                qsort(keys, (size_t)n, sizeof keys[0], bytes);
                unsigned probe = keys[(unsigned)r * 7u % (unsigned)n];
                if (bsearch(&probe, keys, (size_t)n, sizeof keys[0], order)) found++;
                if (r % 100 == 99) { printf("r=%d found=%u first=%u\\n", r, found, keys[0]); fflush(stdout); }
              }
              return 0;
            }
            """;

    @Test
    void keysSortedByAGenericMemcmpComparatorStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "genericsort", GENERIC_MEMCMP_SORTED).out();
        assertThat(expected).contains("r=599 found=600 ");
        CompileResult r = MigratesLikeGcc.compiled(work, "genericsort");
        MigratesLikeGcc.boundToByteOrder(work, "genericsort", r, expected, List.of("150", "300"), List.of("s390x"),
                List.of("i686", "aarch64"), "the comparator 'bytes' (memcmp at genericsort.c:8:");
    }

    /**
     * A CRC over the bytes of a {@code uint32_t} array and of a heap buffer of them
     * ({@code crc((const unsigned char *)words, sizeof words)}, {@code crc((uint8_t *)heap, ...)}), kept in globals
     * across the stop. Before, only the address of a number ({@code &key}) bound the build: this one, stopped after 100
     * or 2000 visits on x86_64 and restarted on s390x, printed {@code total=40ac2d9b 059c5108} and
     * {@code total=cc5aa8f8 059c5108} for gcc's {@code total=079bcd30 59ea8583}, exit 0. Now refused there (exit 65)
     * naming the cast; i686 and aarch64 run on with gcc's output.
     */
    static final String CRC_OF_WORDS = """
            #include <stdio.h>
            #include <stdint.h>
            #include <stdlib.h>
            static uint32_t words[64];
            static uint32_t total, htotal;
            static uint32_t crc(const unsigned char *p, size_t n) {
              uint32_t c = 0xffffffffu;
              for (size_t i = 0; i < n; i++) {
                c ^= p[i];
                for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
              }
              return ~c;
            }
            int main(void) {
              uint32_t *heap = malloc(64 * sizeof *heap);
              for (int r = 0; r < 300; r++) {
                for (int i = 0; i < 64; i++) words[i] = heap[i] = (uint32_t)(r * 64 + i) * 2654435761u;
                total = total * 31 + crc((const unsigned char *)words, sizeof words);
                heap[r % 64] ^= 0x5a5a;
                htotal = htotal * 31 + crc((uint8_t *)heap, 64 * sizeof *heap);
                if (r % 100 == 0) printf("r=%d total=%08x %08x\\n", r, (unsigned)total, (unsigned)htotal);
              }
              printf("total=%08x %08x\\n", (unsigned)total, (unsigned)htotal);
              free(heap);
              return 0;
            }
            """;

    @Test
    void aCrcOverANumberArraysBytesStaysOnItsByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "crcarr", CRC_OF_WORDS).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "crcarr");
        MigratesLikeGcc.boundToByteOrder(work, "crcarr", r, expected, List.of("100", "2000"), List.of("s390x"),
                List.of("x86_64", "i686", "aarch64"), "the bytes of an unsigned int are read through 'const unsigned char *' at crcarr.c:18:");
    }

    /**
     * Int keys hashed through {@code const void *} ({@code hash(&n->id, sizeof n->id)}, the callee reading
     * {@code const unsigned char *b = data}), each node keeping its hash. Before, the cast from {@code void *} was not
     * seen: stopped after 100 or 2000 visits on x86_64 and restarted on s390x it printed {@code found=300} and
     * {@code found=36} for gcc's {@code found=320}, exit 0. Now refused there (exit 65) naming the call.
     */
    static final String VOID_HASHED_KEYS = """
            #include <stdio.h>
            #include <stdlib.h>
            static unsigned hash(const void *data, size_t n) {
              const unsigned char *b = data;
              unsigned h = 2166136261u;
              for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
              return h;
            }
            struct node { int id; unsigned hashv; struct node *next; };
            static struct node *buckets[64];
            int main(void) {
              for (int i = 0; i < 200; i++) {
                struct node *n = malloc(sizeof *n);
                n->id = i * 7;
                n->hashv = hash(&n->id, sizeof n->id);
                n->next = buckets[n->hashv % 64];
                buckets[n->hashv % 64] = n;
              }
              long found = 0;
              for (int r = 0; r < 20; r++) {
                for (int k = 0; k < 1400; k += 13) {
                  unsigned h = hash(&k, sizeof k);
                  for (struct node *n = buckets[h % 64]; n; n = n->next)
                    if (n->hashv == h && n->id == k) { found++; break; }
                }
                if (r % 5 == 0) printf("r=%d found=%ld\\n", r, found);
              }
              printf("found=%ld\\n", found);
              return 0;
            }
            """;

    @Test
    void keysHashedThroughAVoidPointerStayOnTheirByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "voidhash", VOID_HASHED_KEYS).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "voidhash");
        MigratesLikeGcc.boundToByteOrder(work, "voidhash", r, expected, List.of("100", "2000"), List.of("s390x"),
                List.of("x86_64", "i686", "aarch64"), "the bytes of an int are read as characters ('&n->id' passed to 'hash') at voidhash.c:15:");
    }
}
