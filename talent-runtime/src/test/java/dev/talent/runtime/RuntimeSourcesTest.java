package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RuntimeSourcesTest {

    private static final Path SOURCE_DIR = Path.of("src/main/c");

    private static List<String> filesOnDisk() throws IOException {
        try (Stream<Path> walk = Files.walk(SOURCE_DIR)) {
            return walk.filter(Files::isRegularFile).map(p -> SOURCE_DIR.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void classpathHoldsEveryFileOfSrcMainC() throws IOException {
        RuntimeSources sources = RuntimeSources.fromClasspath();

        assertThat(sources.paths()).containsExactlyElementsOf(filesOnDisk());
        assertThat(sources.content("include/talent.h")).isEqualTo(Files.readAllBytes(SOURCE_DIR.resolve("include/talent.h")));
    }

    @Test
    void translationUnitsAreTheTopLevelCFiles() throws IOException {
        List<String> expected = filesOnDisk().stream().filter(p -> p.endsWith(".c") && !p.contains("/")).toList();

        assertThat(RuntimeSources.fromClasspath().translationUnits()).containsExactlyElementsOf(expected);
    }

    @Test
    void extractedTreeMatchesTheSources(@TempDir Path dir) throws IOException {
        RuntimeSources sources = RuntimeSources.fromClasspath();
        sources.extractTo(dir);

        for (String path : sources.paths()) {
            assertThat(dir.resolve(path)).hasBinaryContent(Files.readAllBytes(SOURCE_DIR.resolve(path)));
        }
    }

    @Test
    void readsSourcesPackagedInAJar(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("runtime.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "dev/talent/runtime/c/include/talent.h", "/* contract */");
            put(out, "dev/talent/runtime/c/sites.c", "int x;");
            put(out, "dev/talent/runtime/c/sub/helper.c", "int y;");
            put(out, "dev/talent/other/unrelated.txt", "no");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            RuntimeSources sources = RuntimeSources.fromClassLoader(loader);

            assertThat(sources.paths()).containsExactly("include/talent.h", "sites.c", "sub/helper.c");
            assertThat(sources.translationUnits()).containsExactly("sites.c");
            assertThat(new String(sources.content("sites.c"), StandardCharsets.UTF_8)).isEqualTo("int x;");
        }
    }

    @Test
    void hashChangesWithAnyByte(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("include"));
        Files.writeString(dir.resolve("include/talent.h"), "a");
        String before = RuntimeSources.fromDirectory(dir).sha256();
        Files.writeString(dir.resolve("include/talent.h"), "b");
        String after = RuntimeSources.fromDirectory(dir).sha256();

        assertThat(before).hasSize(64).isNotEqualTo(after);
        assertThat(RuntimeSources.fromDirectory(dir).sha256()).isEqualTo(after);
    }

    private static void put(JarOutputStream out, String name, String content) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream stream = out;
        stream.write(content.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
