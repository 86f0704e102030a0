package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final ExecChains PROGRAM = new ExecChains("/alloca/aligned.c", "aligned-alloca");

    @Test
    void stoppedAtSeveralPointsAndRestartedOnOtherIsasItPrintsWhatPlainGccPrintsAlignedBlocksIncluded() throws IOException {
        Isa.S390X.assumeAvailable();
        Isa.I686.assumeAvailable();
        List<Isa> isas = List.of(Isa.X86_64, Isa.S390X, Isa.I686);
        Path work = PROGRAM.fresh("work");
        String expected = PROGRAM.plainGcc(work);
        assertThat(expected).contains("r=59 n24 ").contains("total=").doesNotContain("a32=0").doesNotContain("a64=0")
                .doesNotContain("blk64=0");

        TalentCli talent = TalentCli.get();
        Path base = PROGRAM.build(talent, "aligned", isas);

        // stops inside mix (the aligned blocks passed to it) and in work's loop, in early and late rounds
        PROGRAM.assertChainsPrint(talent, work, base, List.of(
                List.of(Isa.X86_64, 200L, Isa.S390X, 310L, Isa.I686, 250L, Isa.X86_64),
                List.of(Isa.I686, 700L, Isa.S390X, 401L, Isa.X86_64)), expected);

        // the alignment comes from the checkpoint (with the block's position): a forged one is refused, not used
        for (String forged : List.of("alloca@48:", "alloca@00:")) {
            Path checkpoints = PROGRAM.fresh("forged-" + forged.substring(7, 9));
            ProcessResult stopped = talent.exec(work, Isa.X86_64, base, checkpoints, 200L, false, List.of());
            assertThat(stopped.exitCode()).withFailMessage(stopped::describe).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
            Path file;
            try (var files = Files.list(checkpoints)) {
                file = files.filter(f -> f.toString().endsWith(".tck")).findFirst().orElseThrow();
            }
            Files.write(file, forge(Files.readAllBytes(file), forged));
            ProcessResult r = talent.exec(work, Isa.S390X, base, checkpoints, null, true, List.of());
            assertThat(r.exitCode()).withFailMessage(r::describe).isEqualTo(65);
            assertThat(r.stderrText()).contains("the checkpoint is not valid: the heap block allocated at " + forged
                    + "aligned.c:33:17 names an alignment that is not a power of two from 1 to 4096 bytes");
        }
    }

    /** The file with the position of w's block (alloca@64:aligned.c:33:17) naming another alignment, CRC resealed. */
    private static byte[] forge(byte[] file, String prefix) {
        CheckpointFile.Section heap = CheckpointFile.parse(file).section("HEAP");
        byte[] from = "alloca@64:aligned.c:33:".getBytes(StandardCharsets.US_ASCII);
        byte[] to = (prefix + "aligned.c:33:").getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = heap.payloadOffset(); at < 0 && i + from.length <= heap.payloadOffset() + heap.length(); i++) {
            if (java.util.Arrays.equals(file, i, i + from.length, from, 0, from.length)) at = i;
        }
        assertThat(at).as("w's block position in the HEAP section").isNotNegative();
        byte[] out = file.clone();
        System.arraycopy(to, 0, out, at, to.length);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(out, heap.offset(), 12 + heap.length());
        java.nio.ByteBuffer.wrap(out).putInt(heap.payloadOffset() + heap.length(), (int) crc.getValue());
        return out;
    }
}
