package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Arrays the runtime encodes and decodes in bulk (talent-runtime's bulk.c: memcpy or a byte-swapping loop, and
 * a checked conversion per element where widths differ): scalars of every width, arrays of structs with and
 * without padding, nested arrays and heap arrays, checkpointed on a little-endian and on a big-endian writer
 * and restored on every other ISA, each run compared with the uninterrupted one. A value that does not fit
 * i686's 32-bit {@code long} in the middle of an array is refused naming the element.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class BulkArraysIT {

    /** Past the fill loops (l[7] is set there: the narrowing test shows it), before the last pass. */
    private static final long STOP_AFTER = 5000;

    private static Path source() {
        try {
            return Path.of(BulkArraysIT.class.getResource("/bulk/bulkarrays.c").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path build(List<Isa> isas) throws IOException {
        Path dir = ItPaths.workRoot().resolve("bulkarrays-" + ProcessHandle.current().pid()).resolve("build");
        ItPaths.deleteRecursively(dir);
        Files.createDirectories(dir);
        ProcessResult built = TalentCli.get().build(dir, "bulkarrays", isas, List.of(source()), List.of());
        assertThat(built.exitCode()).withFailMessage(() -> "talent build failed\n" + built.describe()).isZero();
        return dir.resolve("bulkarrays");
    }

    private static Path fresh(String label) throws IOException {
        Path dir = ItPaths.workRoot().resolve("bulkarrays-" + ProcessHandle.current().pid()).resolve(label);
        ItPaths.deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    @Test
    void arraysMigrateBetweenEveryPairOfByteOrders() throws IOException {
        List<Isa> isas = CorpusRuns.availableIsas();
        assertThat(isas).as("ISAs available here").contains(Isa.X86_64);
        Path base = build(isas);
        TalentCli talent = TalentCli.get();
        Path work = fresh("work");
        ProcessResult reference = talent.exec(work, Isa.X86_64, base, null, null, false, List.of());
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();
        assertThat(reference.stdoutText()).contains("pass 5:");

        for (Isa writer : List.of(Isa.X86_64, Isa.S390X)) {
            if (!isas.contains(writer)) continue;
            for (Isa reader : isas) {
                if (reader == writer) continue;
                Path checkpoints = fresh("ckpt-" + writer.id + "-" + reader.id);
                ProcessResult stopped = talent.exec(work, writer, base, checkpoints, STOP_AFTER, false, List.of());
                assertThat(stopped.exitCode()).withFailMessage(stopped::describe).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
                assertThat(reference.stdoutText()).as("output before the checkpoint on " + writer)
                        .startsWith(stopped.stdoutText());
                assertThat(stopped.stdoutText()).doesNotContain("pass 5:");
                ProcessResult resumed = talent.exec(work, reader, base, checkpoints, null, true, List.of());
                assertThat(resumed.exitCode()).withFailMessage(resumed::describe).isZero();
                assertThat(stopped.stdoutText() + resumed.stdoutText())
                        .as("stopped on " + writer + ", resumed on " + reader + "\n" + resumed.describe())
                        .isEqualTo(reference.stdoutText());
            }
        }
    }

    @Test
    void aLongArrayElementTooWideForI686IsRefusedNamingTheElement() throws IOException {
        Isa.I686.assumeAvailable();
        Isa.AARCH64.assumeAvailable();
        Path base = build(List.of(Isa.X86_64, Isa.I686, Isa.AARCH64));
        TalentCli talent = TalentCli.get();
        Path work = fresh("work-wide");
        ProcessResult reference = talent.exec(work, Isa.X86_64, base, null, null, false, List.of("wide"));
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();
        Path checkpoints = fresh("ckpt-wide");
        ProcessResult stopped = talent.exec(work, Isa.X86_64, base, checkpoints, STOP_AFTER, false, List.of("wide"));
        assertThat(stopped.exitCode()).withFailMessage(stopped::describe).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);

        ProcessResult refused = talent.exec(work, Isa.I686, base, checkpoints, null, true, List.of());
        assertThat(refused.exitCode()).withFailMessage(refused::describe).isEqualTo(TalentCli.EXIT_CANNOT_RESTORE);
        assertThat(refused.stderrText()).contains("'l[7]'").contains("5000000000").contains("does not fit in 32-bit long");
        assertThat(refused.stdoutText()).isEmpty();

        ProcessResult resumed = talent.exec(work, Isa.AARCH64, base, checkpoints, null, true, List.of());
        assertThat(resumed.exitCode()).withFailMessage(resumed::describe).isZero();
        assertThat(stopped.stdoutText() + resumed.stdoutText()).isEqualTo(reference.stdoutText());
    }

    /**
     * A durable checkpoint of more than 16 MiB, which the runtime writes with O_DIRECT where the file system allows
     * it (aligned writes, the last one padded and the file cut back to its size): written on x86_64 and on s390x
     * (under qemu), checked by the Java reader ({@code talent inspect}) and restored on another ISA, each run
     * compared with the uninterrupted one.
     */
    @Test
    void aLargeDurableCheckpointIsExactAndRestores() throws IOException, URISyntaxException {
        List<Isa> isas = CorpusRuns.availableIsas();
        assertThat(isas).as("ISAs available here").contains(Isa.X86_64);
        Path dir = ItPaths.workRoot().resolve("bulkarrays-" + ProcessHandle.current().pid()).resolve("build-large");
        ItPaths.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path source = Path.of(BulkArraysIT.class.getResource("/bulk/largearray.c").toURI());
        TalentCli talent = TalentCli.get();
        ProcessResult built = talent.build(dir, "largearray", isas, List.of(source), List.of());
        assertThat(built.exitCode()).withFailMessage(() -> "talent build failed\n" + built.describe()).isZero();
        Path base = dir.resolve("largearray");
        Path work = fresh("work-large");
        ProcessResult reference = talent.exec(work, Isa.X86_64, base, null, null, false, List.of());
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();
        assertThat(reference.stdoutText()).contains("pass 2:");

        for (Isa writer : List.of(Isa.X86_64, Isa.S390X)) {
            if (!isas.contains(writer)) continue;
            Isa reader = writer == Isa.X86_64 ? (isas.contains(Isa.AARCH64) ? Isa.AARCH64 : Isa.X86_64) : Isa.X86_64;
            Path checkpoints = fresh("ckpt-large-" + writer.id);
            ProcessResult stopped = talent.exec(work, writer, base, checkpoints, 2L, false, List.of());
            assertThat(stopped.exitCode()).withFailMessage(stopped::describe).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
            List<Path> files;
            try (var list = Files.list(checkpoints)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".tck")).toList();
            }
            assertThat(files).as("checkpoint files of " + writer).hasSize(1);
            assertThat(Files.size(files.get(0))).as("checkpoint size").isGreaterThan(20L << 20).matches(n -> n % 4096 != 0);
            ProcessResult inspected = talent.inspect(work, files.get(0), false);
            assertThat(inspected.exitCode()).withFailMessage(inspected::describe).isZero();
            ProcessResult resumed = talent.exec(work, reader, base, checkpoints, null, true, List.of());
            assertThat(resumed.exitCode()).withFailMessage(resumed::describe).isZero();
            assertThat(stopped.stdoutText() + resumed.stdoutText())
                    .as("stopped on " + writer + ", resumed on " + reader + "\n" + resumed.describe())
                    .isEqualTo(reference.stdoutText());
        }
    }
}
