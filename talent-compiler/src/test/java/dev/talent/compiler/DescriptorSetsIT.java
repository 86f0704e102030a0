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
 * {@code fd_set} values migrate (the runtime's fdsettype.c, docs/CODEGEN.md "Types of the C library"): a select loop
 * keeps a global set, a set inside a struct local and a local set of numbers up to FD_SETSIZE - 1, copies the global
 * into a local before each {@code select} (a checkpoint site) and toggles members as it goes. Stopped on x86_64 and
 * restarted on s390x (other byte order), then i686 (32-bit {@code long}: the sets' words differ in size), then
 * x86_64 with musl (another C library's member name): output equal to plain gcc's. Each stop must be taken (exit
 * 75): glibc's set has only a private member, so before the runtime described it the checkpoint was refused and the
 * program went on.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DescriptorSetsIT {
    @TempDir
    Path work;

    static final String SELECT_LOOP = """
            #include <fcntl.h>
            #include <stdio.h>
            #include <sys/select.h>
            #include <unistd.h>

            static fd_set watched;              /* global: what the loop polls */
            struct poller { fd_set want; int nfds; };

            int main(void) {
              struct poller p;
              fd_set marks;                     /* data only: numbers never open, up to FD_SETSIZE - 1 */
              long total = 0, ready = 0;
              unsigned long long h = 0;
              int fd = open("/etc/passwd", O_RDONLY);
              if (fd < 0) return 2;
              FD_ZERO(&watched);
              FD_ZERO(&p.want);
              FD_ZERO(&marks);
              FD_SET(fd, &watched);
              p.nfds = fd + 1;
              for (int k = 0; k < FD_SETSIZE; k += 37) FD_SET(k, &marks);
              FD_SET(FD_SETSIZE - 1, &marks);
              for (int r = 0; r < 3000; r++) {
                fd_set rd = watched;
                struct timeval tv = {0, 0};
                if (r % 100 == 0) FD_SET(fd, &p.want);
                if (r % 100 == 50) FD_CLR(fd, &p.want);
                int n = select(p.nfds, &rd, NULL, NULL, &tv);
                if (n < 0) { perror("select"); return 3; }
                ready += n;
                if (FD_ISSET(fd, &rd) && FD_ISSET(fd, &p.want)) total += r % 7;
                if (r % 10 == 0) {
                  int k = (r * 13) % FD_SETSIZE;
                  if (FD_ISSET(k, &marks)) FD_CLR(k, &marks); else FD_SET(k, &marks);
                }
                for (int i = 0; i < 5; i++) total += (r * i) % 3;
              }
              for (int k = 0; k < FD_SETSIZE; k++)
                if (FD_ISSET(k, &marks)) h = h * 31 + (unsigned long long)k;
              printf("total=%ld ready=%ld marks=%llu want=%d\\n", total, ready, h % 1000000007ull, FD_ISSET(fd, &p.want) != 0);
              return 0;
            }
            """;

    @Test
    void descriptorSetsMigrateAcrossByteOrderWordSizeAndCLibraryLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "sel", SELECT_LOOP);
        assertThat(plain.out()).isEqualTo("total=13496 ready=3000 marks=716789349 want=0\n");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        assertThat(chain.subList(0, 3)).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "sel", chain, plain);
        // about 7 site visits per round of 3000
        int[][] stops = {{40, 9000, 3000}, {12000, 500, 6000}, {21000, 200, 100}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }
}
