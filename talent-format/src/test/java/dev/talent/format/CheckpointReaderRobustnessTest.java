package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Damage that a CRC cannot catch (payload bytes changed and the CRC recomputed, as a buggy writer would produce):
 * the reader must answer with a CorruptCheckpointException or a checkpoint that the renderers can show, never
 * with any other exception.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointReaderRobustnessTest {

    @Test
    void resealedPayloadDamageNeverCrashesReaderOrRenderers() {
        Sections valid = Sections.of(CheckpointWriter.write(Fixtures.full()));
        List<String> crashes = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        for (Sections.Section section : valid.sections()) {
            for (int pos = 0; pos < section.payload().length; pos++) {
                // Alternate a low-bit change (a value off by one) and an all-bits one (lengths, tags, counts).
                for (int mask : pos % 2 == 0 ? new int[] {0x01} : new int[] {0xFF}) {
                    int at = pos;
                    byte[] file = valid.withPayload(section.tag(), p -> { p[at] ^= (byte) mask; return p; }).toBytes();
                    try {
                        Checkpoint c = CheckpointReader.read(file);
                        InspectRenderer.text(c);
                        new InspectJson(c).document();
                        accepted++;
                    } catch (CorruptCheckpointException e) {
                        refused++;
                    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                        crashes.add(section.tag() + "+" + pos + "^" + mask + ": " + e);
                    }
                }
            }
        }
        assertThat(crashes).isEmpty();
        // Both outcomes occur: values change silently (no CRC can tell), structure changes are refused.
        assertThat(accepted).isPositive();
        assertThat(refused).isPositive();
    }

    @Test
    void everyBitFlipInTheFullFixtureIsDetected() {
        byte[] valid = CheckpointWriter.write(Fixtures.full());
        List<Integer> undetected = new ArrayList<>();
        for (int pos = 0; pos < valid.length; pos++) {
            byte[] damaged = valid.clone();
            damaged[pos] ^= (byte) (1 << (pos % 8));
            try {
                CheckpointReader.read(damaged);
                undetected.add(pos);
            } catch (CorruptCheckpointException expected) {
                // detected
            }
        }
        assertThat(undetected).isEmpty();
    }
}
