package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.GlobalVar;
import dev.talent.format.Value;
import dev.talent.toolchain.Isa;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One C program checked against plain gcc: built by talent, run uninterrupted, then stopped after each of the
 * given numbers of site visits on x86_64 and restarted on the hops' ISAs in turn (each stop on the next ISA of
 * {@link MigrationHops#HOPS}), every output equal to plain gcc's.
 */
final class MigratesLikeGcc {
    private MigratesLikeGcc() {}

    /**
     * Writes {@code source} to {@code work/NAME.c} and runs plain gcc's build of it ({@code -O2}, linked with
     * {@code -lm} as talent links every program): the run every migration is compared with.
     */
    static Run plainGcc(Path work, String name, String source) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.writeString(src, source);
        Path orig = work.resolve(name + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString(), "-lm"), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        return run(List.of(orig.toString()), Map.of(), null);
    }

    /** {@code work/NAME.c} (as {@link #plainGcc} wrote it) compiled by talent into {@code work/out-NAME}. */
    static CompileResult compiled(Path work, String name) throws Exception {
        return new CheckpointCompiler().compile(new CompileRequest(List.of(work.resolve(name + ".c")), List.of(),
                work.resolve("out-" + name), name));
    }

    /** x86_64 with musl-gcc (the compiler talent's packages install for it). */
    static Target musl() {
        return new Target("x86_64-musl", "musl-gcc", Isa.X86_64.requiredCFlags(), List.of());
    }

    /** {@code platforms}, then x86_64 with musl where its compiler is installed (as talent's packages install it). */
    static List<Target> withMusl(Target... platforms) {
        List<Target> chain = new ArrayList<>(List.of(platforms));
        if (onPath("musl-gcc")) chain.add(musl());
        return chain;
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator, -1)) {
            if (Files.isExecutable(Path.of(dir, exe))) return true;
        }
        return false;
    }

    /**
     * {@code work/NAME.c} compiled by talent and linked for each platform of {@code chain} (as
     * {@code work/NAME.PLATFORM}); run uninterrupted on the first platform, it must end as {@code plain} did (output
     * and exit status). Returns the executables in the chain's order.
     */
    static List<Path> linkedFor(Path work, String name, List<Target> chain, Run plain) throws Exception {
        CompileResult r = compiled(work, name);
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) exes.add(link(t, r, work.resolve(name + "." + t.name())));
        Run straight = run(command(chain.getFirst(), exes.getFirst()), Map.of(), null);
        assertThat(straight.out()).as("uninterrupted on " + chain.getFirst().name() + "\n" + straight.err())
                .isEqualTo(plain.out());
        assertThat(straight.rc()).as(straight.err()).isEqualTo(plain.rc());
        return exes;
    }

    /**
     * Returns plain gcc's output; {@code isas}: how many of the hops to link for (1 = x86_64 only). A stop past the
     * program's end is skipped (its run must equal gcc's); a checkpoint refused at run time fails the test.
     */
    static String check(Path work, String name, String source, int isas, int... stops) throws Exception {
        return check(work, name, source, isas, false, stops);
    }

    /**
     * As {@link #check(Path, String, String, int, int...)}, but every stop must be taken (exit 75): none may lie
     * past the program's end.
     */
    static String checkEveryStop(Path work, String name, String source, int isas, int... stops) throws Exception {
        return check(work, name, source, isas, true, stops);
    }

    private static String check(Path work, String name, String source, int isas, boolean everyStop, int... stops)
            throws Exception {
        Run plain = plainGcc(work, name, source);
        String expected = plain.out();
        List<Target> targets = HOPS.subList(0, Math.min(isas, HOPS.size()));
        List<Path> exes = linkedFor(work, name, targets, plain);
        int hop = 0;
        for (int stop : stops) {
            Path ck = checkpointDir(work.resolve(name + "-ck-" + stop));
            Run first = run(command(targets.getFirst(), exes.getFirst()),
                    Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(stop)), null);
            if (everyStop) assertThat(first.rc()).as("stop after " + stop + " visits taken\n" + first.err()).isEqualTo(75);
            if (first.rc() != 75) {
                // the program ended before that many visits: it must have run as plain gcc's, no checkpoint refused
                assertThat(first.err()).as("stop " + stop).doesNotContain("refused");
                assertThat(first.out()).as("stop " + stop + " not reached: " + first.err()).isEqualTo(expected);
                continue;
            }
            int to = targets.size() == 1 ? 0 : 1 + (hop++ % (targets.size() - 1));
            Run second = run(command(targets.get(to), exes.get(to)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_RESTART", "1"), null);
            assertThat(first.out() + second.out()).as("stop after " + stop + " visits, restart on " + targets.get(to).name()
                    + "\n" + first.err() + second.err()).isEqualTo(expected);
            assertThat(second.rc()).as(second.err()).isEqualTo(plain.rc());
        }
        return expected;
    }

    /**
     * For each row of {@code stops}: the program stopped on {@code chain}'s first platform after {@code stops[row][0]}
     * site visits, restarted on the next and stopped again after {@code stops[row][i]} (the row's last value for
     * later hops), finished on the last platform. Every stop must be taken (exit 75), and the output of the legs put
     * together must equal {@code plain}'s, with its exit status.
     */
    static void chainEqualsGcc(Path work, List<Target> chain, List<Path> exes, int[][] stops, Run plain) throws Exception {
        chain(work, chain, exes, stops, plain, false);
    }

    /**
     * As {@link #chainEqualsGcc}, and the legs' standard error put together must equal {@code plain}'s too (a program
     * whose texts on stderr are what is checked: the runtime prints nothing at a stop unless asked).
     */
    static void chainEqualsGccWithStderr(Path work, List<Target> chain, List<Path> exes, int[][] stops, Run plain)
            throws Exception {
        chain(work, chain, exes, stops, plain, true);
    }

    private static void chain(Path work, List<Target> chain, List<Path> exes, int[][] stops, Run plain, boolean stderr)
            throws Exception {
        for (int[] s : stops) {
            Path ck = checkpointDir(work.resolve("ck-" + s[0]));
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            StringBuilder legsErr = new StringBuilder();
            for (int i = 0; i < chain.size(); i++) {
                Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
                if (i > 0) env.put("TALENT_RESTART", "1");
                boolean last = i == chain.size() - 1;
                if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(s[Math.min(i, s.length - 1)]));
                Run leg = run(command(chain.get(i), exes.get(i)), env, null);
                out.append(leg.out());
                legsErr.append(leg.err());
                err.append(chain.get(i).name()).append(": ").append(leg.err());
                assertThat(leg.rc()).as("stops " + java.util.Arrays.toString(s) + " on " + chain.get(i).name() + "\n" + err)
                        .isEqualTo(last ? plain.rc() : 75);
            }
            assertThat(out.toString()).as("stops " + java.util.Arrays.toString(s) + " through " + chain.size() + " platforms\n" + err)
                    .isEqualTo(plain.out());
            if (stderr) {
                assertThat(legsErr.toString()).as("stderr, stops " + java.util.Arrays.toString(s)).isEqualTo(plain.err());
            }
        }
    }

    /**
     * The program built for x86_64 alone and stopped after {@code stop} site visits: the checkpoint must be refused
     * (stderr and the {@code checkpoint-failed} event say why), nothing written to the checkpoint directory, and the
     * program must go on to the end as plain gcc's build runs (output and exit status). Returns the run, for the
     * refusal's message.
     */
    static Run refusedAt(Path work, String name, String source, int stop) throws Exception {
        return refusedAt(work, name, source, stop, Map.of());
    }

    /** As {@link #refusedAt(Path, String, String, int)}, with more of the runtime's settings in {@code env}. */
    static Run refusedAt(Path work, String name, String source, int stop, Map<String, String> env) throws Exception {
        Run plain = plainGcc(work, name, source);
        CompileResult r = compiled(work, name);
        Path exe = link(HOPS.getFirst(), r, work.resolve(name + "." + HOPS.getFirst().name()));
        Path ck = checkpointDir(work.resolve(name + "-ck"));
        Path events = work.resolve(name + ".events");
        Map<String, String> all = new HashMap<>(env);
        all.putAll(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(stop),
                "TALENT_EVENT_FILE", events.toString()));
        Run stopped = run(command(HOPS.getFirst(), exe), all, null);
        assertThat(stopped.err()).contains("talent: checkpoint 1 refused: cannot checkpoint")
                .contains("; the program continues");
        assertThat(stopped.out()).as("the program goes on as plain gcc's\n" + stopped.err()).isEqualTo(plain.out());
        assertThat(stopped.rc()).as(stopped.err()).isEqualTo(plain.rc());
        assertThat(Files.readString(events)).contains("checkpoint-failed checkpoint 1 could not be written: cannot checkpoint")
                .doesNotContain("\ncheckpoint ");
        try (var files = Files.list(ck)) {
            assertThat(files.toList()).as("nothing written, no temporary file").isEmpty();
        }
        return stopped;
    }

    /**
     * A program whose checkpoints are bound to the platforms of the writer's byte order (and width): built for
     * x86_64 and each ISA of {@code refusedOn} and {@code allowedOn}, stopped on x86_64 after each of {@code stops}
     * visits and restarted on each of them. Where refused, the restore ends with exit 65, no output, and a message
     * containing every one of {@code refusal}; elsewhere the two outputs make plain gcc's {@code expected}.
     */
    static void boundToByteOrder(Path work, String name, CompileResult program, String expected, List<String> stops,
                                 List<String> refusedOn, List<String> allowedOn, String... refusal) throws Exception {
        Map<String, Path> exes = new HashMap<>();
        for (Target t : HOPS) {
            if (t.name().equals("x86_64") || refusedOn.contains(t.name()) || allowedOn.contains(t.name())) {
                exes.put(t.name(), link(t, program, work.resolve(name + "." + t.name())));
            }
        }
        Target x86 = HOPS.getFirst();
        for (Target to : HOPS) {
            if (!exes.containsKey(to.name())) continue;
            for (String stop : stops) {
                Path ck = checkpointDir(work.resolve(name + "-ck-" + stop + "-" + to.name()));
                Run first = run(command(x86, exes.get("x86_64")), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                        "TALENT_STOP_AFTER", stop), null);
                assertThat(first.rc()).as(first.err()).isEqualTo(75);
                Run there = run(command(to, exes.get(to.name())), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                        "TALENT_RESTART", "1"), null);
                if (refusedOn.contains(to.name())) {
                    assertThat(there.rc()).as(there.err()).isEqualTo(65);
                    assertThat(there.out()).isEmpty();
                    assertThat(there.err()).contains(refusal);
                } else {
                    assertThat(there.rc()).as(there.err()).isZero();
                    assertThat(first.out() + there.out()).as("stop " + stop + " restarted on " + to.name()).isEqualTo(expected);
                }
            }
        }
    }

    /** A checkpoint file written by a stop, as read by the Java reader. */
    record Stopped(Path file, Checkpoint checkpoint) {
        /** The value of the global named {@code name} (the first of that name). */
        Value global(String name) {
            return checkpoint.globals().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow().value();
        }
    }

    /**
     * {@code exe} run on {@code t} and stopped after {@code stop} site visits (the stop must be taken: exit 75) into
     * {@code work/ck-NAME}; the checkpoint it wrote, which the Java reader must read and write back byte for byte.
     */
    static Stopped stoppedAt(Path work, String name, Target t, Path exe, int stop) throws Exception {
        Path ck = checkpointDir(work.resolve("ck-" + name));
        Run first = run(command(t, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER",
                String.valueOf(stop)), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Path file;
        try (Stream<Path> s = Files.list(ck)) {
            file = s.filter(p -> p.getFileName().toString().endsWith(".tck")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        Checkpoint c = CheckpointReader.read(bytes, file.toString());
        assertThat(CheckpointWriter.write(c)).as("the Java model holds the whole file").isEqualTo(bytes);
        return new Stopped(file, c);
    }

    /**
     * The stopped checkpoint with the global named {@code name} given the value {@code forged} (CRCs right): the Java
     * reader must refuse it with a message containing {@code javaMessage}; written over the file, the restore of
     * {@code exe} on {@code t} must end with exit 66 (an invalid file) and no output. Returns the restore's run, for
     * the C reader's message.
     */
    static Run forgedGlobalRefused(Target t, Path exe, Stopped s, String name, Value forged, String javaMessage)
            throws Exception {
        Checkpoint c = s.checkpoint();
        List<GlobalVar> globals = c.globals().stream().map(g -> !g.name().equals(name) ? g
                : new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), forged)).toList();
        byte[] bytes = CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(),
                c.files(), c.pendingWait(), c.epoll(), c.signals(), c.environment(), c.errno(), c.socketOptions()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CheckpointReader.read(bytes, "forged.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(javaMessage);
        Files.write(s.file(), bytes);
        Run second = run(command(t, exe), Map.of("TALENT_CHECKPOINT_DIR", s.file().getParent().toString(),
                "TALENT_RESTART", "1", "TALENT_RESTORE_FILE", s.file().toString()), null);
        assertThat(second.rc()).as(second.err()).isEqualTo(66);
        assertThat(second.out()).isEmpty();
        return second;
    }
}
