package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlobStoreTest {
    @TempDir Path tmp;

    private static String sha(byte[] b) { return HexFormat.of().formatHex(BlobStore.sha256().digest(b)); }

    private long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aBlobIsStoredUnderItsDigestAndOnlyThen() throws IOException {
        BlobStore store = new BlobStore(tmp, 1 << 20);
        byte[] b = "a binary".getBytes(StandardCharsets.UTF_8);
        assertThat(store.has(sha(b))).isFalse();
        store.put(sha(b), b.length, new ByteArrayInputStream(b));
        assertThat(store.has(sha(b))).isTrue();
        assertThat(Files.readAllBytes(store.path(sha(b)))).isEqualTo(b);
        assertThat(BlobStore.digest(store.path(sha(b)))).isEqualTo(sha(b));
        // again: nothing to do
        store.put(sha(b), b.length, new ByteArrayInputStream(new byte[0]));
        assertThat(files(tmp)).isEqualTo(1);
    }

    @Test
    void wrongBytesTooManyBytesAndBadNamesAreRefusedLeavingNothing() throws IOException {
        BlobStore store = new BlobStore(tmp, 1 << 20);
        byte[] b = "a binary".getBytes(StandardCharsets.UTF_8);
        byte[] other = "another!".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.put(sha(b), other.length, new ByteArrayInputStream(other))).hasMessageContaining("has SHA-256");
        assertThatThrownBy(() -> store.put(sha(b), 3, new ByteArrayInputStream(b))).hasMessageContaining("longer than the 3 bytes");
        assertThatThrownBy(() -> store.put(sha(b), 100, new ByteArrayInputStream(b))).hasMessageContaining("not the 100 announced");
        assertThatThrownBy(() -> store.put(sha(b), 2L << 20, new ByteArrayInputStream(b))).hasMessageContaining("outside the 0..");
        assertThatThrownBy(() -> store.put("../../etc/passwd", 1, new ByteArrayInputStream(b))).hasMessageContaining("not a blob name");
        assertThatThrownBy(() -> store.path(sha(b))).hasMessageContaining("no blob");
        assertThat(store.has(sha(b))).isFalse();
        assertThat(files(tmp)).isZero();
    }
}
