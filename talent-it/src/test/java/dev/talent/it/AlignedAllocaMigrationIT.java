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

        // the alignment comes from the checkpoint (with the block's position): a forged one is refused, not used
        for (String forged : List.of("alloca@48:", "alloca@00:")) {
            Path checkpoints = fresh("forged-" + forged.substring(7, 9));
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
