package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Heap structures, pointers and function pointers migrated hop after hop across all five ISAs: each
 * program of src/test/resources/samples/heap is instrumented, built with the runtime for x86_64, s390x,
 * i686, aarch64 and riscv64, then run on x86_64 until a checkpoint after some site visits, restarted on
 * s390x until the next checkpoint, then i686, aarch64, and finished on riscv64. The concatenated output
 * must equal the output of the original program compiled by gcc without talent.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class HeapMigrationIT {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path HEAP_SAMPLES = MODULE.resolve("src/test/resources/samples/heap");
    /** Site visits before the checkpoint of each hop but the last (different counts land at different sites). */
    private static final int[] VISITS = {53, 41, 67, 29};

    /** The runtime's TALENT_VERBOSE line for a checkpoint written (talent-runtime/src/main/c/README.md). */
    private static final Pattern CHECKPOINT_WRITTEN =
            Pattern.compile("talent: checkpoint \\d+ written: [0-9.]+ MiB, (\\d+) heap blocks");

    @TempDir
    Path work;

    static Stream<String> programs() throws IOException {
        try (Stream<Path> s = Files.list(HEAP_SAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".c")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("programs")
    void migratesHopAfterHopAcrossAllFiveIsasToTheOriginalOutput(String program) throws Exception {
        Path source = HEAP_SAMPLES.resolve(program);
        String name = program.substring(0, program.length() - 2);
        Path original = work.resolve(name + ".orig");
        Run cc = run(List.of("gcc", "-O2", "-fsigned-char", "-ffp-contract=off", "-o", original.toString(), source.toString()), Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        String expected = run(List.of(original.toString()), Map.of(), null).out();
        assertThat(expected).isNotEmpty();

        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(source), List.of(), work.resolve("out"), name));
        List<Path> exes = new ArrayList<>();
        for (Target t : HOPS) exes.add(link(t, r, work.resolve(name + "." + t.name())));

        Run uninterrupted = run(command(HOPS.getFirst(), exes.getFirst()), Map.of(), null);
        assertThat(uninterrupted.rc()).as(uninterrupted.err()).isZero();
        assertThat(uninterrupted.out()).as("instrumented, without checkpoint").isEqualTo(expected);

        Path ck = Files.createDirectories(work.resolve("ck"));
        StringBuilder out = new StringBuilder();
        int heapBlocksMigrated = 0;
        for (int hop = 0; hop < HOPS.size(); hop++) {
            Target t = HOPS.get(hop);
            Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_VERBOSE", "1"));
            if (hop > 0) env.put("TALENT_RESTART", "1");
            boolean last = hop == HOPS.size() - 1;
            if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(VISITS[hop]));
            Run step = run(command(t, exes.get(hop)), env, null);
            out.append(step.out());
            assertThat(step.rc()).as("hop " + hop + " on " + t.name() + " of " + program + ":\n" + step.err()).isEqualTo(last ? 0 : 75);
            Matcher written = CHECKPOINT_WRITTEN.matcher(step.err());
            if (written.find()) heapBlocksMigrated += Integer.parseInt(written.group(1));
        }
        assertThat(out.toString()).as("output of the five hops of " + program).isEqualTo(expected);
        assertThat(heapBlocksMigrated).as("heap blocks in the checkpoints of " + program).isPositive();
    }
}
