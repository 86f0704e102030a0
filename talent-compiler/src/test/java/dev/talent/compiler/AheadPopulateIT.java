package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart started ahead of the stop (TALENT_AWAIT_GO) populates the pages of the program's large globals while it
 * waits for its go (ahead.c, README.md "Pre-copy"): the source takes two pre-copy rounds and stops itself with a
 * delta; the destination, started before the delta exists, says at -v how many bytes of how many large globals it
 * populated before the go, and once released restores base + delta and prints gcc's output. The program's 4 MiB
 * array is in .bss and its 128 KiB table in .data (initialised): populating must change neither. A forged delta is
 * refused by the destination started ahead as by any restart (exit 66, nothing printed), and a TALENT_AHEAD it does
 * not know ends it with exit 64 before it reads anything.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AheadPopulateIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <signal.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #define N (1u << 19)
            static double big[N];
            static int table[32768] = {7, 11, 13};
            static unsigned long long spin(unsigned long long h) {
              for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned long long h = 1469598103934665603ull, w = 0;
              for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;
              for (unsigned i = 3; i < 32768; i += 97) table[i] = (int)i;
              /* under talent (STOP set): two pre-copy rounds, each written while this one sleeps */
              for (int r = 0; getenv("STOP") && r < 2; r++) {
                kill(getpid(), SIGURG);
                for (int i = 0; i < 5; i++) w = spin(w);
                sleep(1);
                for (int i = 0; i < 5; i++) w = spin(w);
              }
              if (w == 42) return 2;
              for (int k = 0; k < 10; k++) big[k * 7 * 512 + 100] = k;
              table[5] = 99;
              if (getenv("STOP")) kill(getpid(), SIGUSR1);
              for (int i = 0; i < 5; i++) h = spin(h);
              for (unsigned i = 0; i < N; i++) {
                uint64_t bits;
                memcpy(&bits, &big[i], sizeof bits);
                h = (h ^ bits) * 1099511628211ull;
              }
              for (unsigned i = 0; i < 32768; i++) h = (h ^ (unsigned)table[i]) * 1099511628211ull;
              printf("%llu\\n", h);
              return 0;
            }
            """;

    @Test
    void theDestinationStartedAheadPopulatesItsGlobalsAndMigratesLikeGcc() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), Map.of(), false);
        assertThat(dst.rc()).as(dst.err()).isZero();
        assertThat(populated(dst)).isEqualTo(4L * 1024 * 1024 + 128 * 1024);
        var m = java.util.regex.Pattern.compile("ahead: populated \\d+ bytes of 2 large globals before the go \\((\\d+) pages by "
                + "madvise, (\\d+) touched\\)").matcher(dst.err());
        assertThat(m.find()).as(dst.err()).isTrue();
        // 1056 pages in all; the partial pages at either end of each global are touched, never advised
        assertThat(Long.parseLong(m.group(1))).as(dst.err()).isGreaterThanOrEqualTo(1050L);
        assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as(dst.err()).isBetween(1056L, 1060L);
    }

    /** The stop on x86_64, the destination started ahead on aarch64 under qemu-user: populated there, restored alike. */
    @Test
    void crossIsaTheDestinationStartedAheadPopulatesAndMigratesLikeGcc() throws Exception {
        Target aarch64 = HOPS.get(3);
        assertThat(aarch64.name()).isEqualTo("aarch64");
        Run dst = migrate(HOPS.getFirst(), aarch64, Map.of(), false);
        assertThat(dst.rc()).as(dst.err()).isZero();
        assertThat(populated(dst)).isEqualTo(4L * 1024 * 1024 + 128 * 1024);
        // qemu-user accepts MADV_POPULATE_WRITE and ignores it: the pages mincore finds absent are touched, so every
        // page is counted one way or the other
        var m = java.util.regex.Pattern.compile("\\((\\d+) pages by madvise, (\\d+) touched\\)").matcher(dst.err());
        assertThat(m.find()).as(dst.err()).isTrue();
        assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).as(dst.err()).isBetween(1056L, 1060L);
    }

    @Test
    void offPopulatesNothingAndMigratesLikeGcc() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), Map.of("TALENT_AHEAD", "off"), false);
        assertThat(dst.rc()).as(dst.err()).isZero();
        assertThat(dst.err()).contains("ahead: populating the globals is off").doesNotContain("ahead: populated");
    }

    @Test
    void aForgedDeltaIsRefusedByTheDestinationStartedAhead() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), Map.of(), true);
        assertThat(dst.rc()).as(dst.err()).isEqualTo(66);
        assertThat(dst.out()).isEmpty();
        assertThat(dst.err()).contains("ahead: populated").contains("ckpt-000001.tdl");
    }

    @Test
    void anUnknownAheadModeEndsTheRestartBeforeItReadsAnything() throws Exception {
        Path exe = build(HOPS.getFirst());
        Path ck = checkpointDir(work.resolve("ck-unknown"));
        Run r = run(command(HOPS.getFirst(), exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1",
                "TALENT_AWAIT_GO", work.resolve("no-fifo").toString(), "TALENT_AHEAD", "sometimes"), null);
        assertThat(r.rc()).as(r.err()).isEqualTo(64);
        assertThat(r.err()).contains("TALENT_AHEAD must be populate, base or off");
    }

    private static long populated(Run dst) {
        var m = java.util.regex.Pattern.compile("ahead: populated (\\d+) bytes").matcher(dst.err());
        assertThat(m.find()).as(dst.err()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Path build(Target t) throws Exception {
        Path src = work.resolve("ahead.c");
        Files.writeString(src, PROGRAM);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-" + t.name()), "ahead"));
        return link(t, r, work.resolve("ahead." + t.name()));
    }

    /**
     * gcc's run; the destination started ahead (waiting on a FIFO) before the source runs its rounds and stops
     * itself; the go once the source's delta is in place (forged first if asked); returns the destination's run, whose
     * output must complete the source's to gcc's when it exits 0.
     */
    private Run migrate(Target from, Target to, Map<String, String> aheadEnv, boolean forge) throws Exception {
        Path src = work.resolve("ahead.c");
        Files.writeString(src, PROGRAM);
        String plain = AheadDestination.gccOutput(work, src);
        Path source = build(from);
        Path destination = from.equals(to) ? source : build(to);
        Path ck = checkpointDir(work.resolve("ck"));
        try (AheadDestination dst = AheadDestination.start(work, to, destination, ck, aheadEnv)) {
            OutputStream w = dst.waiting();
            assertThat(dst.err()).contains("ahead: ");
            Run first = run(command(from, source), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY", "1",
                    "TALENT_VERBOSE", "1", "STOP", "1"), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            assertThat(first.err()).contains("against pre-000002.tck");
            Path delta = ck.resolve("ckpt-000001.tdl");
            assertThat(delta).isRegularFile();
            if (forge) {
                AheadDestination.flipMiddleByte(delta);
            }
            try (w) {
                w.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            Run second = dst.finish(120);
            if (second.rc() == 0) {
                assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain);
            }
            return second;
        }
    }
}
