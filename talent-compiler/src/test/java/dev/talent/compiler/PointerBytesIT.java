package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pointer's bytes copied with memcpy into an array of {@code unsigned short}, mujs 1.3.2's bytecode pattern (issue
 * 11): {@code emitstring} writes an interned string's address into the instruction words, the interpreter reads it
 * back with memcpy. A checkpoint carried the words as numbers, so the restart read the old process's address and
 * crashed in strlen (mujs: after 30,000 visits and beyond, on x86_64 -> x86_64 too). Now the copy makes every later
 * checkpoint refused by the call's position, and the program goes on to plain gcc's output; a stop before any such
 * copy still migrates.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PointerBytesIT {
    @TempDir
    Path work;

    /** 60 rounds of a warm-up loop (no copy yet), then 40 strings compiled into code, then the code run 300 times. */
    static final String BYTECODE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef unsigned short ins;
            struct node { struct node *next; char s[24]; };
            static struct node *interned;
            static ins *code;
            static int len, cap;
            static const char *intern(const char *s) {
              for (struct node *n = interned; n; n = n->next) if (strcmp(n->s, s) == 0) return n->s;
              struct node *n = malloc(sizeof *n);
              strcpy(n->s, s);
              n->next = interned;
              interned = n;
              return n->s;
            }
            static void emit(ins v) {
              if (len == cap) { cap = cap ? 2 * cap : 8; code = realloc(code, cap * sizeof *code); }
              code[len++] = v;
            }
            static void emitstring(const char *str) {
              ins x[sizeof str / sizeof(ins)];
              emit(1);
              memcpy(x, &str, sizeof str);
              for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) emit(x[i]);
            }
            int main(void) {
              unsigned long h = 5;
              char buf[24];
              for (int w = 0; w < 60; w++) h = h * 33 + (unsigned)w;
              for (int i = 0; i < 40; i++) {
                sprintf(buf, "w%d", (i * 7) % 23);
                emitstring(intern(buf));
              }
              emit(0);
              for (int r = 0; r < 300; r++) {
                for (int pc = 0; code[pc]; ) {
                  const char *s;
                  memcpy(&s, code + pc + 1, sizeof s);
                  pc += 1 + (int)(sizeof s / sizeof(ins));
                  h = (h * 31 + strlen(s) + (unsigned char)s[1] + (unsigned)r) % 1000000007ul;
                }
                if (r % 100 == 99) printf("r=%d h=%lu\\n", r, h);
              }
              printf("h=%lu\\n", h);
              return 0;
            }
            """;

    /**
     * Stopped after 2000 visits (while the code runs): before the change the checkpoint was written and the restart
     * read the strings through the old process's addresses; now it is refused naming the copy, and the program ends
     * as plain gcc's build does.
     */
    @Test
    void aStopAfterAPointerWasCopiedIntoInstructionWordsIsRefusedByTheCopy() throws Exception {
        Run refused = MigratesLikeGcc.refusedAt(work, "bytecode", BYTECODE, 2000);
        assertThat(refused.err()).contains("the program copied the bytes of a pointer into memory of a non-pointer type")
                .contains("'&str' (const char *) copied by memcpy into 'x' (unsigned short)")
                .contains("bytecode.c:24:3");
        CompileResult r = MigratesLikeGcc.compiled(work, "bytecode");
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .contains("the bytes of '&str' (const char *) copied by memcpy into 'x' (unsigned short)")
                .contains("every checkpoint after this call has run is refused"));
    }

    /**
     * The same copy written as a fortified build or a project's own macro writes it, the checked builtin with the
     * destination's size as a fourth argument: refused the same way, noted through its destination.
     */
    @Test
    void aCheckedCopyOfAPointerIntoInstructionWordsIsRefusedToo() throws Exception {
        String checked = BYTECODE.replace("memcpy(x, &str, sizeof str);",
                "__builtin___memcpy_chk(x, &str, sizeof str, __builtin_object_size(x, 0));");
        assertThat(checked).isNotEqualTo(BYTECODE);
        Run refused = MigratesLikeGcc.refusedAt(work, "checked", checked, 2000);
        assertThat(refused.err()).contains("the program copied the bytes of a pointer into memory of a non-pointer type")
                .contains("'&str' (const char *) copied by __builtin___memcpy_chk into 'x' (unsigned short)")
                .contains("checked.c:24:3");
    }

    /** A pointer stored through a cast into unsigned long words, read back the same way. */
    static final String STORED = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static unsigned long *code;
            int main(void) {
              char *names = malloc(64);
              strcpy(names, "hello world");
              code = malloc(16 * sizeof *code);
              *(char **)(code + 2) = names + 6;
              long total = 0;
              for (int round = 0; round < 3000; round++) {
                const char *s = *(char **)(code + 2);
                total += (long)strlen(s) + s[0];
                if (round % 1000 == 999) printf("%d %ld\\n", round, total);
              }
              printf("%ld %s\\n", total, *(char **)(code + 2));
              free(names);
              free(code);
              return 0;
            }
            """;

    /**
     * Stopped after the store: before the change the restart (x86_64 -> x86_64) read through the old address and
     * crashed; now the checkpoint is refused naming the store, and the program ends as plain gcc's build does.
     */
    @Test
    void aStopAfterAPointerWasStoredThroughACastIntoIntegerWordsIsRefused() throws Exception {
        Run refused = MigratesLikeGcc.refusedAt(work, "stored", STORED, 2000);
        assertThat(refused.err()).contains("the program copied the bytes of a pointer into memory of a non-pointer type")
                .contains("'names + 6' (char *) copied by a store through '(char **)' into 'code + 2' (unsigned long)")
                .contains("stored.c:9:4");
    }

    /**
     * Stopped in the warm-up loop, before any copy: migrates to s390x with plain gcc's output (not to i686: the
     * program keeps sizes that differ between the widths, SizeValues).
     */
    @Test
    void aStopBeforeAnyCopyMigrates() throws Exception {
        MigratesLikeGcc.checkEveryStop(work, "early", BYTECODE, 2, 10, 50);
    }
}
