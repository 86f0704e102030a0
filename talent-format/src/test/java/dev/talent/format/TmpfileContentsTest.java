package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java reader on {@link TmpfileCorpus}: files without a name carried with their contents (FILE flag bit 6 and
 * TMPF, docs/FORMAT.md) are read, and each forged file is refused by the rule it is about.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TmpfileContentsTest {
    @Test
    void contentsAreReadWithTheirFlag() throws Exception {
        Checkpoint c = CheckpointReader.read(ForgedCorpus.valid().get("tmpfile-contents.tck"), "t.tck");
        OpenFile scratch = c.files().stream().filter(f -> f.fd() == 9).findFirst().orElseThrow();
        assertThat(scratch.flags() & OpenFile.CONTENTS).isEqualTo(OpenFile.CONTENTS);
        assertThat(scratch.size()).isEqualTo(TmpfileCorpus.SCRATCH.length);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(TmpfileCorpus.SCRATCH));
        assertThat(InspectRenderer.text(c)).contains("fd 9 stream \"/tmp/#41 (deleted)\"")
                .contains("no name, contents carried (TMPF): " + TmpfileCorpus.SCRATCH.length + " bytes, sha256 " + sha);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(InspectRenderer.json(c));
        var fd9 = java.util.stream.StreamSupport.stream(json.get("files").spliterator(), false)
                .filter(f -> f.get("fd").asInt() == 9).findFirst().orElseThrow();
        assertThat(fd9.get("contents").get("bytes").asInt()).isEqualTo(TmpfileCorpus.SCRATCH.length);
        assertThat(fd9.get("contents").get("sha256").asText()).isEqualTo(sha);
        assertThat(fd9.get("contents").get("head").asText()).isEqualTo("a\nbc\ndef\nXY");
        assertThat(fd9.get("contents").get("whole").asBoolean()).isTrue();
        CheckpointReader.read(ForgedCorpus.valid().get("tmpfile-empty.tck"), "e.tck");
    }

    @Test
    void eachForgedFileIsRefusedByItsRule() {
        Map<String, String> rules = Map.ofEntries(
                Map.entry("file-contents-without-tmpf.tck", "has the CONTENTS flag but no TMPF entry"),
                Map.entry("tmpf-one-missing.tck", "descriptor 10 has the CONTENTS flag but no TMPF entry"),
                Map.entry("tmpf-count-zero.tck", "at least one entry"),
                Map.entry("tmpf-count-exceeds-bytes.tck", "contents count"),
                Map.entry("tmpf-out-of-order.tck", "description 9 after 10"),
                Map.entry("tmpf-description-twice.tck", "description 9 after 9"),
                Map.entry("tmpf-size-differs.tck", "has another size"),
                Map.entry("tmpf-contents-truncated.tck", "truncated"),
                Map.entry("tmpf-past-limit.tck", "contents past the 67108864 bytes"),
                Map.entry("tmpf-unknown-description.tck", "description 77, which no descriptor or stream of FILE has"),
                Map.entry("tmpf-without-flag.tck", "has no CONTENTS flag"),
                Map.entry("tmpf-twice.tck", "section TMPF appears twice"),
                Map.entry("tmpf-left-over.tck", "TMPF"),
                Map.entry("file-contents-on-socket.tck", "only a descriptor or a stream has the CONTENTS flag"),
                Map.entry("file-contents-size-past-limit.tck", "size or offset past 67108864 bytes"),
                Map.entry("tmpf-entry-for-unflagged.tck", "has no CONTENTS flag"));
        Map<String, byte[]> forged = ForgedCorpus.forged();
        assertThat(forged.keySet()).containsAll(rules.keySet());
        for (var rule : rules.entrySet()) {
            assertThatThrownBy(() -> CheckpointReader.read(forged.get(rule.getKey()), rule.getKey()))
                    .as(rule.getKey()).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(rule.getValue());
        }
    }
}
