package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CcNoteTest {

    @TempDir Path dir;

    @Test
    void roundTripsAndSeesAChangedHeader() throws Exception {
        Path c = Files.writeString(dir.resolve("a.c"), "#include \"a.h\"\nint main(void) { return A; }\n");
        Path h = Files.writeString(dir.resolve("a.h"), "#define A 0\n");
        CcOptions cc = new CcOptions(List.of(dir), List.of("X=1"), List.of(), java.util.Optional.of("2"), java.util.Optional.of("c99"),
                List.of("all"), List.of(), List.of(), List.of("-g"));
        CcNote note = CcNote.of(c, cc, List.of(h));
        CcNote read = CcNote.parse(note.toBytes());
        assertThat(read).isEqualTo(note);
        assertThat(read.changedFile()).isEmpty();
        Files.writeString(h, "#define A 1\n");
        assertThat(read.changedFile()).contains(h.toAbsolutePath().normalize());
    }

    @Test
    void aNoteWithTheSignednessOfCharRoundTrips() throws Exception {
        // bc's configure adds -funsigned-char: the note carries it among the preprocessor options (clang and every
        // ISA's gcc need it), and the link read that note back as "unexpected preprocessor option".
        Path c = Files.writeString(dir.resolve("b.c"), "int main(void) { return 0; }\n");
        CcOptions cc = new CcOptions(List.of(), List.of(), List.of(), java.util.Optional.of("2"), java.util.Optional.empty(),
                List.of("all"), List.of(), List.of(), List.of("-g", "-funsigned-char"));
        CcNote note = CcNote.of(c, cc, List.of());
        assertThat(CcNote.parse(note.toBytes())).isEqualTo(note);
    }

    @Test
    void aNoteFromAnObjectAnyoneWroteIsChecked() {
        assertThatThrownBy(() -> parse("not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> parse("{\"talentcc\":2}")).hasMessageContaining("version");
        String files = ",\"files\":{\"/s/a.c\":\"" + "0".repeat(64) + "\"}}";
        assertThatThrownBy(() -> parse("{\"talentcc\":1,\"source\":\"/s/a.c\",\"preprocessor\":[],\"compile\":[\"-fplugin=/tmp/evil.so\"]" + files))
                .hasMessageContaining("-fplugin=/tmp/evil.so");
        assertThatThrownBy(() -> parse("{\"talentcc\":1,\"source\":\"/s/a.c\",\"preprocessor\":[\"-include/etc/passwd\"],\"compile\":[]" + files))
                .hasMessageContaining("unexpected preprocessor option");
        assertThatThrownBy(() -> parse("{\"talentcc\":1,\"source\":\"../a.c\",\"preprocessor\":[],\"compile\":[]" + files))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> CcNote.parse(new byte[CcNote.MAX_BYTES + 1])).hasMessageContaining("larger");
    }

    private static CcNote parse(String json) throws IOException {
        return CcNote.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
