package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared corpus of docs/FORMAT.md "Validation" ({@link ForgedCorpus}): the checked-in files are what the
 * generator produces, every forged file is refused by the Java reader (quickly: validation is bounded by the file's
 * size), every valid one accepted. talent-runtime's CheckpointCorpusIT runs the same files through the C reader.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ForgedCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/corpus");

    @Test
    void checkedInCorpusIsWhatTheGeneratorProduces() throws IOException {
        boolean write = Boolean.getBoolean("talent.corpus.write");
        List<String> stale = new ArrayList<>();
        for (var dir : Map.of("valid", ForgedCorpus.valid(), "forged", ForgedCorpus.forged(),
                "forged-for-program", ForgedCorpus.forgedForProgram()).entrySet()) {
            Path d = CORPUS.resolve(dir.getKey());
            if (write) Files.createDirectories(d);
            TreeSet<String> present = new TreeSet<>();
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    files.filter(f -> f.toString().endsWith(".tck")).forEach(f -> present.add(f.getFileName().toString()));
                }
            }
            for (var file : dir.getValue().entrySet()) {
                Path f = d.resolve(file.getKey());
                present.remove(file.getKey());
                if (!Files.exists(f) || !java.util.Arrays.equals(Files.readAllBytes(f), file.getValue())) {
                    if (write) Files.write(f, file.getValue());
                    else stale.add(dir.getKey() + "/" + file.getKey());
                }
            }
            for (String extra : present) {
                if (write) Files.delete(d.resolve(extra));
                else stale.add(dir.getKey() + "/" + extra + " (not generated any more)");
            }
        }
        assertThat(stale).as("corpus files that differ from ForgedCorpus (regenerate with -Dtalent.corpus.write=true)")
                .isEmpty();
    }

    @Test
    void everyForgedFileIsRefusedByTheJavaReader() throws IOException {
        List<String> accepted = new ArrayList<>();
        for (Path f : files("forged")) {
            long start = System.nanoTime();
            try {
                CheckpointReader.read(f);
                accepted.add(f.getFileName().toString());
            } catch (CorruptCheckpointException expected) {
                assertThat(expected.getMessage()).contains(f.toString());
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to validate %s", f).isLessThan(2_000);
        }
        assertThat(accepted).as("forged files the Java reader accepted").isEmpty();
        assertThat(files("forged")).hasSizeGreaterThan(60);
    }

    @Test
    void everyValidFileAndEveryProgramMismatchIsAcceptedStructurally() throws Exception {
        for (String dir : List.of("valid", "forged-for-program")) {
            for (Path f : files(dir)) {
                assertThat(CheckpointReader.read(f).meta().sequence()).as(f.toString()).isEqualTo(3);
            }
        }
    }

    @Test
    void theGeneratorsCategoriesAreAllPresent() {
        TreeSet<String> categories = new TreeSet<>();
        for (String name : ForgedCorpus.forged().keySet()) categories.add(name.substring(0, name.indexOf('-')));
        assertThat(categories).contains("pointer", "utf8", "nul", "frame", "bounds", "value", "type", "heap", "file",
                "wait", "framing", "global", "meta", "errno");
    }

    @Test
    void aFifoIsNotReadAsACheckpoint(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("ckpt-000009.tck");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(p.waitFor()).isZero();
        assertThatThrownBy(() -> CheckpointReader.read(fifo)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("not a regular file");
        Files.write(dir.resolve("ckpt-000003.tck"), ForgedCorpus.valid().get("base.tck"));
        CheckpointDirectory.Selection s = CheckpointDirectory.newestValid(dir);
        assertThat(s.newest()).isPresent();
        assertThat(s.newest().get().file().getFileName().toString()).isEqualTo("ckpt-000003.tck");
    }

    private static List<Path> files(String dir) throws IOException {
        try (Stream<Path> files = Files.list(CORPUS.resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".tck")).sorted().toList();
        }
    }
}
