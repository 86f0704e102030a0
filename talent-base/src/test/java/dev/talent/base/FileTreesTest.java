package dev.talent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FileTreesTest {

    @Test
    void deletesTheTreeButNotWhatALinkInItPointsTo(@TempDir Path tmp) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path root = Files.createDirectories(tmp.resolve("root/a/b"));
        Files.writeString(root.resolve("f"), "y");
        Files.createSymbolicLink(tmp.resolve("root/link"), outside);

        FileTrees.deleteRecursively(tmp.resolve("root"));

        assertThat(tmp.resolve("root")).doesNotExist();
        assertThat(outside.resolve("keep")).hasContent("x");
    }

    @Test
    void anAbsentTreeIsNothingToDo(@TempDir Path tmp) throws IOException {
        FileTrees.deleteRecursively(tmp.resolve("absent"));

        assertThat(tmp).isEmptyDirectory();
    }
}
