package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code __builtin_alloca_with_align} in functions that may checkpoint (docs/CODEGEN.md "alloca"): 32- and 64-byte
 * aligned blocks live across sites, passed to a callee that checkpoints, allocated anew each round, next to alloca
 * through the program's macro and in a function that never checkpoints. Each round prints whether the blocks are
 * aligned. The program is stopped at several points and restarted on another ISA each time, big-endian s390x and
 * 32-bit i686 among them; the joined output must equal plain gcc's uninterrupted run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AlignedAllocaMigrationIT {

    private static Path source() {
        try {
            return Path.of(AlignedAllocaMigrationIT.class.getResource("/alloca/aligned.c").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path fresh(String label) throws IOException {
        Path dir = ItPaths.workRoot().resolve("aligned-alloca-" + ProcessHandle.current().pid()).resolve(label);
        ItPaths.deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    private static String plainGcc(Path dir) {
        Path binary = dir.resolve("aligned.plain");
        ProcessResult compiled = Processes.run(List.of("gcc", "-std=c99", "-O2", "-fsigned-char", "-o", binary.toString(),
                source().toString()), dir, Duration.ofMinutes(1));
        assertThat(compiled.exitCode()).withFailMessage(compiled::describe).isZero();
        ProcessResult run = Processes.run(List.of(binary.toString()), dir, Duration.ofSeconds(30));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        return run.stdoutText();
    }

    @Test
    void stoppedAtSeveralPointsAndRestartedOnOtherIsasItPrintsWhatPlainGccPrintsAlignedBlocksIncluded() throws IOException {
        Isa.S390X.assumeAvailable();
        Isa.I686.assumeAvailable();
        List<Isa> isas = List.of(Isa.X86_64, Isa.S390X, Isa.I686);
        Path work = fresh("work");
        String expected = plainGcc(work);
        assertThat(expected).contains("r=59 n24 ").contains("total=").doesNotContain("a32=0").doesNotContain("a64=0")
                .doesNotContain("blk64=0");

        Path build = fresh("build");
        TalentCli talent = TalentCli.get();
        ProcessResult built = talent.build(build, "aligned", isas, List.of(source()), List.of());
        assertThat(built.exitCode()).withFailMessage(() -> "talent build failed\n" + built.describe()).isZero();
        Path base = build.resolve("aligned");

        // stops inside mix (the aligned blocks passed to it) and in work's loop, in early and late rounds
        List<List<Object>> chains = List.of(
                List.of(Isa.X86_64, 200L, Isa.S390X, 310L, Isa.I686, 250L, Isa.X86_64),
                List.of(Isa.I686, 700L, Isa.S390X, 401L, Isa.X86_64));
        for (List<Object> chain : chains) {
            Path checkpoints = fresh("ckpt-" + chains.indexOf(chain));
            StringBuilder out = new StringBuilder();
            StringBuilder log = new StringBuilder();
            for (int i = 0; i < chain.size(); i += 2) {
                Isa isa = (Isa) chain.get(i);
                Long stop = i + 1 < chain.size() ? (Long) chain.get(i + 1) : null;
                ProcessResult r = talent.exec(work, isa, base, checkpoints, stop, i > 0, List.of());
                log.append("--- ").append(isa.id).append(stop == null ? "" : "@" + stop).append('\n').append(r.describe());
                assertThat(r.exitCode()).withFailMessage(log::toString)
                        .isEqualTo(stop == null ? 0 : TalentCli.EXIT_CHECKPOINT_WRITTEN);
                out.append(new String(r.stdout(), StandardCharsets.UTF_8));
            }
            assertThat(out.toString()).as("chain %s\n%s", chain, log).isEqualTo(expected);
        }
    }
}
