package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program in the shape of zlib (issue 11, cause 3): its state struct is allocated through a function pointer
 * ({@code strm->zalloc}, so its allocation site has no type), into a {@code void *}, and referenced as
 * {@code deflate_state *}, as {@code struct internal_state *} and through interior pointers to its members,
 * stored in other members and in globals that a checkpoint meets first ({@code ct_data *} into member arrays,
 * {@code int *} into a row of a two-dimensional member array, {@code const code *}, {@code ush *}); its other
 * blocks come from the same function pointer with the caller's cast ({@code (Bytef *) ZALLOC(...)}, a byte
 * window; the calls through {@code strm->zalloc} are chain calls, since a function with a loop is called
 * through a pointer too, as zlib's {@code configuration_table}). Before, every checkpoint was refused (exit 70,
 * "ambiguous") and the byte window could not be restored
 * on another byte order (exit 65); now the state block keeps the struct type, each interior pointer is a path in
 * its layout, re-based on s390x (another byte order) and i686 (4-byte pointers, 4-byte alignment of
 * {@code long long} and {@code double}): stopped at four visit counts, the output equals plain gcc's. The same
 * bytes used as {@code unsigned[]} and as {@code unsigned long long[]} are still refused, naming both (as
 * {@code unsigned[]} and {@code ush[]}, bzip2's compression, they were refused too; fixed-width integer views are now
 * carried as bytes of one byte order: {@link MixedWidthViewsIT}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InteriorPointersIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef unsigned short ush;
            typedef unsigned char Byte;
            typedef Byte Bytef;
            typedef struct ct_data_s { union { ush freq; ush code; } fc; union { ush dad; ush len; } dl; } ct_data;
            typedef struct tree_desc_s { ct_data *dyn_tree; int max_code; } tree_desc;
            typedef struct code { unsigned char op; unsigned char bits; unsigned short val; } code;
            typedef void *(*alloc_func)(void *opaque, unsigned items, unsigned size);
            typedef struct stream { alloc_func zalloc; void *opaque; struct internal_state *state; unsigned long long total; } stream;
            typedef struct internal_state {
              stream *strm; int status; Bytef *window; ush *prev;
              ct_data dyn_ltree[61]; ct_data dyn_dtree[13]; ct_data bl_tree[7];
              tree_desc l_desc, d_desc, bl_desc;
              ush bl_count[16];
              int limit[3][9]; int *glimit;
              long long lookahead; double ratio; char tag;
              code codes[40]; const code *lcode; code *next;
              unsigned *hash;
            } deflate_state;
            /* met before the state's own pointer: the block is first typed from these, then from 'deflate_state *' */
            static ct_data *g_tree;
            static int *g_lim;
            static void *zcalloc(void *opaque, unsigned items, unsigned size) { (void)opaque; return calloc(items, size); }
            #define ZALLOC(strm, items, size) (*((strm)->zalloc))((strm)->opaque, (items), (size))
            static void init(stream *strm) {
              /* untyped at its allocation: typed at the checkpoint from the pointers into it, met in any order */
              void *mem = ZALLOC(strm, 1, sizeof(deflate_state));
              deflate_state *s = mem;
              strm->state = (struct internal_state *) s;
              s->strm = strm;
              s->window = (Bytef *) ZALLOC(strm, 64, 2 * sizeof(Byte));
              s->prev = (ush *) ZALLOC(strm, 64, sizeof(ush));
              s->hash = (unsigned *) ZALLOC(strm, 32, sizeof(unsigned));
              s->l_desc.dyn_tree = s->dyn_ltree; s->l_desc.max_code = 60;
              s->d_desc.dyn_tree = s->dyn_dtree; s->d_desc.max_code = 12;
              s->bl_desc.dyn_tree = s->bl_tree; s->bl_desc.max_code = 6;
              for (int i = 0; i < 40; i++) { s->codes[i].op = (unsigned char)(i * 7); s->codes[i].bits = (unsigned char)(i % 9); s->codes[i].val = (unsigned short)(i * 1000); }
              s->lcode = s->codes; s->next = s->codes + 5; s->glimit = &s->limit[1][0];
              s->ratio = 0.5; s->tag = 'z';
              g_tree = s->bl_tree + 2; g_lim = &s->limit[2][4];
            }
            static unsigned long long tally(tree_desc *d, unsigned r) {
              ct_data *tree = d->dyn_tree;
              unsigned long long h = 0;
              for (int n = 0; n <= d->max_code; n++) {
                tree[n].fc.freq = (ush)(tree[n].fc.freq * 3u + r + (unsigned)n);
                tree[n].dl.len = (ush)(tree[n].dl.len ^ (r << 2));
                h = h * 31 + tree[n].fc.freq + tree[n].dl.len;
              }
              return h;
            }
            static unsigned long long (*tally_fn)(tree_desc *, unsigned) = tally;
            static unsigned long long round_of(deflate_state *s, unsigned r) {
              ush *bc = s->bl_count + 3;
              int *lim = s->glimit;
              const code *here = s->lcode + (r % 40);
              unsigned long long h = tally(&s->l_desc, r) ^ tally(&s->d_desc, r + 1) ^ tally_fn(&s->bl_desc, r + 2);
              for (int k = 0; k < 9; k++) { lim[k] += (int)(r * (unsigned)k) % 17; h += (unsigned long long)lim[k]; }
              for (int k = 0; k < 8; k++) { bc[k] = (ush)(bc[k] + here->val + k); s->window[(r + (unsigned)k) % 128] ^= (Byte)bc[k]; s->prev[(r + (unsigned)k) % 64] += bc[k]; }
              s->hash[r % 32] = s->hash[(r + 1) % 32] * 2654435761u + here->bits;
              s->next = s->codes + ((r * 7) % 40);
              s->lookahead += here->op;
              s->ratio = s->ratio * 0.75 + (double)(h % 1000) / 4000.0;
              s->strm->total += h % 65536;
              g_tree[r % 5].dl.dad ^= (ush)r; *g_lim += (int)(r % 3);
              return h;
            }
            int main(void) {
              stream strm = { zcalloc, NULL, NULL, 0 };
              init(&strm);
              deflate_state *s = (deflate_state *) strm.state;
              unsigned long long acc = 0;
              for (unsigned r = 0; r < 400; r++) {
                acc = acc * 1000003u + round_of(s, r);
                if (r % 100 == 99) printf("r=%u acc=%llu total=%llu next=%d\\n", r, acc % 1000000007ull, s->strm->total, (int)(s->next - s->codes));
              }
              unsigned long long w = 0;
              for (int i = 0; i < 128; i++) w = w * 131 + s->window[i];
              for (int i = 0; i < 64; i++) w = w * 131 + s->prev[i];
              for (int i = 0; i < 32; i++) w = w * 131 + s->hash[i];
              printf("w=%llu look=%lld ratio=%.6f tag=%c lim=%d\\n", w, s->lookahead, s->ratio, s->tag, s->limit[1][8]);
              return 0;
            }
            """;

    @Test
    void aStateStructFromAFunctionPointerAllocatorMigratesWithItsInteriorPointers() throws Exception {
        MigratesLikeGcc.check(work, "zs", PROGRAM, 3, 3, 50, 300, 900);
    }

    @Test
    void theSameBytesUnderTwoTypesAreRefusedNamingBoth() throws Exception {
        String source = PROGRAM.replace("  s->hash[r % 32] = ", "  wide[r % 8] ^= 1;\n  s->hash[r % 32] = ")
                .replace("const code *here = s->lcode + (r % 40);", "const code *here = s->lcode + (r % 40);\n  unsigned long long *wide = (unsigned long long *) s->hash + 1;");
        assertThat(source).contains("unsigned long long *wide");
        Run stopped = MigratesLikeGcc.refusedAt(work, "zc", source, 50);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at zc.c:")
                .contains("is used as 'unsigned int' and as 'unsigned long long' (pointer 'wide'").contains("same bytes under two types");
    }
}
