package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
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
    private static final ExecChains PROGRAM = new ExecChains("/alloca/allocas.c", "allocas");

    @Test
    void stoppedAtSeveralPointsAndRestartedOnOtherIsasItPrintsWhatPlainGccPrints() throws IOException {
        Isa.S390X.assumeAvailable();
        List<Isa> isas = new ArrayList<>(List.of(Isa.X86_64, Isa.S390X));
        boolean arm = Isa.AARCH64.missingTool().isEmpty();
        if (arm) isas.add(Isa.AARCH64);
        Path work = PROGRAM.fresh("work");
        String expected = PROGRAM.plainGcc(work);
        assertThat(expected).contains("k=8 total=");

        TalentCli talent = TalentCli.get();
        Path base = PROGRAM.build(talent, "allocas", isas);

        // stops inside work's loop, inside fill (a callee given an alloca'd buffer), inside chain's list of cells
        Isa third = arm ? Isa.AARCH64 : Isa.X86_64;
        PROGRAM.assertChainsPrint(talent, work, base, List.of(
                List.of(Isa.X86_64, 300L, Isa.S390X, 500L, third, 400L, Isa.X86_64),
                List.of(Isa.S390X, 1500L, Isa.X86_64, 700L, Isa.S390X)), expected);
    }
}
