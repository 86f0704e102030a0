package dev.talent.compiler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local pointer whose address is passed before it is written (mujs's {@code jsV_setproperty}: {@code js_Property
 * *result; obj->properties = insert(J, obj, obj->properties, name, &result);}, written by the recursive
 * {@code insert} on its way back). Until then it holds what the stack held: here, as in mujs, the address of an
 * object of another type left by an earlier call. A checkpoint inside {@code insert} saved that stale address and
 * was refused as a conflict of the object's types; the compiler now starts such a pointer as null (docs/CODEGEN.md
 * "Pointers not yet written"), and every stop restarts on s390x and i686 with plain gcc's output.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class UnwrittenPointersIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct obj { struct obj *proto; double weight; long tag; };
            struct prop { struct prop *left, *right; const char *name; long value; };
            static long acc;
            static void *newmem(size_t n) { for (int k = 0; k < 2; k++) acc += k; void *p = malloc(n); memset(p, 0, n); return p; }
            static void scribble(struct obj *o) {
            #define O4 o, o, o, o
                struct obj *volatile v[32] = { O4, O4, O4, O4, O4, O4, O4, O4 };
                acc += v[7] == o;
            }
            static struct prop *insert(struct prop *node, const char *name, struct prop **result) {
                for (int k = 0; k < 3; k++) acc += k;
                if (!node) {
                    node = newmem(sizeof *node);
                    node->name = name;
                    *result = node;
                    return node;
                }
                int c = strcmp(name, node->name);
                if (c < 0) node->left = insert(node->left, name, result);
                else if (c > 0) node->right = insert(node->right, name, result);
                else *result = node;
                return node;
            }
            static struct prop *setprop(struct prop **root, const char *name) {
                struct prop *result;
                *root = insert(*root, name, &result);
                return result;
            }
            int main(void) {
                struct prop *root = NULL;
                struct obj *objs[64] = {0};
                char names[64][8];
                for (int i = 0; i < 64; i++) {
                    objs[i] = newmem(sizeof *objs[i]);
                    objs[i]->tag = i;
                    objs[i]->proto = i ? objs[i - 1] : NULL;
                    snprintf(names[i], sizeof names[i], "k%d", (i * 37) % 64);
                    scribble(objs[i]);
                    setprop(&root, names[i])->value += objs[i]->tag;
                }
                printf("%ld %ld %ld\\n", acc, setprop(&root, "k5")->value, objs[63]->proto->tag);
                return 0;
            }
            """;

    @Test
    void aPointerPassedByAddressBeforeItIsWrittenMigrates() throws Exception {
        MigratesLikeGcc.checkEveryStop(work, "unwritten", PROGRAM, 3, 100, 300, 600, 1000, 1500, 2000);
    }
}
