package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 (h/mmap11, docs/COVERAGE.md row "mm"): real code keeps arenas, custom allocators and big tables in
 * {@code mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)}. A pointer kept across a
 * checkpoint into such a mapping refused the checkpoint; the mapping is now carried as a heap block (the runtime's
 * heap_mapping.c), typed by the pointer its result is assigned to, restored as a fresh mapping, and munmap of it
 * after a restore unmaps it. What cannot be carried is still refused (ForeignMemoryIT).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AnonymousMappingsIT {
    @TempDir
    Path work;

    @Test
    void anArrayOfUnsignedAndAStructArenaWithInteriorPointersMigrateAndAreUnmappedAfter() throws Exception {
        String source = """
                #define _DEFAULT_SOURCE
                #include <stdio.h>
                #include <sys/mman.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                struct node { unsigned v; struct node *next; struct node *self; };
                int main(void) {
                  unsigned n = 1000, nn = 300;
                  unsigned *words = mmap(NULL, n * sizeof *words, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                         -1, 0);
                  struct node *arena = mmap(NULL, nn * sizeof *arena, PROT_READ | PROT_WRITE,
                                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                  if (words == MAP_FAILED || arena == MAP_FAILED) return 1;
                  for (unsigned i = 0; i < n; i++) words[i] = i * 2654435761u;
                  for (unsigned i = 0; i < nn; i++) {
                    arena[i].v = i * 7u;
                    arena[i].self = &arena[i];
                    arena[i].next = i + 1 < nn ? &arena[(i * 37u + 11u) % nn] : 0;
                  }
                  struct node *cur = &arena[5];
                  unsigned h = 0;
                  for (unsigned r = 0; r < 8; r++) {
                    h = h * 31 + work(500);
                    for (unsigned k = 0; k < 50; k++) {
                      cur->v += r;
                      h = h * 31 + cur->v + (cur->self == cur);
                      cur = cur->next ? cur->next : arena;
                    }
                    words[r * 97 % n] ^= h;
                    unsigned s = 0;
                    for (unsigned i = 0; i < n; i++) s = s * 31 + words[i];
                    printf("%u %u %u %u %d\\n", r, h, s, cur->v, (int)(cur - arena));
                  }
                  int a = munmap(words, n * sizeof *words);
                  int b = munmap(arena, nn * sizeof *arena);
                  printf("unmapped %d %d\\n", a, b);
                  printf("%u\\n", work(500));
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "arena", source);
        assertThat(plain.out()).startsWith("0 ").contains("\nunmapped 0 0\n");
        // x86_64 -> s390x -> i686 -> x86_64: byte order, then pointer width (the arena's struct shrinks to 12 bytes
        // and back), each leg restoring the mappings the last one wrote; about 1300 visits before the rounds, 1550
        // per round; munmap after the last restore
        List<Target> chain = List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2), HOPS.get(0));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "arena", chain, plain);
        int[][] stops = {{1400, 2000, 2000}, {4000, 3000, 2500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }
}
