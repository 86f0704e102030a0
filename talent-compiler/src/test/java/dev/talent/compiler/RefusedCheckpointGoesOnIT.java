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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint refused because the program's state cannot be carried right now (a pointer into a struct's padding,
 * a union that no member carries, a heap address inside a block of unknown type, a heap block whose
 * type is only guessed) no longer ends the program with exit 70: nothing is written, the program goes on from its
 * untouched state to the same output as plain gcc's build, and a later stop, once the state can be carried, migrates
 * to s390x and finishes there with that output. The program asks for the later stop itself ({@code kill(getpid(),
 * SIGUSR1)}, only when {@code STOP_LATER} is set, so that plain gcc's build never gets the signal): deterministic,
 * unlike a signal from the test.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RefusedCheckpointGoesOnIT {
    @TempDir
    Path work;

    /**
     * Phase 1 (rounds 0-99) holds what BAD made, phase 2 (rounds 100-199) what CURE made of it; the program asks for a
     * pre-copy round at round 30 when PRECOPY_AT is set (SIGURG; then sleeps 2 s, so that the round's child ends before
     * the stop, which would kill a child still encoding) and a stop at round 150. Each round visits the loop's site
     * once.
     */
    static final String TEMPLATE = """
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            struct pad { char c; int i; };
            union W { char c[2]; struct { char a; short s; } x; };
            static struct pad pad = { 'p', 41 };
            static char *into;
            static union W w;
            static void *(*allocf)(void *, size_t) = realloc;
            static void *raw;
            static char *cbuf;
            static double *vals;
            int main(void) {
              unsigned long long h = 7;
              vals = malloc(8 * sizeof(double));
              for (int k = 0; k < 8; k++) vals[k] = k * 0.5;
              BAD
              for (int r = 0; r < 200; r++) {
                if (r == 30 && getenv("PRECOPY_AT")) kill(getpid(), SIGURG);
                if (r == 40 && getenv("PRECOPY_AT")) sleep(2);
                if (r == 100) { CURE }
                if (r == 150 && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                h = h * 1000003u + (unsigned long long)(vals[r % 8] * 4) + (unsigned char)pad.c + (unsigned)r;
                USE
                if (r % 50 == 49) printf("r=%d h=%llu\\n", r, h % 1000000007ull);
              }
              printf("end %llu %d\\n", h, pad.i);
              return 0;
            }
            """;

    private static String program(String bad, String cure, String use) {
        return TEMPLATE.replace("BAD", bad).replace("CURE", cure).replace("USE", use);
    }

    /** A char * into the padding after pad.c: no path in the struct's layout names it (values.c). */
    static final String PADDING = program("into = (char *)&pad + 2;", "into = &pad.c;",
            "if (r >= 100) h += (unsigned char)*into;");
    /**
     * A union written through both members, each holding bytes the other does not carry (c[1] is x's padding, x.s
     * lies beyond c): no member carries it (docs/FORMAT.md "Values").
     */
    static final String UNION = program("w.c[1] = 'z'; w.x.s = 5;", "memset(&w, 0, sizeof w); w.c[0] = 'u';",
            "h += r < 100 ? (unsigned long long)w.x.s + (unsigned char)w.c[1] : (unsigned char)w.c[0];");
    /** A block of unknown type (realloc through a pointer, reached as void *) holding a heap address. */
    static final String RAW_POINTER = program("raw = allocf(NULL, 2 * sizeof(void *)); ((void **)raw)[0] = vals;",
            "free(raw); raw = NULL;", "if (raw) h += ((double **)raw)[0][r % 8] > 1;");

    /** A char buffer (a generic container's storage) into which a heap address was copied with memcpy. */
    static final String POINTER_IN_CHARS = program("cbuf = malloc(4 * sizeof(double *)); memset(cbuf, 0, 4 * sizeof(double *));"
            + " memcpy(cbuf + sizeof(double *), &vals, sizeof vals);", "memset(cbuf, 'c', 4 * sizeof(double *));",
            "if (r >= 100) h += (unsigned char)cbuf[r % 32];");

    /**
     * A byte pointer 3 bytes below a heap block of doubles: in no object, and not a whole number of the block's
     * elements below it, so it cannot be carried as a pointer below an array's start (BelowStartMigrationIT: those
     * migrate); saved as indeterminate it would be restored as an invalid address and crash the restart where the
     * program reads through it. Refused by name, the program goes on.
     */
    static final String BELOW_START = program("static unsigned char *one; one = (unsigned char *)vals - 3;",
            "one = (unsigned char *)vals;", "h += r < 100 ? one[3 + r % 8] : one[r % 8];");

    @Test
    void aBytePointerBelowAHeapBlockOfDoublesIsRefusedAndALaterStopMigrates() throws Exception {
        // the program sums bytes of doubles read through an unsigned char *: its build keeps to its byte order
        // (ByteCopies), so the later stop migrates to i686, not s390x
        Target i686 = HOPS.get(2);
        assertThat(i686.name()).isEqualTo("i686");
        Run refused = refusedThenMigrates("below", BELOW_START, Map.of(), i686);
        assertThat(refused.err()).contains("pointer 'one'").contains("points 3 byte(s) before the start of a heap block")
                .contains("its type is not the element type of an array there");
    }

    /** With pre-copy on: the round in phase 1 is refused in its child, the parent goes on, no image is left. */
    @Test
    void aPointerIntoPaddingIsRefusedAndALaterStopMigrates() throws Exception {
        Run refused = refusedThenMigrates("padding", PADDING, Map.of("TALENT_PRECOPY", "1", "PRECOPY_AT", "1"));
        assertThat(refused.err()).contains("pointer 'into'").contains("it points into the padding of a struct")
                .contains("talent: warning: pre-copy round refused: cannot checkpoint: pointer 'into'")
                .contains("pre-copy round 1 failed (exit status 1); the next stop writes a full checkpoint");
        try (var files = Files.list(work.resolve("padding-ck"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
    }

    @Test
    void aUnionNoMemberCarriesIsRefusedAndALaterStopMigrates() throws Exception {
        // written through 'x' and read through 'c': a byte-order pun (UnionMembers), so the later stop moves to an ISA
        // of the same byte order (i686) rather than s390x, which refuses it at the restore
        Run refused = refusedThenMigrates("union", UNION, Map.of(), HOPS.get(2));
        assertThat(refused.err()).contains("union 'w'").contains("first member 'c' does not cover");
    }

    @Test
    void aHeapAddressInAnUntypedBlockIsRefusedAndALaterStopMigrates() throws Exception {
        Run refused = refusedThenMigrates("raw", RAW_POINTER, Map.of());
        assertThat(refused.err()).contains("carried as raw bytes) holds at byte 0 the address of the heap block");
    }

    @Test
    void aHeapAddressCopiedIntoACharBufferIsRefusedAndALaterStopMigrates() throws Exception {
        // a pointer's bytes copied into char storage (ByteCopies): the build's checkpoints stay on their byte order and
        // pointer width, so the later stop moves to aarch64 rather than s390x, which refuses it at the restore
        Target aarch64 = HOPS.get(3);
        assertThat(aarch64.name()).isEqualTo("aarch64");
        Run refused = refusedThenMigrates("chars", POINTER_IN_CHARS, Map.of(), aarch64);
        assertThat(refused.err()).contains("bytes of 'char', carried as bytes) holds at byte 8 the address of the heap block").contains("a pointer copied into bytes cannot be carried");
    }

    /**
     * A block whose type is only guessed (GuessedBlockTypesIT's prefix of a larger struct) is refused at every
     * periodic checkpoint, not only the first: the refused pass leaves no guessed type behind that a later one would
     * trust. The program goes on to plain gcc's output.
     */
    @Test
    void aGuessedTypeIsRefusedAtEveryCheckpointAsStrictlyAsAtTheFirst() throws Exception {
        String source = GuessedBlockTypesIT.PREFIX_OF_A_LARGER_STRUCT.replace("ALLOCATE",
                "void *m = allocf(NULL, sizeof(struct big));\n  struct hdr *h = m;");
        Run run = MigratesLikeGcc.refusedAt(work, "guess", source, 1000, Map.of("TALENT_EVERY_VISITS", "2500"));
        assertThat(run.err()).contains("reached only through pointers to its start of type 'struct hdr'");
        // stop at 1000, then periodic every 2500 visits of the 10,050: four refusals in all, all for the same reason
        long refusals = run.err().lines().filter(l -> l.contains("refused: cannot checkpoint: the heap block")).count();
        assertThat(refusals).as(run.err()).isEqualTo(4);
    }

    /**
     * A refused checkpoint leaves the heap as the first checkpoint found it. At the first stop a pointer to the third
     * element of a block of unknown type shows the block to be an array of struct hdr (the guess is confirmed), but a
     * pointer into padding refuses the checkpoint; the third-element pointer is then dropped. Had the refused pass kept
     * the confirmed type in the block's header, the stop at round 150 would write the block as four headers on the
     * strength of a pointer that no longer exists; it is refused as the guess it is again.
     */
    static final String CONFIRMED_IN_A_REFUSED_PASS = """
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>
            struct hdr { struct hdr *next; int tag; };
            struct pad { char c; int i; };
            static void *(*allocf)(void *, size_t) = realloc;
            static struct hdr *first, *third;
            static struct pad pad = { 'p', 3 };
            static char *into;
            int main(void) {
              unsigned long long h = 1;
              void *m = allocf(NULL, 4 * sizeof(struct hdr));
              first = m;
              for (int i = 0; i < 4; i++) { first[i].tag = i * 3; first[i].next = NULL; }
              third = &first[2];
              into = (char *)&pad + 2;
              for (int r = 0; r < 200; r++) {
                if (r == 100) { third = NULL; into = &pad.c; }
                if (r == 150 && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                first[r % 4].tag = (first[r % 4].tag * 31 + r) % 1009;
                h = h * 131 + (unsigned)first[r % 4].tag + (unsigned char)*into * (third != NULL);
              }
              printf("%llu\\n", h);
              return 0;
            }
            """;

    @Test
    void aTypeConfirmedInARefusedPassIsNotKept() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "confirmed", CONFIRMED_IN_A_REFUSED_PASS, 20, Map.of("STOP_LATER", "1"));
        List<String> refusals = run.err().lines().filter(l -> l.contains(" refused: cannot checkpoint")).toList();
        assertThat(refusals).as(run.err()).hasSize(2);
        assertThat(refusals.getFirst()).contains("pointer 'into'");
        assertThat(refusals.get(1)).contains("reached only through pointers to its start of type 'struct hdr', as 'first'");
    }

    /**
     * Plain gcc's output; then talent's build on x86_64 stopped after 20 visits (refused, goes on) and at round 150
     * by the program's own SIGUSR1 (written, exit 75), restarted on s390x: the outputs together equal gcc's.
     */
    private Run refusedThenMigrates(String name, String source, Map<String, String> env) throws Exception {
        Target s390x = HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        return refusedThenMigrates(name, source, env, s390x);
    }

    private Run refusedThenMigrates(String name, String source, Map<String, String> env, Target to) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.writeString(src, source);
        Path orig = work.resolve(name + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-Wall", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.rc()).isZero();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-" + name), name));
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve(name + ".x86_64"));
        Path exeS = link(to, r, work.resolve(name + "." + to.name()));
        Path ck = checkpointDir(work.resolve(name + "-ck"));
        Path events = work.resolve(name + ".events");
        Map<String, String> all = new HashMap<>(env);
        all.putAll(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "20", "TALENT_EVENT_FILE",
                events.toString(), "STOP_LATER", "1"));
        Run first = run(command(x86, exe), all, null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        assertThat(first.err()).contains("talent: checkpoint 1 refused: cannot checkpoint");
        String ev = Files.readString(events);
        assertThat(ev).contains("checkpoint-failed checkpoint 1 could not be written: cannot checkpoint")
                .contains("\ncheckpoint 1 ckpt-000001.tck\n");
        assertThat(ev.indexOf("checkpoint-failed")).isLessThan(ev.indexOf("\ncheckpoint 1 "));
        // stopped in phase 2 (the events above: after the refusal); what stdout held unwritten then is carried by the
        // checkpoint and written by the restarted process (the runtime's pending.c), not by this one
        assertThat(first.out()).as("stopped in phase 2").doesNotContain("r=199");
        Run second = run(command(to, exeS), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isZero();
        return first;
    }
}
