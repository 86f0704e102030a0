package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ERRN section (docs/FORMAT.md "ERRN", "Header"): the program's errno, written only when it is not 0 and then in a
 * version 2.0 file (a 1.x reader refuses it instead of skipping the section); hostile values refused naming it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ErrnoSectionTest {

    private static int major(byte[] file) {
        return ((file[8] & 0xFF) << 8) | (file[9] & 0xFF);
    }

    @Test
    void anErrnoIsReadBackAsWrittenInAVersion2File() throws Exception {
        byte[] file = ForgedCorpus.valid().get("errno-erange.tck");
        // the corpus's program has a union: its files are 3.0, which may hold ERRN (FORMAT.md "Major versions")
        assertThat(major(file)).isEqualTo(RuntimeContract.FORMAT_MAJOR_UNIONS);
        assertThat(major(CheckpointWriter.write(Fixtures.small().withErrno(34))))
                .isEqualTo(RuntimeContract.FORMAT_MAJOR_ERRNO);
        Checkpoint c = CheckpointReader.read(file, "errno-erange.tck");
        assertThat(c.errno()).isEqualTo(34);
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("\n  errno        34 (ERANGE)\n");
        JsonNode json = new ObjectMapper().readTree(InspectRenderer.json(c));
        assertThat(json.get("errno").get("code").asInt()).isEqualTo(34);
        assertThat(json.get("errno").get("name").asText()).isEqualTo("ERANGE");
    }

    /** errno 0 is the absence of the section: the file is version 1.0, the same bytes as before ERRN existed. */
    @Test
    void errnoZeroWritesAVersion1FileWithoutTheSection() throws Exception {
        byte[] base = CheckpointWriter.write(ForgedCorpus.base());
        assertThat(base).isEqualTo(CheckpointWriter.write(ForgedCorpus.base().withErrno(0)));
        assertThat(major(base)).isEqualTo(RuntimeContract.FORMAT_MAJOR_UNIONS);
        assertThat(major(CheckpointWriter.write(Fixtures.small()))).isEqualTo(RuntimeContract.FORMAT_MAJOR);
        assertThat(new String(base, StandardCharsets.ISO_8859_1)).doesNotContain("ERRN");
        Checkpoint c = CheckpointReader.read(base, "base.tck");
        assertThat(c.errno()).isZero();
        assertThat(InspectRenderer.text(c)).contains("\n  errno        0\n");
        assertThat(new ObjectMapper().readTree(InspectRenderer.json(c)).get("errno").get("name").isNull()).isTrue();
    }

    @Test
    void hostileSectionsAreRefusedNamingTheProblem() {
        Map<String, byte[]> forged = ForgedCorpus.forged();
        Map<String, String> expected = Map.of(
                "errno-code-0.tck", "errno code 0 is no errno value of the format",
                "errno-code-41.tck", "errno code 41 is no errno value",
                "errno-code-134.tck", "errno code 134 is no errno value",
                "errno-code-65535.tck", "errno code 65535 is no errno value",
                "errno-truncated.tck", "errno code",
                "errno-left-over-bytes.tck", "unexpected bytes",
                "errno-twice.tck", "ERRN appears twice",
                "errno-in-version-1.tck", "section ERRN in a version 1.x file",
                "errno-version-2-without-errn.tck", "version 2.x without an ERRN section");
        expected.forEach((name, message) -> assertThatThrownBy(() -> CheckpointReader.read(forged.get(name), name))
                .as(name).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message));
    }

    /**
     * What a reader of an older major does (docs/FORMAT.md "Header"): it refuses the file, naming the version, and
     * never skips a section it does not know in it. This reader is to version 7 what a 1.x reader is to 2.0.
     */
    @Test
    void aReaderRefusesAMajorItDoesNotRead() {
        byte[] future = ForgedCorpus.forged().get("framing-major-7.tck");
        assertThatThrownBy(() -> CheckpointReader.read(future, "f.tck")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("unsupported major version 7.0");
    }

    @Test
    void theModelHoldsOnlyCodesOfTheFormat() {
        assertThatThrownBy(() -> ForgedCorpus.base().withErrno(41)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ForgedCorpus.base().withErrno(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ErrnoNames.name(2)).contains("ENOENT");
        assertThat(ErrnoNames.code("EHWPOISON")).contains(RuntimeContract.ERRNO_MAX_CODE);
        assertThat(ErrnoNames.name(RuntimeContract.ERRNO_MAX_CODE + 1)).isEmpty();
    }
}
