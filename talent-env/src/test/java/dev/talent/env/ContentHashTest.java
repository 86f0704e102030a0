package dev.talent.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ContentHashTest {

    private static String hash(byte[] content, int... cuts) {
        // feeds the content in pieces, leaving out the all-zero stretches, as a sparse read does
        ContentHash hash = new ContentHash();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : content.length;
            boolean zeros = true;
            for (int j = from; j < to; j++) zeros &= content[j] == 0;
            if (!zeros) hash.update(from, content, from, to - from);
            from = to;
        }
        return HexFormat.of().formatHex(hash.finish(content.length));
    }

    @Test
    void theHashDependsOnTheContentNotOnHowItWasReadOrWhereTheHolesAre() {
        byte[] content = new byte[5 * ContentHash.BLOCK + 100];
        new SplittableRandom(1).nextBytes(content);
        java.util.Arrays.fill(content, ContentHash.BLOCK, 3 * ContentHash.BLOCK + 17, (byte) 0);
        String whole = hash(content);
        assertThat(hash(content, ContentHash.BLOCK, 3 * ContentHash.BLOCK + 17)).isEqualTo(whole);
        assertThat(hash(content, 1, 4095, 4097, 9000, 12_000, 20_000)).isEqualTo(whole);
        assertThat(hash(content, 2 * ContentHash.BLOCK)).isEqualTo(whole);

        byte[] changed = content.clone();
        changed[2 * ContentHash.BLOCK + 5] = 1; // inside the zeros
        assertThat(hash(changed)).isNotEqualTo(whole);
        byte[] longer = java.util.Arrays.copyOf(content, content.length + 1); // one more zero at the end
        assertThat(hash(longer)).isNotEqualTo(whole);
        byte[] moved = new byte[content.length];
        System.arraycopy(content, 0, moved, ContentHash.BLOCK, ContentHash.BLOCK); // a block at another index
        byte[] original = new byte[content.length];
        System.arraycopy(content, 0, original, 0, ContentHash.BLOCK);
        assertThat(hash(moved)).isNotEqualTo(hash(original));
    }
}
