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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart started ahead with TALENT_AHEAD=base restores the base ahead (ahead.c): the pre-copy image named on its
 * go FIFO ({@code base pre-000002.tck}) is validated and its large arrays of plain numbers decoded into the program's
 * memory before the go; at the go, only the elements the stop's delta does not take unchanged from those very base
 * bytes are decoded. The program changes random elements of its large arrays (doubles in .bss, ints in .data, structs
 * whose layout differs between ISAs) and small globals after the round its delta is against; the destination must
 * print what gcc's uninterrupted run prints, natively and on s390x (big-endian) and i686 (32-bit) under qemu-user. A
 * base that is not the delta's, or that fails validation, is not used (everything decoded at the go), never applied.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AheadBaseIT {
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
            #define M 40000u
            struct rec { int a; double b; short c; };
            static double big[N];
            static int table[65536] = {7, 11, 13};
            static struct rec recs[M];
            static long counter = 5;
            static unsigned long long seed = 88172645463325252ull;
            static unsigned step;
            static unsigned next(void) {
              seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
              return (unsigned)(seed >> 11);
            }
            static unsigned long long spin(unsigned long long h) {
              for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            static void change(unsigned n) {
              for (unsigned j = 0; j < n; j++) {
                unsigned k = step++, i = next() % N;
                big[i] = big[i] * -1.5 + k;
                table[next() % 65536] += (int)k + 1;
                struct rec *r = &recs[next() % M];
                r->a ^= (int)k; r->b += 0.25; r->c = (short)(r->c - 3);
                counter += k;
              }
            }
            int main(void) {
              unsigned long long h = 1469598103934665603ull, w = 0;
              for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;
              for (unsigned i = 3; i < 65536; i += 97) table[i] = (int)i;
              for (unsigned i = 0; i < M; i++) { recs[i].a = (int)i; recs[i].b = i / 3.0; recs[i].c = (short)i; }
              /* under talent (STOP set): two pre-copy rounds, each written while this one sleeps */
              for (int r = 0; getenv("STOP") && r < 2; r++) {
                change(300);
                kill(getpid(), SIGURG);
                for (int i = 0; i < 5; i++) w = spin(w);
                sleep(1);
                for (int i = 0; i < 5; i++) w = spin(w);
              }
              if (!getenv("STOP")) change(600);
              if (w == 42) return 2;
              /* after the last round: what the delta carries */
              change(200);
              big[0] = -1; big[N - 1] = 3.25; table[0] = 99; recs[M - 1].b = 1e300;
              if (getenv("STOP")) kill(getpid(), SIGUSR1);
              for (int i = 0; i < 5; i++) h = spin(h);
              change(50);
              for (unsigned i = 0; i < N; i++) {
                uint64_t bits;
                memcpy(&bits, &big[i], sizeof bits);
                h = (h ^ bits) * 1099511628211ull;
              }
              for (unsigned i = 0; i < 65536; i++) h = (h ^ (unsigned)table[i]) * 1099511628211ull;
              for (unsigned i = 0; i < M; i++) {
                uint64_t bits;
                memcpy(&bits, &recs[i].b, sizeof bits);
                h = (h ^ (unsigned)recs[i].a ^ bits ^ (unsigned short)recs[i].c) * 1099511628211ull;
              }
              printf("%llu %ld\\n", h, counter);
              return 0;
            }
            """;

    private static final Pattern RESTORED = Pattern.compile(
            "ahead: restored (\\d+) bytes of (\\d+) large globals from base (pre-\\d+\\.tck) before the go");
    private static final Pattern TAKEN = Pattern.compile(
            "ahead: at the go (\\d+) bytes of large globals were taken as restored ahead from base pre-000002\\.tck, (\\d+) bytes decoded");

    /** delta.c's -v line when the go neither read the base again nor the image's COPYs of it for their CRCs. */
    private static final String COMBINED = "delta ckpt-000001.tdl: its base pre-000002.tck was read whole before the go: "
            + "its CRC and the CRCs of its bytes the delta keeps are combined, not read again";

    @Test
    void theBaseRestoredAheadLeavesOnlyTheChangesToTheGoNatively() throws Exception {
        assertTakenAhead(migrate(HOPS.getFirst(), HOPS.getFirst(), "pre-000002.tck", null));
    }

    /**
     * A delta whose longest COPY names the known base's bytes one element further on (its own CRC made right): the
     * image's CRC, combined from the base's prefixes rather than read, must still refuse it, as must the checks after.
     */
    @Test
    void aForgedCopyAgainstTheBaseReadAheadIsRefused() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), "pre-000002.tck", null,
                ck -> shiftLongestCopy(ck.resolve("ckpt-000001.tdl")));
        assertThat(dst.rc()).as(dst.err()).isEqualTo(66);
        assertThat(dst.err()).contains("delta: the rebuilt image does not match its CRC").doesNotContain(COMBINED)
                .doesNotContain("ahead: at the go");
    }

    /**
     * The base rewritten in place (same length, one byte changed) after it was restored ahead: it is no longer the
     * file read ahead, so the go reads it whole again and refuses the delta; trusting the name alone would restore
     * the changed byte.
     */
    @Test
    void aBaseRewrittenAfterItWasReadAheadIsReadAgainAndRefused() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), "pre-000002.tck", null,
                ck -> AheadDestination.flipMiddleByte(ck.resolve("pre-000002.tck")));
        assertThat(dst.rc()).as(dst.err()).isEqualTo(66);
        assertThat(dst.err()).contains("delta: its base pre-000002.tck is not the file it was made from")
                .doesNotContain(COMBINED).doesNotContain("ahead: at the go");
    }

    @Test
    void crossIsaToS390xTheBaseRestoredAheadLeavesOnlyTheChanges() throws Exception {
        Target s390x = HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        assertTakenAhead(migrate(HOPS.getFirst(), s390x, "pre-000002.tck", null));
    }

    @Test
    void crossIsaToI686TheBaseRestoredAheadLeavesOnlyTheChanges() throws Exception {
        Target i686 = HOPS.get(2);
        assertThat(i686.name()).isEqualTo("i686");
        assertTakenAhead(migrate(HOPS.getFirst(), i686, "pre-000002.tck", null));
    }

    /** The first round's image restored ahead: the delta is against the second, so nothing of it is used. */
    @Test
    void aBaseThatIsNotTheDeltasIsNotUsed() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), "pre-000001.tck", null);
        assertThat(dst.rc()).as(dst.err()).isZero();
        Matcher m = RESTORED.matcher(dst.err());
        assertThat(m.find()).as(dst.err()).isTrue();
        assertThat(m.group(3)).isEqualTo("pre-000001.tck");
        assertThat(dst.err()).contains("ahead: base pre-000001.tck restored ahead is not used: the delta restored is "
                + "against another base; every global was decoded at the go").doesNotContain("ahead: at the go");
    }

    /** A damaged image named as the base: refused before anything is written, the restore as without it. */
    @Test
    void aBaseThatFailsValidationIsNotRestoredAhead() throws Exception {
        Run dst = migrate(HOPS.getFirst(), HOPS.getFirst(), "pre-000001.tck", "pre-000001.tck");
        assertThat(dst.rc()).as(dst.err()).isZero();
        assertThat(dst.err()).contains("ahead: base pre-000001.tck is not restored ahead: ")
                .contains("CRC32C mismatch").doesNotContain("ahead: restored").doesNotContain("ahead: at the go");
        assertThat(Files.readString(work.resolve("dst.events"))).contains("ahead pre-000001.tck 0\n");
    }

    @Test
    void aLineThatIsNoBaseLineEndsTheWaitWithExit64() throws Exception {
        Path exe = build(HOPS.getFirst());
        Path ck = checkpointDir(work.resolve("ck-bad"));
        Path fifo = work.resolve("go-bad");
        assertThat(new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor()).isZero();
        ProcessBuilder pb = new ProcessBuilder(command(HOPS.getFirst(), exe)).redirectOutput(work.resolve("bad.out").toFile())
                .redirectError(work.resolve("bad.err").toFile());
        pb.environment().putAll(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1",
                "TALENT_AWAIT_GO", fifo.toString(), "TALENT_AHEAD", "base"));
        Process p = pb.start();
        try (OutputStream w = Files.newOutputStream(fifo)) {
            w.write("base ../elsewhere.tck\n".getBytes(StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            // the reader may be gone already
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(64);
        assertThat(Files.readString(work.resolve("bad.err"))).contains("carried something else than the go message or a base line");
    }

    /** The delta file's longest COPY (offset at least 8) made to start 8 bytes earlier in the base; its CRC redone. */
    private static void shiftLongestCopy(Path tdl) throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(tdl));
        int name = b.getInt(16), ops = 48 + name, count = b.getInt(44 + name), best = -1;
        for (int i = 0; i < count; i++) {
            int o = ops + 17 * i;
            if (b.get(o) == 1 && b.getLong(o + 1) >= 8 && (best < 0 || b.getLong(o + 9) > b.getLong(best + 9))) {
                best = o;
            }
        }
        assertThat(best).as("a COPY in the stop's delta").isPositive();
        b.putLong(best + 1, b.getLong(best + 1) - 8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, b.capacity() - 4);
        b.putInt(b.capacity() - 4, (int) crc.getValue());
        Files.write(tdl, b.array());
    }

    private static void assertTakenAhead(Run dst) {
        assertThat(dst.rc()).as(dst.err()).isZero();
        assertThat(dst.err()).contains(COMBINED);
        Matcher m = RESTORED.matcher(dst.err());
        assertThat(m.find()).as(dst.err()).isTrue();
        // big (4 MiB), table (256 KiB) and recs (40000 x 14 encoded bytes)
        assertThat(m.group(2)).isEqualTo("3");
        assertThat(Long.parseLong(m.group(1))).isEqualTo(8L * (1 << 19) + 4L * 65536 + 14L * 40000);
        Matcher t = TAKEN.matcher(dst.err());
        assertThat(t.find()).as(dst.err()).isTrue();
        long kept = Long.parseLong(t.group(1)), decoded = Long.parseLong(t.group(2));
        // every element is either taken or decoded again; the changes after the base (at most 600 chunks of 4 KiB) are
        // decoded, most of the 5 MiB is taken
        assertThat(kept + decoded).isEqualTo(8L * (1 << 19) + 4L * 65536 + 14L * 40000);
        assertThat(decoded).isPositive();
        assertThat(kept).isGreaterThan(decoded);
    }

    private Path build(Target t) throws Exception {
        Path src = work.resolve("base.c");
        Files.writeString(src, PROGRAM);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-" + t.name()), "base"));
        return link(t, r, work.resolve("base." + t.name()));
    }

    /** Something done to the checkpoint directory between the base's {@code ahead} event and the go. */
    @FunctionalInterface
    interface BeforeGo {
        void apply(Path ck) throws java.io.IOException;
    }

    private Run migrate(Target from, Target to, String base, String damage) throws Exception {
        return migrate(from, to, base, damage, ck -> { });
    }

    /**
     * gcc's run; the destination started ahead with TALENT_AHEAD=base, waiting on a FIFO; the source's two rounds and
     * its stop (a delta against pre-000002.tck); then {@code base <name>} on the FIFO (the file damaged first when
     * {@code damage} names it), the wait for the destination's {@code ahead} event, beforeGo, and the go. Returns the
     * destination's run, whose output must complete the source's to gcc's when it exits 0.
     */
    private Run migrate(Target from, Target to, String base, String damage, BeforeGo beforeGo) throws Exception {
        Path src = work.resolve("base.c");
        Files.writeString(src, PROGRAM);
        String plain = AheadDestination.gccOutput(work, src);
        Path source = build(from);
        Path destination = from.equals(to) ? source : build(to);
        Path ck = checkpointDir(work.resolve("ck"));
        Path events = work.resolve("dst.events");
        try (AheadDestination dst = AheadDestination.start(work, to, destination, ck,
                Map.of("TALENT_AHEAD", "base", "TALENT_EVENT_FILE", events.toString()))) {
            OutputStream w = dst.waiting();
            Run first = run(command(from, source), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY", "1",
                    "TALENT_VERBOSE", "1", "STOP", "1"), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            assertThat(first.err()).contains("against pre-000002.tck");
            assertThat(ck.resolve("ckpt-000001.tdl")).isRegularFile();
            if (damage != null) {
                AheadDestination.flipMiddleByte(ck.resolve(damage));
            }
            try (w) {
                w.write(("base " + base + "\n").getBytes(StandardCharsets.US_ASCII));
                w.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!(Files.exists(events) && Files.readString(events, StandardCharsets.ISO_8859_1).contains("ahead " + base + " "))) {
                    assertThat(dst.isAlive()).as(dst.err()).isTrue();
                    assertThat(System.nanoTime()).as("the ahead event").isLessThan(deadline);
                    Thread.sleep(10);
                }
                beforeGo.apply(ck);
                w.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            Run second = dst.finish(180);
            if (second.rc() == 0) {
                assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain);
            }
            return second;
        }
    }
}
