package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * alloca in functions that may checkpoint (docs/CODEGEN.md "alloca"; issue 11, cause 6): blocks live across
 * sites, typed by a cast, allocated at each iteration of a loop, passed to callees that checkpoint, linked to each
 * other, and left behind by longjmp. The program is stopped at several points and restarted on another ISA each
 * time, big-endian s390x among them; the joined output must equal plain gcc's uninterrupted run.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AllocaMigrationIT {

    private static Path source() {
        try {
            return Path.of(AllocaMigrationIT.class.getResource("/alloca/allocas.c").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path fresh(String label) throws IOException {
        Path dir = ItPaths.workRoot().resolve("allocas-" + ProcessHandle.current().pid()).resolve(label);
        ItPaths.deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    private static String plainGcc(Path dir) {
        Path binary = dir.resolve("allocas.plain");
        ProcessResult compiled = Processes.run(List.of("gcc", "-std=c99", "-O2", "-fsigned-char", "-o", binary.toString(),
                source().toString()), dir, Duration.ofMinutes(1));
        assertThat(compiled.exitCode()).withFailMessage(compiled::describe).isZero();
        ProcessResult run = Processes.run(List.of(binary.toString()), dir, Duration.ofSeconds(30));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        return run.stdoutText();
    }

    @Test
    void stoppedAtSeveralPointsAndRestartedOnOtherIsasItPrintsWhatPlainGccPrints() throws IOException {
        Isa.S390X.assumeAvailable();
        List<Isa> isas = new ArrayList<>(List.of(Isa.X86_64, Isa.S390X));
        boolean arm = Isa.AARCH64.missingTool().isEmpty();
        if (arm) isas.add(Isa.AARCH64);
        Path work = fresh("work");
        String expected = plainGcc(work);
        assertThat(expected).contains("k=8 total=");

        Path build = fresh("build");
        TalentCli talent = TalentCli.get();
        ProcessResult built = talent.build(build, "allocas", isas, List.of(source()), List.of());
        assertThat(built.exitCode()).withFailMessage(() -> "talent build failed\n" + built.describe()).isZero();
        Path base = build.resolve("allocas");

        // stops inside work's loop, inside fill (a callee given an alloca'd buffer), inside chain's list of cells
        Isa third = arm ? Isa.AARCH64 : Isa.X86_64;
        List<List<Object>> chains = List.of(
                List.of(Isa.X86_64, 300L, Isa.S390X, 500L, third, 400L, Isa.X86_64),
                List.of(Isa.S390X, 1500L, Isa.X86_64, 700L, Isa.S390X));
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
