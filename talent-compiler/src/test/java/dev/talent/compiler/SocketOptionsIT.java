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
 * Issue 12: the listen backlog and the options a server sets on its listening and UDP sockets move with them
 * (docs/NETWORK.md). A server sets the options servers commonly set (SO_REUSEADDR, SO_KEEPALIVE and the keepalive
 * timers, TCP_NODELAY, SO_RCVBUF/SO_SNDBUF, SO_LINGER, SO_RCVTIMEO, TCP_DEFER_ACCEPT, TCP_FASTOPEN, IP_TOS,
 * SO_RCVLOWAT, O_NONBLOCK, FD_CLOEXEC; SO_BROADCAST, SO_RCVBUF and IP_TTL on UDP), listens with small backlogs, and
 * prints every round what getsockopt and fcntl read and how many connections its backlog-3 listener completes while
 * nobody accepts (backlog + 1); it is stopped twice and restarted x86_64 -> s390x -> aarch64 and must print what gcc's
 * uninterrupted run prints. Before SOPT every option came back as the kernel's default, FD_CLOEXEC was dropped and the
 * listener listened with SOMAXCONN (12 connections held instead of 4). A congestion control algorithm the program
 * chose (TCP_CONGESTION), which talent does not carry, refuses the checkpoint naming the descriptor and the option.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SocketOptionsIT {
    @TempDir
    Path work;

    /** A C function both programs use: how many connections the listener completes while nobody accepts (its listen
     * backlog + 1). */
    static final String HOLDS = """
            static int holds(int s, const struct sockaddr_in *a) {
              int c[12], n = 0, i, x;
              for (i = 0; i < 12; i++) {
                c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                connect(c[i], (const struct sockaddr *)a, sizeof *a);
              }
              poll(NULL, 0, 300);
              for (i = 0; i < 12; i++) {
                struct pollfd p = {c[i], POLLOUT, 0};
                int err = -1;
                socklen_t len = sizeof err;
                if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) &&
                    getsockopt(c[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
                  n++;
              }
              while ((x = accept(s, NULL, NULL)) >= 0) close(x);
              for (i = 0; i < 12; i++) close(c[i]);
              return n;
            }
            """;

    static final String PROGRAM = """
            #define _GNU_SOURCE
            #include <arpa/inet.h>
            #include <fcntl.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <poll.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <sys/time.h>
            #include <unistd.h>
            static unsigned long long work(int n) {
              unsigned long long h = 7;
              for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            static int opt(int s, int level, int name) {
              int v = -1;
              socklen_t len = sizeof v;
              return getsockopt(s, level, name, &v, &len) == 0 ? v : -1;
            }
            static int set(int s, int level, int name, int v) {
              return setsockopt(s, level, name, &v, sizeof v);
            }
            """ + HOLDS + """
            int main(void) {
              struct sockaddr_in a;
              struct linger lg = {1, 3}, got;
              struct timeval tv = {2, 500000}, tgot;
              socklen_t len;
              struct sockaddr_in ba;
              int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
              set(s, SOL_SOCKET, SO_REUSEADDR, 1);
              set(s, SOL_SOCKET, SO_KEEPALIVE, 1);
              set(s, IPPROTO_TCP, TCP_KEEPIDLE, 45);
              set(s, IPPROTO_TCP, TCP_KEEPINTVL, 7);
              set(s, IPPROTO_TCP, TCP_KEEPCNT, 4);
              set(s, IPPROTO_TCP, TCP_NODELAY, 1);
              set(s, SOL_SOCKET, SO_RCVBUF, 50000);
              set(s, SOL_SOCKET, SO_SNDBUF, 70000);
              setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
              setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
              set(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
              set(s, IPPROTO_TCP, TCP_FASTOPEN, 9);
              set(s, IPPROTO_IP, IP_TOS, 0x10);
              set(s, SOL_SOCKET, SO_RCVLOWAT, 3);
              memset(&a, 0, sizeof a);
              a.sin_family = AF_INET;
              a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 5) != 0) return 1;
              len = sizeof a;
              getsockname(s, (struct sockaddr *)&a, &len);
              fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
              fcntl(s, F_SETFD, FD_CLOEXEC);
              /* a listener with only a small backlog, whose effect the program measures */
              memset(&ba, 0, sizeof ba);
              ba.sin_family = AF_INET;
              ba.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              set(b, SOL_SOCKET, SO_REUSEADDR, 1);
              if (bind(b, (struct sockaddr *)&ba, sizeof ba) != 0 || listen(b, 3) != 0) return 3;
              len = sizeof ba;
              getsockname(b, (struct sockaddr *)&ba, &len);
              fcntl(b, F_SETFL, fcntl(b, F_GETFL) | O_NONBLOCK);
              set(u, SOL_SOCKET, SO_BROADCAST, 1);
              set(u, SOL_SOCKET, SO_RCVBUF, 30000);
              set(u, IPPROTO_IP, IP_TTL, 9);
              if (bind(u, (struct sockaddr *)&(struct sockaddr_in){.sin_family = AF_INET}, sizeof a) != 0) return 2;
              for (int round = 0; round < 6; round++) {
                unsigned long long h = work(100000 + round);
                len = sizeof got;
                getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &len);
                len = sizeof tgot;
                getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tgot, &len);
                printf("round %d h=%llu\\n", round, h % 1000003);
                printf("  listener reuseaddr=%d keepalive=%d idle=%d intvl=%d cnt=%d nodelay=%d rcvbuf=%d sndbuf=%d linger=%d,%d\\n",
                       opt(s, SOL_SOCKET, SO_REUSEADDR), opt(s, SOL_SOCKET, SO_KEEPALIVE), opt(s, IPPROTO_TCP, TCP_KEEPIDLE),
                       opt(s, IPPROTO_TCP, TCP_KEEPINTVL), opt(s, IPPROTO_TCP, TCP_KEEPCNT), opt(s, IPPROTO_TCP, TCP_NODELAY),
                       opt(s, SOL_SOCKET, SO_RCVBUF), opt(s, SOL_SOCKET, SO_SNDBUF), got.l_onoff != 0, got.l_linger);
                printf("  listener defer=%d fastopen=%d tos=%d rcvlowat=%d rcvtimeo=%ld.%06ld nonblock=%d cloexec=%d\\n",
                       opt(s, IPPROTO_TCP, TCP_DEFER_ACCEPT), opt(s, IPPROTO_TCP, TCP_FASTOPEN), opt(s, IPPROTO_IP, IP_TOS),
                       opt(s, SOL_SOCKET, SO_RCVLOWAT), (long)tgot.tv_sec, (long)tgot.tv_usec,
                       (fcntl(s, F_GETFL) & O_NONBLOCK) != 0, (fcntl(s, F_GETFD) & FD_CLOEXEC) != 0);
                printf("  udp broadcast=%d rcvbuf=%d ttl=%d reuseaddr=%d\\n", opt(u, SOL_SOCKET, SO_BROADCAST),
                       opt(u, SOL_SOCKET, SO_RCVBUF), opt(u, IPPROTO_IP, IP_TTL), opt(u, SOL_SOCKET, SO_REUSEADDR));
                printf("  backlog holds %d\\n", holds(b, &ba));
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void aServersBacklogAndSocketOptionsMoveAcrossIsas() throws Exception {
        Path src = work.resolve("sopts.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "sopts", PROGRAM);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("keepalive=1 idle=45 intvl=7 cnt=4 nodelay=1 rcvbuf=100000 sndbuf=140000 linger=1,3")
                .contains("defer=7 fastopen=9 tos=16 rcvlowat=3 rcvtimeo=2.500000 nonblock=1 cloexec=1")
                .contains("udp broadcast=1 rcvbuf=60000 ttl=9 reuseaddr=0").contains("backlog holds 4");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "sopts"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Target aarch64 = HOPS.get(3);
        assertThat(List.of(s390x.name(), aarch64.name())).containsExactly("s390x", "aarch64");
        Path ck = checkpointDir(work.resolve("ck"));
        // about 100,000 site visits a round: the first stop in round 1, the second in round 3
        Run first = run(command(x86, link(x86, r, work.resolve("sopts.x86_64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        // what the C runtime wrote, as the Java reader decodes it and talent inspect shows it (SO_PRIORITY 6: Linux
        // sets it from IP_TOS 0x10)
        String inspected = dev.talent.format.InspectRenderer.text(dev.talent.format.CheckpointReader.read(ck.resolve("ckpt-000001.tck")));
        assertThat(inspected).contains("backlog 5, ").contains("non-blocking, backlog 3, 1 option set (SOPT)").contains("""
                        SO_REUSEADDR 1
                        SO_KEEPALIVE 1
                        SO_RCVBUF 50000
                        SO_SNDBUF 70000
                        SO_LINGER on, 3 s
                        SO_RCVLOWAT 3
                        SO_PRIORITY 6
                        SO_RCVTIMEO 2.500000 s
                        TCP_NODELAY 1
                        TCP_KEEPIDLE 45
                        TCP_KEEPINTVL 7
                        TCP_KEEPCNT 4
                        TCP_DEFER_ACCEPT 7
                        TCP_FASTOPEN 9
                        IP_TOS 16
                """).contains("""
                        SO_RCVBUF 30000
                        SO_BROADCAST 1
                        IP_TTL 9
                """);
        Run second = run(command(s390x, link(s390x, r, work.resolve("sopts.s390x"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1", "TALENT_STOP_AFTER", "200000"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(75);
        Run third = run(command(aarch64, link(aarch64, r, work.resolve("sopts.aarch64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(third.rc()).as(third.err()).isZero();
        assertThat(first.out()).as("stopped inside the run").contains("round 0 ").doesNotContain("round 5 ");
        assertThat(second.out()).as("a round on s390x").contains("round ");
        assertThat(first.out() + second.out() + third.out()).as(first.err() + second.err() + third.err())
                .isEqualTo(plain.out());
    }

    /**
     * A listener whose {@code listen()} talent does not see (called through a pointer, as an uninstrumented library
     * would): the runtime reads the kernel's limit with {@code TCP_INFO} (natively), so the restored listener listens
     * with 3, not {@code SOMAXCONN} (before: it held 12 connections instead of 4 after the restart).
     */
    static final String UNSEEN = """
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
            #pragma talent nocheckpoint
            static int listen_unseen(int s, int n) {
              int (*volatile lf)(int, int) = listen;
              return lf(s, n);
            }
            """ + HOLDS + """
            int main(void) {
              struct sockaddr_in ba;
              socklen_t len;
              int one = 1, b = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
              /* the connections it closed wait in TIME_WAIT on its port: without it no bind of that port succeeds */
              setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
              memset(&ba, 0, sizeof ba);
              ba.sin_family = AF_INET;
              ba.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (bind(b, (struct sockaddr *)&ba, sizeof ba) != 0 || listen_unseen(b, 3) != 0) return 3;
              len = sizeof ba;
              getsockname(b, (struct sockaddr *)&ba, &len);
              for (int round = 0; round < 4; round++) {
                printf("round %d h=%llu\\n", round, work(100000 + round) % 1000003);
                printf("  backlog holds %d\\n", holds(b, &ba));
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void aListenerWhoseListenTalentDidNotSeeKeepsItsBacklogNatively() throws Exception {
        Path src = work.resolve("unseen.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "unseen", UNSEEN);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("backlog holds 4").doesNotContain("backlog holds 12");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "unseen"));
        Target x86 = HOPS.getFirst();
        Path bin = link(x86, r, work.resolve("unseen.x86_64"));
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(x86, bin), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        // the checkpoint as talent inspect shows it: the kernel's limit, and the option the program set
        String inspected = dev.talent.format.InspectRenderer.text(dev.talent.format.CheckpointReader.read(ck.resolve("ckpt-000001.tck")));
        assertThat(inspected).containsPattern("fd 3 listening socket \"tcp:127\\.0\\.0\\.1:\\d+\", read-write, non-blocking, backlog 3,"
                + " 1 option set \\(SOPT\\)").contains("\n        SO_REUSEADDR 1\n");
        Run second = run(command(x86, bin), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out()).as("stopped inside the run").contains("round 0 ").doesNotContain("round 3 ");
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
    }

    /**
     * A listener whose receive buffer the program set to exactly the kernel's default: the value cannot be told from a
     * new socket's, but the size is locked (its connections are not autotuned), which the kernel reports as
     * SO_BUF_LOCK. The lock moves with the listener x86_64 -> s390x (before: the listener came back unlocked, "lock=0"
     * after the restart where gcc's run prints "lock=2").
     */
    static final String DEFAULT_BUFFER = """
            #include <netinet/in.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            #ifndef SO_BUF_LOCK
            #define SO_BUF_LOCK 72
            #endif
            static unsigned long long work(int n) {
              unsigned long long h = 7;
              for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            static int get(int s, int name) {
              int v = -1;
              socklen_t len = sizeof v;
              return getsockopt(s, SOL_SOCKET, name, &v, &len) == 0 ? v : -99;
            }
            int main(void) {
              struct sockaddr_in a;
              int s = socket(AF_INET, SOCK_STREAM, 0), half = get(s, SO_RCVBUF) / 2;
              memset(&a, 0, sizeof a);
              a.sin_family = AF_INET;
              a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (setsockopt(s, SOL_SOCKET, SO_RCVBUF, &half, sizeof half) != 0) return 1;
              if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0) return 2;
              for (int round = 0; round < 4; round++) {
                printf("round %d h=%llu rcvbuf=%d lock=%d\\n", round, work(100000 + round) % 1000003, get(s, SO_RCVBUF),
                       get(s, SO_BUF_LOCK));
                fflush(stdout);
              }
              return 0;
            }
            """;

    @Test
    void aBufferSetToItsDefaultStaysLockedAcrossIsas() throws Exception {
        Path src = work.resolve("defbuf.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "defbuf", DEFAULT_BUFFER);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains(" lock=2\n").doesNotContain(" lock=0");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "defbuf"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(x86, link(x86, r, work.resolve("defbuf.x86_64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, link(s390x, r, work.resolve("defbuf.s390x"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out()).as("stopped inside the run").contains("round 0 ").doesNotContain("round 3 ");
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
    }

    static final String CONGESTION = """
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <stdio.h>
            #include <string.h>
            #include <sys/socket.h>
            static unsigned long long work(int n) {
              unsigned long long h = 7;
              for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            int main(void) {
              int s = socket(AF_INET, SOCK_STREAM, 0);
              struct sockaddr_in a;
              memset(&a, 0, sizeof a);
              a.sin_family = AF_INET;
              if (setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 4) != 0) return 1;
              if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0) return 2;
              for (int round = 0; round < 3; round++) printf("round %d h=%llu\\n", round, work(100000) % 1000003);
              return 0;
            }
            """;

    @Test
    void anOptionTalentDoesNotCarryRefusesTheCheckpointNamingIt() throws Exception {
        Path src = work.resolve("reno.c");
        Files.writeString(src, CONGESTION);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "reno"));
        Target x86 = HOPS.getFirst();
        Path ck = checkpointDir(work.resolve("ck"));
        Run refused = run(command(x86, link(x86, r, work.resolve("reno.x86_64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        // the stop is refused and the program goes on to its end, its output whole
        assertThat(refused.rc()).as(refused.err()).isZero();
        assertThat(refused.out()).contains("round 2 ");
        assertThat(refused.err()).contains("descriptor 3").contains("TCP_CONGESTION");
        try (var files = Files.list(ck)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tck")).toList()).isEmpty();
        }
    }
}
