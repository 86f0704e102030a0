package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integer objects that hold only addresses (issue 11, analysis.AddressObjects): refused at build time before, now
 * carried as the object and offset they point to. Stopped at every given visit on x86_64 and restarted on s390x and
 * i686 (another byte order, another width: uintptr_t is 4 bytes there), the output is plain gcc's. An address integer
 * that points nowhere talent knows is refused at the checkpoint, by name, and the program goes on.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AddressIntegerObjectsIT {
    @TempDir
    Path work;

    /** A local uintptr_t base, a struct member, a tagged list (low bit set, cleared again), an array of them. */
    static final String CARRIED = """
            #include <stdio.h>
            #include <stdint.h>
            #include <stdlib.h>
            struct region { uintptr_t addr; size_t len; };
            struct node { long v; uintptr_t next; };
            static uintptr_t slots[8];
            static long sum(const long *v, int n) { long s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
            int main(void) {
              long *v = malloc(64 * sizeof *v);
              for (int i = 0; i < 64; i++) v[i] = i * 3;
              uintptr_t base = (uintptr_t)v;
              unsigned char *bytes = malloc(256);
              struct region r = { (uintptr_t)bytes, 256 };
              struct node *head = NULL;
              long s = 0;
              for (int i = 0; i < 40; i++) {
                struct node *n = malloc(sizeof *n);
                n->v = i;
                n->next = (uintptr_t)head | (uintptr_t)(i % 2);
                head = n;
                slots[i % 8] = (uintptr_t)&v[i];
                ((unsigned char *)r.addr)[i] = (unsigned char)(i * 7);
                s += *(long *)(base + (uintptr_t)(i % 64) * sizeof(long)) + sum(v, i % 5);
              }
              int marked = 0;
              for (uintptr_t p = (uintptr_t)head; p; ) {
                struct node *n = (struct node *)(p & ~(uintptr_t)1);
                s += n->v + sum(v, 3);
                if (p & 1) marked++;
                p = n->next;
              }
              for (int k = 0; k < 30; k++)
                for (int j = 0; j < 8; j++) s += *(long *)slots[j] + ((unsigned char *)r.addr)[(k + j) % 40];
              printf("s=%ld marked=%d same=%d\\n", s, marked, base == (uintptr_t)v);
              return 0;
            }
            """;

    @Test
    void integersHoldingAddressesMigrateAcrossIsasLikeGcc() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "addrint", CARRIED, 3,
                1, 5, 20, 39, 41, 50, 60, 75, 90, 120, 200, 300);
        assertThat(out).startsWith("s=").endsWith("marked=20 same=1\n");
    }

    /** An address integer kept after its block is freed: in no object talent knows, so refused, not made 0xDEAD. */
    static final String DANGLING = """
            #include <stdio.h>
            #include <stdint.h>
            #include <stdlib.h>
            int main(void) {
              char *q = malloc(32);
              uintptr_t gone = (uintptr_t)q;
              free(q);
              unsigned long s = 0;
              for (int i = 0; i < 50; i++) s = s * 31 + (unsigned long)i;
              printf("s=%lu kept=%d\\n", s, gone != 0);
              return 0;
            }
            """;

    @Test
    void anAddressIntegerPointingNowhereRefusesTheCheckpointByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "dangling", DANGLING, 10);
        assertThat(r.err()).contains("integer 'gone' (uintptr_t").contains("holds an address that is in no object talent knows");
    }
}
