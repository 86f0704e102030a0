package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SIGS section (docs/FORMAT.md "SIGS"): what the reader gives back, and hostile entries refused naming it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SignalSectionTest {

    @Test
    void dispositionsAreReadBackAsWritten() throws CorruptCheckpointException {
        byte[] file = ForgedCorpus.valid().get("signals.tck");
        Checkpoint c = CheckpointReader.read(file, "signals.tck");
        assertThat(c.signals()).containsExactly(new SignalDisposition(13, true, 0, 0, null),
                new SignalDisposition(15, false, RuntimeContract.SIGS_FLAG_RESTART | RuntimeContract.SIGS_FLAG_SIGINFO,
                        (1L << 0) | (1L << 1) | (1L << 39), "compute"));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).endsWith("""

                signal dispositions: 2
                    signal 13: ignored
                    signal 15: handler compute(), SA_RESTART, SA_SIGINFO, mask {1, 2, SIGRTMIN+7}
                """);
        assertThat(InspectRenderer.text(ForgedCorpus.base())).doesNotContain("signal dispositions");
    }

    @Test
    void aFileWithoutChangedDispositionsHasNoSection() throws CorruptCheckpointException {
        byte[] base = CheckpointWriter.write(ForgedCorpus.base());
        assertThat(new String(base, StandardCharsets.ISO_8859_1)).doesNotContain("SIGS");
        assertThat(CheckpointReader.read(base, "base.tck").signals()).isEmpty();
    }

    @Test
    void talentsOwnSignalsAndSigkillAreNeverCarried() {
        assertThat(SignalDisposition.carried(13)).isTrue();
        assertThat(SignalDisposition.carried(15)).isTrue();
        for (int owned : new int[] {9, 10, 12, 19, 23, 0, 32, -1}) assertThat(SignalDisposition.carried(owned)).as("%d", owned).isFalse();
    }

    @Test
    void eachHostileEntryIsRefusedNamingTheSectionAndWhy() {
        refused("sigs-signal-talent-owns.tck", "signal 10 is not one talent carries");
        refused("sigs-sigkill.tck", "signal 9 is not one talent carries");
        refused("sigs-out-of-order.tck", "not in ascending order");
        refused("sigs-twice.tck", "not in ascending order");
        refused("sigs-unknown-flag.tck", "unknown flag bits 10");
        refused("sigs-ignored-with-mask.tck", "ignored signal 13 with flags 0 or a mask");
        refused("sigs-handler-not-a-name.tck", "handler name is not a C identifier");
        refused("sigs-unknown-kind.tck", "unknown disposition kind 3");
        refused("sigs-count.tck", "2147483649 signal dispositions (1 to 31)");
        refused("sigs-mask-realtime-twice.tck", "signal 15: mask has every real-time signal and some of them again");
    }

    @Test
    void aMaskOfEveryRealTimeSignalIsShownAsARange() throws CorruptCheckpointException {
        Checkpoint c = CheckpointReader.read(ForgedCorpus.valid().get("signals-all-realtime.tck"), "signals-all-realtime.tck");
        assertThat(InspectRenderer.text(c)).endsWith("    signal 1: handler compute(), mask {15, SIGRTMIN..SIGRTMAX}\n");
    }

    private static void refused(String name, String why) {
        byte[] file = ForgedCorpus.forged().get(name);
        assertThat(file).as(name).isNotNull();
        assertThatThrownBy(() -> CheckpointReader.read(file, name)).as(name)
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("SIGS").hasMessageContaining(why);
    }
}
