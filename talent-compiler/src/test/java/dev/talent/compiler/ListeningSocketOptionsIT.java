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
 * Issue 12: the options that decide at bind which addresses a listening socket takes move with it. A dual-stack
 * server as most are written (one socket on {@code 0.0.0.0:P}, one on {@code [::]:P} with {@code IPV6_V6ONLY}) and
 * two sockets sharing a port with {@code SO_REUSEPORT} are stopped twice and restarted x86_64 -> s390x -> i686: each
 * listener is recreated with its options (before, the second bind of each pair failed and every restore was refused,
 * exit 65), and an IPv4 connection still reaches the IPv4 socket, an IPv6 one the IPv6 socket, as in gcc's run.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ListeningSocketOptionsIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <arpa/inet.h>
            #include <netinet/in.h>
            #include <poll.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <unistd.h>
            static unsigned long long work(int n) {
              unsigned long long h = 7;
              for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            /* which of the two listeners a connection from the loopback of this family lands in */
            static const char *lands(int family, int port, int s4, int s6) {
              struct sockaddr_in in;
              struct sockaddr_in6 in6;
              struct pollfd p[2] = {{s4, POLLIN, 0}, {s6, POLLIN, 0}};
              int c = socket(family, SOCK_STREAM, 0), a, ok;
              memset(&in, 0, sizeof in);
              memset(&in6, 0, sizeof in6);
              in.sin_family = AF_INET; in.sin_port = htons((unsigned short)port);
              in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              in6.sin6_family = AF_INET6; in6.sin6_port = htons((unsigned short)port);
              in6.sin6_addr = in6addr_loopback;
              ok = c >= 0 && (family == AF_INET ? connect(c, (struct sockaddr *)&in, sizeof in)
                                                : connect(c, (struct sockaddr *)&in6, sizeof in6)) == 0;
              if (!ok) { if (c >= 0) close(c); return "refused"; }
              if (poll(p, 2, 5000) <= 0) { close(c); return "nowhere"; }
              a = accept((p[0].revents & POLLIN) ? s4 : s6, NULL, NULL);
              if (a >= 0) close(a);
              close(c);
              return (p[0].revents & POLLIN) ? "the IPv4 socket" : "the IPv6 socket";
            }
            static int option(int s, int level, int name) {
              int v = -1;
              socklen_t len = sizeof v;
              return getsockopt(s, level, name, &v, &len) == 0 ? v : -1;
            }
            int main(void) {
              int one = 1, s4, s6, r1, r2, port, shared;
              struct sockaddr_in a4;
              struct sockaddr_in6 a6;
              socklen_t len;
              s4 = socket(AF_INET, SOCK_STREAM, 0);
              setsockopt(s4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
              memset(&a4, 0, sizeof a4);
              a4.sin_family = AF_INET;
              a4.sin_addr.s_addr = htonl(INADDR_ANY);
              if (bind(s4, (struct sockaddr *)&a4, sizeof a4) != 0 || listen(s4, 8) != 0) return 1;
              len = sizeof a4;
              getsockname(s4, (struct sockaddr *)&a4, &len);
              port = ntohs(a4.sin_port);
              s6 = socket(AF_INET6, SOCK_STREAM, 0);
              setsockopt(s6, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
              setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
              memset(&a6, 0, sizeof a6);
              a6.sin6_family = AF_INET6;
              a6.sin6_addr = in6addr_any;
              a6.sin6_port = htons((unsigned short)port);
              if (bind(s6, (struct sockaddr *)&a6, sizeof a6) != 0 || listen(s6, 8) != 0) return 2;
              r1 = socket(AF_INET, SOCK_STREAM, 0);
              setsockopt(r1, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
              memset(&a4, 0, sizeof a4);
              a4.sin_family = AF_INET;
              a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (bind(r1, (struct sockaddr *)&a4, sizeof a4) != 0 || listen(r1, 8) != 0) return 3;
              len = sizeof a4;
              getsockname(r1, (struct sockaddr *)&a4, &len);
              shared = ntohs(a4.sin_port);
              r2 = socket(AF_INET, SOCK_STREAM, 0);
              setsockopt(r2, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
              if (bind(r2, (struct sockaddr *)&a4, sizeof a4) != 0 || listen(r2, 8) != 0) return 4;
              for (int round = 0; round < 6; round++) {
                unsigned long long h = work(100000 + round);
                len = sizeof a4;
                getsockname(r2, (struct sockaddr *)&a4, &len);
                printf("round %d h=%llu v6only=%d v4=%d reuseport=%d,%d shared=%d\\n", round, h % 1000003,
                       option(s6, IPPROTO_IPV6, IPV6_V6ONLY), option(s4, SOL_SOCKET, SO_ACCEPTCONN),
                       option(r1, SOL_SOCKET, SO_REUSEPORT), option(r2, SOL_SOCKET, SO_REUSEPORT),
                       ntohs(a4.sin_port) == shared);
                printf("  IPv4 lands in %s, IPv6 in %s\\n", lands(AF_INET, port, s4, s6), lands(AF_INET6, port, s4, s6));
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void aDualStackServerAndAPortSharedBySocketsMoveAcrossIsas() throws Exception {
        Path src = work.resolve("dual.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "dual", PROGRAM);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("v6only=1 v4=1 reuseport=1,1 shared=1")
                .contains("IPv4 lands in the IPv4 socket, IPv6 in the IPv6 socket");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "dual"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Target i686 = HOPS.get(2);
        assertThat(List.of(s390x.name(), i686.name())).containsExactly("s390x", "i686");
        Path ck = checkpointDir(work.resolve("ck"));
        // about 100,000 site visits a round: the first stop in round 1, the second in round 3
        Run first = run(command(x86, link(x86, r, work.resolve("dual.x86_64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, link(s390x, r, work.resolve("dual.s390x"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1", "TALENT_STOP_AFTER", "200000"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(75);
        Run third = run(command(i686, link(i686, r, work.resolve("dual.i686"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(third.rc()).as(third.err()).isZero();
        assertThat(first.out()).as("stopped inside the run").contains("round 0 ").doesNotContain("round 5 ");
        assertThat(second.out()).as("a round on s390x").contains("round ");
        assertThat(first.out() + second.out() + third.out()).as(first.err() + second.err() + third.err())
                .isEqualTo(plain.out());
    }
}
