package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Deltas (docs/FORMAT.md "Delta") through the Java reader: the checked-in corpus is what {@link DeltaCorpus}
 * generates, every valid delta rebuilds a checkpoint the reader accepts, every forged one is refused with a message
 * naming the problem, and {@link CheckpointDelta#build} followed by {@link CheckpointDelta#apply} is the identity.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeltaCorpusTest {
    static final Path DIR = Path.of("src/test/resources/corpus/delta");

    @Test
    void checkedInCorpusIsWhatTheGeneratorProduces() throws IOException {
        boolean write = Boolean.getBoolean("talent.corpus.write");
        List<String> stale = new ArrayList<>();
        if (write) Files.createDirectories(DIR);
        TreeSet<String> present = new TreeSet<>();
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> files = Files.list(DIR)) {
                files.forEach(f -> present.add(f.getFileName().toString()));
            }
        }
        for (Map.Entry<String, byte[]> file : DeltaCorpus.files().entrySet()) {
            Path f = DIR.resolve(file.getKey());
            present.remove(file.getKey());
            if (!Files.exists(f) || !Arrays.equals(Files.readAllBytes(f), file.getValue())) {
                if (write) Files.write(f, file.getValue());
                else stale.add(file.getKey());
            }
        }
        for (String extra : present) {
            if (write) Files.delete(DIR.resolve(extra));
            else stale.add(extra + " (not generated any more)");
        }
        assertThat(stale).as("delta corpus files that differ from DeltaCorpus (regenerate with -Dtalent.corpus.write=true)")
                .isEmpty();
    }

    @Test
    void validDeltasRebuildAcceptedCheckpoints() throws Exception {
        for (var e : DeltaCorpus.files().entrySet()) {
            if (!e.getKey().startsWith("valid-")) continue;
            Checkpoint ck = CheckpointDelta.read(DIR.resolve(e.getKey()));
            assertThat(ck.meta().program()).as(e.getKey()).isNotEmpty();
        }
    }

    @Test
    void forgedDeltasAreRefused() {
        for (var e : DeltaCorpus.files().entrySet()) {
            if (!e.getKey().startsWith("forged-")) continue;
            assertThat(DIR.resolve(e.getKey())).isRegularFile();
            assertThatThrownBy(() -> CheckpointDelta.read(DIR.resolve(e.getKey()))).as(e.getKey())
                    .isInstanceOf(CorruptCheckpointException.class);
        }
    }

    @Test
    void messagesNameTheProblem() {
        Map<String, byte[]> f = DeltaCorpus.files();
        byte[] base = DeltaCorpus.base();
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-copy-outside.tdl"), base, "d"))
                .hasMessageContaining("COPY of").hasMessageContaining("outside the base");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-base-crc.tdl"), base, "d"))
                .hasMessageContaining("is not the file it was made from");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-crc.tdl"), base, "d")).hasMessageContaining("CRC mismatch");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-base-path.tdl"), base, "d"))
                .hasMessageContaining("not a plain .tck file name");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-op-count.tdl"), base, "d"))
                .hasMessageContaining("operations do not fit");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-data-out-of-order.tdl"), base, "d"))
                .hasMessageContaining("DATA at 3");
        assertThatThrownBy(() -> CheckpointDelta.apply(f.get("forged-image-short.tdl"), base, "d"))
                .hasMessageContaining("operations make");
        // a delta that passes every delta check still rebuilds a checkpoint that must validate
        assertThatThrownBy(() -> CheckpointDelta.read(DIR.resolve("forged-image-invalid.tdl")))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageNotContaining("delta:");
    }

    /**
     * {@link CheckpointDelta#applyToFile} on every delta of the corpus, with the corpus's base file: the image
     * {@link CheckpointDelta#apply} rebuilds, or the same refusal with the same message and no image file left behind.
     */
    @Test
    void applyingToAFileChecksAndRebuildsWhatApplyDoes(@TempDir Path dir) throws Exception {
        byte[] base = Files.readAllBytes(DIR.resolve(DeltaCorpus.BASE));
        int valid = 0, refused = 0;
        for (var e : DeltaCorpus.files().entrySet()) {
            if (!e.getKey().endsWith(".tdl")) continue;
            Path out = dir.resolve(e.getKey() + ".tck");
            byte[] expected;
            try {
                expected = CheckpointDelta.apply(e.getValue(), base, e.getKey());
            } catch (CorruptCheckpointException refusal) {
                assertThatThrownBy(() -> CheckpointDelta.applyToFile(e.getValue(), DIR.resolve(DeltaCorpus.BASE), out, e.getKey()))
                        .as(e.getKey()).isInstanceOf(CorruptCheckpointException.class).hasMessage(refusal.getMessage());
                assertThat(out).as(e.getKey()).doesNotExist();
                refused++;
                continue;
            }
            CheckpointDelta.applyToFile(e.getValue(), DIR.resolve(DeltaCorpus.BASE), out, e.getKey());
            assertThat(Files.readAllBytes(out)).as(e.getKey()).isEqualTo(expected);
            valid++;
        }
        assertThat(valid).isGreaterThanOrEqualTo(5);
        assertThat(refused).isGreaterThanOrEqualTo(20);
        // a large image with one byte changed: most of it copied by the file system, the same bytes
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + i / 4099);
        byte[] image = framed(big);
        byte[] changed = image.clone();
        changed[image.length / 3] ^= 1;
        Files.write(dir.resolve("b.tck"), image);
        byte[] d = CheckpointDelta.build("b.tck", image, changed);
        CheckpointDelta.applyToFile(d, dir.resolve("b.tck"), dir.resolve("c.tck"), "d");
        assertThat(Files.readAllBytes(dir.resolve("c.tck"))).isEqualTo(changed);
        // the image file already there is never overwritten; a base that is another file is refused, nothing written
        assertThatThrownBy(() -> CheckpointDelta.applyToFile(d, dir.resolve("b.tck"), dir.resolve("c.tck"), "d"))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThatThrownBy(() -> CheckpointDelta.applyToFile(d, dir.resolve("c.tck"), dir.resolve("e.tck"), "d"))
                .hasMessageContaining("is not the file it was made from");
        assertThat(dir.resolve("e.tck")).doesNotExist();
    }

    @Test
    void buildThenApplyIsTheIdentityAndSmallChangesStaySmall() throws Exception {
        byte[] base = DeltaCorpus.base();
        byte[] changed = DeltaCorpus.changed();
        assertThat(CheckpointDelta.apply(CheckpointDelta.build("b.tck", base, changed), base, "d")).isEqualTo(changed);
        // a large image with one byte changed in its middle: one chunk of data, the rest copied
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        byte[] image = framed(big);
        byte[] bigChanged = image.clone();
        bigChanged[image.length / 2] ^= 1;
        byte[] d = CheckpointDelta.build("b.tck", image, bigChanged);
        assertThat(d.length).isLessThan(CheckpointDelta.CHUNK + 200);
        assertThat(CheckpointDelta.apply(d, image, "d")).isEqualTo(bigChanged);
        assertThatThrownBy(() -> CheckpointDelta.apply(d, bigChanged, "d")).hasMessageContaining("is not the file");
    }

    @Test
    void theBaseMustBeARegularFileOfTheSameDirectory(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("d.tdl"), DeltaCorpus.files().get("valid-changed.tdl"));
        assertThatThrownBy(() -> CheckpointDelta.read(dir.resolve("d.tdl"))).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("not a regular file");
        Files.createSymbolicLink(dir.resolve(DeltaCorpus.BASE), DIR.resolve(DeltaCorpus.BASE).toAbsolutePath());
        assertThatThrownBy(() -> CheckpointDelta.read(dir.resolve("d.tdl"))).hasMessageContaining("symbolic link");
    }

    /** A header and one section (tag DATA) holding payload: enough framing for the section-wise comparison. */
    private static byte[] framed(byte[] payload) {
        var b = java.nio.ByteBuffer.allocate(24 + 16 + payload.length);
        b.put("TALENTCK".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putShort((short) 1).putShort((short) 0)
                .putInt(1).putInt(0).putInt(0);
        b.put("DATA".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(payload.length).put(payload).putInt(0);
        return b.array();
    }
}
