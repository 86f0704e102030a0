package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointDirectoryTest {
    @TempDir
    Path dir;

    private Path save(String name, long sequence) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, CheckpointWriter.write(Fixtures.full(sequence)));
        return file;
    }

    private static void damage(Path file, int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset] ^= 0x08;
        Files.write(file, bytes);
    }

    @Test
    void listsCheckpointFilesNewestFirstIgnoringOthers() throws IOException {
        save("ckpt-000009.tck", 9);
        save("ckpt-000010.tck", 10);
        save("ckpt-1234567.tck", 1234567);
        save(".ckpt-000011.tck.tmp", 11);
        save("ckpt-12.tck", 12);
        Files.writeString(dir.resolve("notes.txt"), "x");

        assertThat(CheckpointDirectory.list(dir)).extracting(e -> e.file().getFileName().toString())
                .containsExactly("ckpt-1234567.tck", "ckpt-000010.tck", "ckpt-000009.tck");
    }

    @Test
    void picksTheNewestValidAndReportsDamagedNewerOnes() throws IOException {
        save("ckpt-000001.tck", 1);
        Path two = save("ckpt-000002.tck", 2);
        Path three = save("ckpt-000003.tck", 3);
        Path four = save("ckpt-000004.tck", 4);
        damage(three, 100);
        Files.write(four, java.util.Arrays.copyOf(Files.readAllBytes(four), 10));

        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(dir);

        assertThat(selection.newest()).hasValueSatisfying(loaded -> {
            assertThat(loaded.file()).isEqualTo(two);
            assertThat(loaded.checkpoint().meta().sequence()).isEqualTo(2);
        });
        assertThat(selection.damaged()).hasSize(2);
        assertThat(selection.damaged().get(0).getMessage()).startsWith(four + ": ").contains("truncated");
        assertThat(selection.damaged().get(1).getMessage()).startsWith(three + ": section META (offset 24): CRC32C mismatch");
    }

    @Test
    void noValidCheckpointGivesEmptyWithEveryProblem() throws IOException {
        damage(save("ckpt-000001.tck", 1), 30);
        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(dir);
        assertThat(selection.newest()).isEmpty();
        assertThat(selection.damaged()).hasSize(1);
    }

    @Test
    void emptyDirectoryGivesNothing() throws IOException {
        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(dir);
        assertThat(selection.newest()).isEmpty();
        assertThat(selection.damaged()).isEmpty();
    }

    @Test
    void sequenceInTheNameMustMatchMeta() throws IOException {
        save("ckpt-000001.tck", 1);
        Path renamed = save("ckpt-000005.tck", 2);
        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(dir);
        assertThat(selection.newest().orElseThrow().checkpoint().meta().sequence()).isEqualTo(1);
        assertThat(selection.damaged().getFirst().getMessage())
                .isEqualTo(renamed + ": section META: the file name says sequence 5 but META says 2");
    }

    @Test
    void fingerprintOfAnotherBuildIsRefused() throws IOException {
        save("ckpt-000001.tck", 1);
        CheckpointDirectory.Selection selection = CheckpointDirectory.newestValid(dir, "ffffffffffffffffffffffffffffffff");
        assertThat(selection.newest()).isEmpty();
        assertThat(selection.damaged().getFirst().getMessage()).contains("written by another build of the program");
        assertThat(CheckpointDirectory.newestValid(dir, Fixtures.FINGERPRINT).newest()).isPresent();
    }
}
