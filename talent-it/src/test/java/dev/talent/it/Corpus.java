package dev.talent.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The corpus of C programs (src/test/resources/corpus) and its manifest corpus.json. */
final class Corpus {
    private record Manifest(int version, String notes, List<String> chainIsas, String finalIsa,
            List<CorpusProgram> programs) {}

    private static final Manifest MANIFEST = load();

    private Corpus() {}

    static Path directory() {
        try {
            var url = Corpus.class.getResource("/corpus/corpus.json");
            if (url == null) throw new IllegalStateException("corpus/corpus.json is not on the test classpath");
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Manifest load() {
        try {
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(directory().resolve("corpus.json").toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("corpus.json cannot be read", e);
        }
    }

    static List<CorpusProgram> programs() {
        return MANIFEST.programs();
    }

    static CorpusProgram program(String name) {
        return programs().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no corpus program " + name));
    }

    /** The ISAs of a migration chain's segments, in order; the run is then completed on {@link #finalIsa()}. */
    static List<Isa> chainIsas() {
        return MANIFEST.chainIsas().stream().map(Isa::of).toList();
    }

    static Isa finalIsa() {
        return Isa.of(MANIFEST.finalIsa());
    }

    static List<Path> sources(CorpusProgram program) {
        return program.sources().stream().map(directory()::resolve).toList();
    }

    /** A new working directory holding only the program's input files. */
    static Path freshWorkDir(CorpusProgram program, String label) {
        try {
            Path dir = emptyDir(program, label);
            for (var input : program.inputs().entrySet())
                Files.copy(directory().resolve(input.getValue()), dir.resolve(input.getKey()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new empty directory under the program's part of target/it-work. */
    static Path emptyDir(CorpusProgram program, String label) {
        try {
            Path dir = ItPaths.workRoot().resolve(program.name()).resolve(label);
            ItPaths.deleteRecursively(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
