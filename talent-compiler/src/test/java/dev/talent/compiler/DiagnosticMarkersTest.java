package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.compiler.DiagnosticMarkers.Expectation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checkpoint compiler's refusals, each bound to its line by a {@code // BUG: Diagnostic contains:} marker in the
 * input (src/test/resources/diagnostics/CASE/, one program per folder): every marker is met at its line, and no
 * diagnostic appears that no marker expects. A folder without any marker is a program accepted without a diagnostic.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiagnosticMarkersTest {

    private static final Path CASES = Path.of("src/test/resources/diagnostics");

    static List<Path> cases() throws IOException {
        try (Stream<Path> list = Files.list(CASES)) {
            return list.filter(Files::isDirectory).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyMarkedDiagnosticAndNoOther(Path folder, @TempDir Path dir) throws IOException {
        CProgram program = CProgram.in(dir);
        List<Expectation> expected = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.sorted().toList();
        }
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            String name = f.getFileName().toString();
            program.file(name, text);
            expected.addAll(DiagnosticMarkers.parse(name, text));
        }

        List<Diagnostic> actual = expected.isEmpty() ? diagnosticsOfAnAcceptedProgram(program) : program.rejection();

        assertThat(DiagnosticMarkers.mismatches(expected, actual)).as("markers of %s against %s", folder, actual).isEmpty();
        assertThat(actual).allSatisfy(d -> assertThat(d.remedy()).as("remedy of %s", d).isNotBlank());
    }

    private static List<Diagnostic> diagnosticsOfAnAcceptedProgram(CProgram program) {
        program.compile();
        return program.analyze().diagnostics();
    }

    @Test
    void aMarkerAppliesToTheNextLineThatIsNotAMarker() {
        List<Expectation> e = DiagnosticMarkers.parse("a.c", """
                int x;
                // BUG: Diagnostic contains: first
                  //BUG: Diagnostic contains:   second one
                f();
                """);

        assertThat(e).containsExactly(new Expectation("a.c", 4, "first"), new Expectation("a.c", 4, "second one"));
    }

    @Test
    void aMarkerWithoutTextOrWithoutALineIsAMistakeInTheTest() {
        assertThatThrownBy(() -> DiagnosticMarkers.parse("a.c", "// BUG: Diagnostic contains:\nf();\n"))
                .hasMessageContaining("a.c:1");
        assertThatThrownBy(() -> DiagnosticMarkers.parse("a.c", "f();\n// BUG: Diagnostic contains: x\n"))
                .hasMessageContaining("applies to no line");
    }

    @Test
    void aMissingAWrongLineAndAnUnexpectedDiagnosticAreEachReported() {
        List<Expectation> e = List.of(new Expectation("a.c", 4, "alloca in 'f'"), new Expectation("a.c", 9, "threads"));
        List<Diagnostic> d = List.of(
                Diagnostic.error("/tmp/x/a.c", 4, 3, "alloca in 'f', a function that may checkpoint", "use malloc"),
                Diagnostic.error("/tmp/x/a.c", 10, 3, "threads are not supported ('pthread_create')", "no threads"),
                Diagnostic.error("/tmp/x/b.h", 9, 1, "threads are not supported ('thrd_create')", "no threads"));

        assertThat(DiagnosticMarkers.mismatches(e, d)).containsExactly(
                "missing: a.c:9: a diagnostic containing \"threads\" (no diagnostic on that line)",
                "unexpected: /tmp/x/a.c:10:3: error: threads are not supported ('pthread_create') (no threads)",
                "unexpected: /tmp/x/b.h:9:1: error: threads are not supported ('thrd_create') (no threads)");
        assertThat(DiagnosticMarkers.mismatches(e.subList(0, 1), d.subList(0, 1))).isEmpty();
    }
}
