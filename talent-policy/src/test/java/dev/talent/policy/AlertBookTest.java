package dev.talent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AlertBookTest {
    @TempDir Path dir;

    @Test
    void raiseRecordClear() throws Exception {
        AlertBook book = AlertBook.in(dir);
        assertThat(book.active()).isEmpty();
        book.raise(new Alert("CVE-2024-2961", null, "IDS: iconv exploit seen", "2026-01-01T00:00:00Z", null));
        book.raise(new Alert("s390x", "counter", "", "2026-01-01T00:00:01Z", null));
        assertThat(book.quarantinedTags("other")).containsExactly("CVE-2024-2961");
        assertThat(book.quarantinedTags("counter")).containsExactly("CVE-2024-2961", "s390x");
        book.recordEffect("CVE-2024-2961", new Alert.Effect("counter", "moved", "x86_64", "s390x", "2026-01-01T00:00:02Z", null));
        assertThat(book.find("CVE-2024-2961").orElseThrow().effects()).extracting(Alert.Effect::to).containsExactly("s390x");
        // raised again: the newer reason, the effects kept
        book.raise(new Alert("CVE-2024-2961", null, "again", "2026-01-01T00:00:03Z", null));
        assertThat(book.find("CVE-2024-2961").orElseThrow().effects()).hasSize(1);
        assertThat(book.active()).hasSize(2);
        assertThat(book.clear("CVE-2024-2961")).hasSize(1);
        assertThat(book.active()).extracting(Alert::tag).containsExactly("s390x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(book.file()))).isEqualTo("rw-------");
    }

    @Test
    void theEffectsOfOneAlertAreRecordedInOneUpdate() throws Exception {
        AlertBook book = AlertBook.in(dir);
        book.raise(new Alert("CVE-2024-2961", null, "ids", "2026-01-01T00:00:00Z", null));
        book.raise(new Alert("s390x", "b", "", "2026-01-01T00:00:01Z", null));
        book.recordEffects("CVE-2024-2961", List.of(
                new Alert.Effect("a", "moved", "x86_64", "s390x", "2026-01-01T00:00:02Z", null),
                new Alert.Effect("b", "unaffected", "aarch64", null, "2026-01-01T00:00:02Z", "aarch64 does not carry it")));
        // only the alert with that tag; one naming app b does not take a's effect
        book.recordEffects("s390x", List.of(new Alert.Effect("a", "moved", "s390x", "x86_64", "2026-01-01T00:00:03Z", null),
                new Alert.Effect("b", "moved", "s390x", "x86_64", "2026-01-01T00:00:03Z", null)));
        assertThat(book.find("CVE-2024-2961").orElseThrow().effects()).extracting(Alert.Effect::app, Alert.Effect::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "moved"), org.assertj.core.groups.Tuple.tuple("b", "unaffected"));
        assertThat(book.find("s390x").orElseThrow().effects()).extracting(Alert.Effect::app).containsExactly("b");
        // cleared since: nothing recorded, nothing raised again
        book.clear("s390x");
        book.recordEffects("s390x", List.of(new Alert.Effect("b", "moved", "s390x", "x86_64", "2026-01-01T00:00:04Z", null)));
        assertThat(book.active()).extracting(Alert::tag).containsExactly("CVE-2024-2961");
    }

    @Test
    void aDamagedBookIsNamed() throws Exception {
        AlertBook book = AlertBook.in(dir);
        Files.writeString(book.file(), "{not json");
        assertThatThrownBy(book::active).isInstanceOf(PolicyException.class).hasMessageContaining("damaged")
                .hasMessageContaining(book.file().toString());
        assertThatThrownBy(() -> new Alert("bad tag", null, "", "t", null)).hasMessageContaining("is not a tag");
    }
}
