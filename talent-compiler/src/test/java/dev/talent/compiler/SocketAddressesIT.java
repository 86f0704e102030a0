package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: socket addresses kept by a program (a server's peer, a client's server, in a local and in a heap block)
 * mean the same after a move to another byte order. Their ports, IPv4 addresses and IPv6 flow labels are integers
 * in network byte order: carried as integers, 10.1.2.3:8080 came back on s390x as 3.2.1.10:36895 and the program
 * exited 0. Now those members ({@code sin_port}, {@code s_addr}, {@code sin6_port}, {@code sin6_flowinfo}) and
 * {@code struct in6_addr} are carried as their bytes; {@code sin6_scope_id}, in host byte order, as a number. A
 * {@code struct sockaddr_storage} (refused before: private members of ISA-dependent size) holding an IPv6 address with
 * a scope id, an IPv4 address and a Unix path (copied in with memcpy, which bound the checkpoint to the byte order and
 * pointer width before) is carried by the runtime's description (sockaddrtype.c).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SocketAddressesIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <arpa/inet.h>
            #include <netinet/in.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/un.h>
            struct peer { struct sockaddr_in v4; int id; struct sockaddr_in6 v6; struct in_addr extra; struct in6_addr group; };
            static unsigned long long work(int n) { unsigned long long h = 7; for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i; return h; }
            static void show(const char *what, const struct peer *p) {
              char a[64], b[64], c[64], d[64];
              inet_ntop(AF_INET, &p->v4.sin_addr, a, sizeof a);
              inet_ntop(AF_INET6, &p->v6.sin6_addr, b, sizeof b);
              inet_ntop(AF_INET, &p->extra, c, sizeof c);
              inet_ntop(AF_INET6, &p->group, d, sizeof d);
              printf("%s %d: %s:%d [%s]:%d flow %lu scope %lu extra %s group %s\\n", what, p->id, a, ntohs(p->v4.sin_port), b,
                     ntohs(p->v6.sin6_port), (unsigned long)ntohl(p->v6.sin6_flowinfo), (unsigned long)p->v6.sin6_scope_id, c, d);
            }
            static void storage(const char *what, const struct sockaddr_storage *ss) {
              char a[64];
              if (ss->ss_family == AF_INET6) {
                const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
                inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
                printf("%s: [%s]:%d scope %lu\\n", what, a, ntohs(s6->sin6_port), (unsigned long)s6->sin6_scope_id);
              } else if (ss->ss_family == AF_INET) {
                const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
                inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
                printf("%s: %s:%d\\n", what, a, ntohs(s4->sin_port));
              } else {
                printf("%s: unix %s\\n", what, ((const struct sockaddr_un *)ss)->sun_path);
              }
            }
            int main(void) {
              struct sockaddr_storage seen[3];
              struct peer local, *heap = malloc(sizeof *heap);
              memset(&local, 0, sizeof local);
              local.id = 1;
              local.v4.sin_family = AF_INET;
              local.v4.sin_port = htons(8080);
              inet_pton(AF_INET, "10.1.2.3", &local.v4.sin_addr);
              local.v6.sin6_family = AF_INET6;
              local.v6.sin6_port = htons(8443);
              local.v6.sin6_flowinfo = htonl(0x12345);
              local.v6.sin6_scope_id = 3;
              inet_pton(AF_INET6, "2001:db8::1:2:3", &local.v6.sin6_addr);
              inet_pton(AF_INET, "172.16.0.1", &local.extra);
              inet_pton(AF_INET6, "ff02::1:ff00:42", &local.group);
              memset(seen, 0, sizeof seen);
              memcpy(&seen[0], &local.v6, sizeof local.v6);
              memcpy(&seen[1], &local.v4, sizeof local.v4);
              seen[2].ss_family = AF_UNIX;
              strcpy(((struct sockaddr_un *)&seen[2])->sun_path, "/run/talent/a-rather-long-socket-path-beyond-byte-28.sock");
              *heap = local;
              heap->id = 2;
              heap->v4.sin_port = htons(443);
              for (int r = 0; r < 4; r++) {
                unsigned long long h = work(100000);
                printf("round %d h=%llu\\n", r, h % 1000);
                show("local", &local);
                show("heap", heap);
                storage("seen 0", &seen[0]);
                storage("seen 1", &seen[1]);
                storage("seen 2", &seen[2]);
                fflush(stdout);
              }
              free(heap);
              return 0;
            }
            """;

    @Test
    void addressesInNetworkByteOrderMeanTheSameAfterAMoveToAnotherByteOrder() throws Exception {
        Path src = work.resolve("peers.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "peers", PROGRAM);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("heap 2: 10.1.2.3:443 [2001:db8::1:2:3]:8443 flow 74565 scope 3 extra 172.16.0.1 "
                + "group ff02::1:ff00:42");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "peers"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Target i686 = HOPS.get(2);
        assertThat(List.of(s390x.name(), i686.name())).containsExactly("s390x", "i686");
        Path ck = checkpointDir(work.resolve("ck"));
        // 100,000 site visits a round: stopped in round 1 on x86_64, in round 3 on s390x, ended on i686
        Run first = run(command(x86, link(x86, r, work.resolve("peers.x86_64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, link(s390x, r, work.resolve("peers.s390x"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1", "TALENT_STOP_AFTER", "150000"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(75);
        Run third = run(command(i686, link(i686, r, work.resolve("peers.i686"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(third.rc()).as(third.err()).isZero();
        assertThat(second.out()).as("rounds shown on s390x").contains("round ").contains("heap 2: 10.1.2.3:443 ")
                .contains("seen 0: [2001:db8::1:2:3]:8443 scope 3\n")
                .contains("seen 2: unix /run/talent/a-rather-long-socket-path-beyond-byte-28.sock\n");
        assertThat(first.out() + second.out() + third.out()).as(first.err() + second.err() + third.err())
                .isEqualTo(plain.out());
    }
}
