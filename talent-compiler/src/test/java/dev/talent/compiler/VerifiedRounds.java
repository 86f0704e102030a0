package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program of the pre-copy tests that asks for four rounds (ROUNDS) and stops itself (STOP), built and run on x86_64
 * with {@code TALENT_DIRTY=verify}: each round's and the stop's delta is built from the dirty tracking and again by
 * comparing every chunk, and a difference fails it (exit 70). What the tests then restart, and where, is theirs.
 *
 * @param plain plain gcc's output of the program, uninterrupted
 * @param program the instrumented program
 * @param exe its x86_64 executable
 * @param ck the checkpoint directory: the rounds' images and the stop's delta
 * @param first the run that made them (exit 75)
 */
record VerifiedRounds(String plain, CompileResult program, Path exe, Path ck, Run first) {
    /** Builds {@code source} as {@code name} in {@code work} and runs it through its rounds to its stop. */
    static VerifiedRounds run(Path work, String name, String source) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.writeString(src, source);
        String plain = AheadDestination.gccOutput(work, src);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), name));
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve(name + ".x86_64"));
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = MigrationHops.run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY",
                "1", "TALENT_DIRTY", "verify", "TALENT_VERBOSE", "1", "ROUNDS", "1", "STOP", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        assertThat(first.err()).doesNotContain("failed").contains("against pre-000004.tck");
        return new VerifiedRounds(plain, r, exe, ck, first);
    }

    /** Restarts the checkpoint directory {@code ck} on {@code target} (linked into {@code exe} first) and returns its run. */
    Run restartOn(Target target, Path ck, Path exe) throws Exception {
        Path linked = target.equals(HOPS.getFirst()) ? this.exe : link(target, program, exe);
        return MigrationHops.run(command(target, linked), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART",
                "1"), null);
    }

    /** The chunks that {@code who}'s line (a round's or the stop's) took as unchanged since round {@code base}. */
    long unchanged(String who, int base) {
        return Long.parseLong(counts(who, base).group(1));
    }

    /** The chunks that {@code who}'s line encoded and compared against round {@code base}. */
    long compared(String who, int base) {
        return Long.parseLong(counts(who, base).group(2));
    }

    private Matcher counts(String who, int base) {
        Matcher m = Pattern.compile(Pattern.quote(who) + ": dirty tracking: (\\d+) chunks of large arrays unchanged since "
                + "pre-00000" + base + "\\.tck \\(not read\\), (\\d+) encoded and compared").matcher(first.err());
        assertThat(m.find()).as(first.err()).isTrue();
        return m;
    }
}
