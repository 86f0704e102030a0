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
 * Issues 11 and 12: a program that keeps ports and addresses in network byte order in its own integers (a global set
 * with {@code htons}, a config struct's members set with {@code htons} and {@code inet_addr}, a local). Carried as
 * numbers, they came back on s390x as other ports and addresses (8080 as 36895, 10.1.2.3 as 3.2.1.10) and the program
 * exited 0. Now the build says so and binds its checkpoints to the byte order: it migrates x86_64 -> aarch64 -> x86_64
 * with gcc's output, and a restore on s390x is refused (exit 65) naming the integers.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NetworkOrderIntegersIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <arpa/inet.h>
            #include <stdint.h>
            #include <stdio.h>
            struct config { uint16_t port; uint32_t addr; int verbose; };
            static struct config cfg;
            static uint16_t listen_port;
            static unsigned long long work(int n) { unsigned long long h = 7; for (int i = 0; i < n; i++) h = h * 31 + (unsigned)i; return h; }
            int main(void) {
              listen_port = htons(8080);
              cfg.port = htons(9090);
              cfg.addr = inet_addr("10.1.2.3");
              uint16_t local = htons(7070);
              for (int r = 0; r < 4; r++) {
                unsigned long long h = work(100000);
                struct in_addr a;
                a.s_addr = cfg.addr;
                printf("round %d h=%llu listen %u cfg %u %s local %u\\n", r, h % 1000, ntohs(listen_port), ntohs(cfg.port),
                       inet_ntoa(a), ntohs(local));
                fflush(stdout);
              }
              return 0;
            }
            """;

    private static Target hop(String name) {
        return HOPS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void integersInNetworkByteOrderMigrateAmongOneByteOrderAndAreRefusedOnTheOther() throws Exception {
        Path src = work.resolve("netord.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "netord", PROGRAM);
        assertThat(plain.rc()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("round 3 ").contains(" listen 8080 cfg 9090 10.1.2.3 local 7070\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "netord"));
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .contains("does not move between big-endian (s390x) and little-endian ISAs")
                .contains("'listen_port' is given htons(...)").contains("'cfg.port' is given htons(...)"));
        // what talent build writes to NAME.binding for talent run and the fleet: the byte order, not the pointer width
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("'listen_port' is given htons(...)");
        });
        Target x86 = hop("x86_64");
        Target aarch64 = hop("aarch64");
        Target s390x = hop("s390x");
        Path x86Exe = link(x86, r, work.resolve("netord.x86_64"));

        // 100,000 site visits a round: stopped in round 1 on x86_64, in round 3 on aarch64, ended on x86_64
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(x86, x86Exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(aarch64, link(aarch64, r, work.resolve("netord.aarch64"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1", "TALENT_STOP_AFTER", "150000"), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(75);
        assertThat(second.out()).as("rounds shown on aarch64").contains(" listen 8080 cfg 9090 10.1.2.3 local 7070\n");
        Run third = run(command(x86, x86Exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(third.rc()).as(third.err()).isZero();
        assertThat(first.out() + second.out() + third.out()).as(first.err() + second.err() + third.err()).isEqualTo(plain.out());

        // the other byte order: refused by name, nothing printed
        Path ck2 = checkpointDir(work.resolve("ck2"));
        Run stopped = run(command(x86, x86Exe), Map.of("TALENT_CHECKPOINT_DIR", ck2.toString(), "TALENT_STOP_AFTER", "150000"), null);
        assertThat(stopped.rc()).as(stopped.err()).isEqualTo(75);
        Run refused = run(command(s390x, link(s390x, r, work.resolve("netord.s390x"))),
                Map.of("TALENT_CHECKPOINT_DIR", ck2.toString(), "TALENT_RESTART", "1"), null);
        assertThat(refused.rc()).as(refused.out() + refused.err()).isEqualTo(65);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("the program keeps numbers in network byte order in its own integers")
                .contains("'listen_port' is given htons(...)");
    }
}
