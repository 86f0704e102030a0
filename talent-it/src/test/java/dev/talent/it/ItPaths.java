package dev.talent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the integration tests keep their builds and working directories (target/it-work). */
final class ItPaths {
    private ItPaths() {}

    static Path workRoot() {
        String configured = System.getProperty("talent.it.work");
        Path root = configured != null ? Path.of(configured) : Path.of("target", "it-work");
        return root.toAbsolutePath();
    }

    /**
     * The repository's root, where the launchers (talent, talentcc) are: talent-it/pom.xml sets it. Not found from
     * the jar under test, which `./talent selftest` copies out of talent-cli/target (see integration_tests).
     */
    static Path repositoryRoot() {
        String configured = System.getProperty("talent.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
