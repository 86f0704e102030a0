package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The envapp workload that the {@code talent run} ITs migrate (LiveMigrationIT, HostileProgramIT): its input
 * directory, an uninterrupted reference run to compare with, and what a run leaves behind (files, records).
 */
final class EnvApp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an uninterrupted run printed and the files it left. */
    record Reference(String stdout, Map<String, String> files) {}

    private EnvApp() {}

    /** A fresh directory {@code dir} holding envapp's input. */
    static Path inputDir(Path dir) throws IOException {
        ItPaths.deleteRecursively(dir);
        Files.createDirectories(dir);
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 40; i++) numbers.append(i * 7 % 23 + 1).append(i % 5 == 4 ? "\n" : " ");
        Files.writeString(dir.resolve("input.txt"), numbers.toString());
        return dir;
    }

    /** One uninterrupted run of {@code binary} in {@code dir} (a fresh input directory). */
    static Reference reference(Path binary, Path dir, int steps, int ms) throws IOException {
        ProcessResult r = Processes.run(List.of(binary.toString(), Integer.toString(steps),
                Integer.toString(Math.min(ms, 1))), dir, Duration.ofMinutes(1));
        assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
        return new Reference(r.stdoutText(), tree(dir));
    }

    /** Relative path -> content of every file below {@code dir}. */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    /** The JSON records of a {@code --log} file (none when it does not exist). */
    static List<JsonNode> records(Path log) throws IOException {
        if (!Files.exists(log)) return List.of();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(JSON.readTree(line));
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This process's real uid, as /proc says ("" when unknown). */
    static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+", -1)[1]).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
