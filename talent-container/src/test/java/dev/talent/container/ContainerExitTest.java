package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ContainerExitTest {
    @TempDir Path dir;

    @Test
    void anExitAndAKillAreReadWithTheStatusAShellWouldReport() throws IOException {
        Files.writeString(dir.resolve("status"), "exited 3\n");
        assertThat(ContainerExit.read(dir)).contains(new ContainerExit(3, 0));
        assertThat(ContainerExit.read(dir).orElseThrow().code()).isEqualTo(3);
        Files.writeString(dir.resolve("status"), "killed 9\n");
        assertThat(ContainerExit.read(dir)).contains(new ContainerExit(0, 9));
        assertThat(ContainerExit.read(dir).orElseThrow().code()).isEqualTo(137);
        assertThat(ContainerExit.read(dir).orElseThrow()).hasToString("killed by signal 9");
        Files.writeString(dir.resolve("status"), "exited 255\n");
        assertThat(ContainerExit.read(dir).orElseThrow().code()).isEqualTo(255);
    }

    @Test
    void noRecordIsNothing() throws IOException {
        assertThat(ContainerExit.read(dir)).isEmpty();
        assertThat(ContainerExit.read(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void anythingButOneExactLineIsNoRecord() {
        for (String bad : new String[] {"", "exited 3", "exited 3\n\n", "exited 03\n", "exited 256\n", "exited -1\n",
                "killed 0\n", "killed 65\n", "killed 9 \n", " exited 3\n", "EXITED 3\n", "exited 3\r\n", "stopped 1\n",
                "exited 1000\n", "exited ３\n"})
            assertThat(ContainerExit.parse(bad)).as(bad).isEmpty();
        assertThat(ContainerExit.parse("killed 64\n")).contains(new ContainerExit(0, 64));
        assertThat(ContainerExit.parse("exited 0\n")).contains(new ContainerExit(0, 0));
    }

    @Test
    void aLinkADirectoryOrALongFileIsNotFollowedNorRead() throws IOException {
        Path target = Files.writeString(dir.resolve("elsewhere"), "exited 3\n");
        Path exit = Files.createDirectory(dir.resolve("exit"));
        Files.createSymbolicLink(exit.resolve("status"), target);
        assertThat(ContainerExit.read(exit)).as("a link").isEmpty();
        Files.delete(exit.resolve("status"));
        Files.createDirectory(exit.resolve("status"));
        assertThat(ContainerExit.read(exit)).as("a directory").isEmpty();
        Files.delete(exit.resolve("status"));
        Files.writeString(exit.resolve("status"), "exited 3\n" + " ".repeat(100));
        assertThat(ContainerExit.read(exit)).as("too long").isEmpty();
        Path linkedDir = Files.createSymbolicLink(dir.resolve("linked"), exit);
        Files.writeString(exit.resolve("status"), "exited 3\n");
        assertThat(ContainerExit.read(linkedDir)).as("the directory through a link").isEmpty();
    }

    @Test
    void impossibleValuesAreRefused() {
        assertThatThrownBy(() -> new ContainerExit(256, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainerExit(1, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainerExit(0, 65)).isInstanceOf(IllegalArgumentException.class);
    }
}
