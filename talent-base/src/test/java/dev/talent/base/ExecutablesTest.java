package dev.talent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ExecutablesTest {

    private static Path file(Path dir, String name, String mode) throws IOException {
        Files.createDirectories(dir);
        return Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
    }

    @Test
    void theFirstExecutableFileInPathOrderWins(@TempDir Path tmp) throws IOException {
        file(tmp.resolve("a"), "tool", "rw-r--r--");          // not executable
        Files.createDirectories(tmp.resolve("b/tool"));          // a directory
        Path c = file(tmp.resolve("c"), "tool", "rwxr-xr-x");
        file(tmp.resolve("d"), "tool", "rwxr-xr-x");

        String path = "::" + tmp.resolve("a") + ":" + tmp.resolve("b") + ":" + tmp.resolve("c") + ":" + tmp.resolve("d");

        assertThat(Executables.onPath("tool", path)).contains(c);
    }

    @Test
    void nothingWhenAbsentOrNoPath(@TempDir Path tmp) throws IOException {
        assertThat(Executables.onPath("tool", tmp.toString())).isEmpty();
        assertThat(Executables.onPath("tool", (String) null)).isEmpty();
        assertThat(Executables.onPath("", tmp.toString())).isEmpty();
        assertThat(Executables.onPath("tool", List.of(tmp))).isEmpty();
    }

    @Test
    void aNameWithASlashIsTheFileItself(@TempDir Path tmp) throws IOException {
        Path x = file(tmp, "x", "rwx------");

        assertThat(Executables.onPath(x.toString(), "")).contains(x);
        assertThat(Executables.onPath(tmp.resolve("y").toString(), "")).isEmpty();
    }
}
