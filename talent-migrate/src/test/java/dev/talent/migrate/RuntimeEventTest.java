package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RuntimeEventTest {

    @Test
    void parsesEveryLineTheRuntimeWrites() {
        assertThat(RuntimeEvent.parse("started s390x", 1)).isEqualTo(new RuntimeEvent.Started("s390x", 1));
        assertThat(RuntimeEvent.parse("started x86_64-musl", 1)).isEqualTo(new RuntimeEvent.Started("x86_64-musl", 1));
        assertThat(RuntimeEvent.parse("ready 7 aarch64", 2)).isEqualTo(new RuntimeEvent.Ready(7, "aarch64", 2));
        assertThat(RuntimeEvent.parse("checkpoint 12 ckpt-000012.tck", 3)).isEqualTo(new RuntimeEvent.CheckpointWritten(12, 3));
        assertThat(RuntimeEvent.parse("checkpoint-failed checkpoint 3 could not be written: No space left on device", 4))
                .isEqualTo(new RuntimeEvent.CheckpointFailed("checkpoint 3 could not be written: No space left on device", 4));
        assertThat(RuntimeEvent.parse("exiting 0", 5)).isEqualTo(new RuntimeEvent.Exiting(0, 5));
        assertThat(RuntimeEvent.parse("exiting 255", 5)).isEqualTo(new RuntimeEvent.Exiting(255, 5));
        assertThat(RuntimeEvent.parse("exiting unknown", 5)).isEqualTo(new RuntimeEvent.Exiting(-1, 5));
        assertThat(RuntimeEvent.parse("checkpoint 13 ckpt-000013.tdl", 6)).isEqualTo(new RuntimeEvent.CheckpointWritten(13, 6));
        assertThat(RuntimeEvent.parse("precopy 1 pre-000001.tck 16778170", 7))
                .isEqualTo(new RuntimeEvent.Precopied(1, "pre-000001.tck", 16778170, -1, 7));
        assertThat(RuntimeEvent.parse("precopy 2 pre-000002.tck 16778171 pre-000002.tdl 1260485", 8))
                .isEqualTo(new RuntimeEvent.Precopied(2, "pre-000002.tck", 16778171, 1260485, 8));
        assertThat(RuntimeEvent.parse("ahead pre-000003.tck 16777216", 9))
                .isEqualTo(new RuntimeEvent.AheadRestored("pre-000003.tck", 16777216, 9));
        assertThat(RuntimeEvent.parse("ahead pre-000003.tck 0", 9)).isEqualTo(new RuntimeEvent.AheadRestored("pre-000003.tck", 0, 9));
    }

    @ParameterizedTest(name = "refused: \"{0}\"")
    @ValueSource(strings = {"hello", "ready soon", "ready 7", "ready 7 aarch64 extra", "ready  7 aarch64", " started x86_64",
            "started x86_64 ", "started X86", "started ../../etc", "checkpoint 12 ../work/a/PWNED",
            "checkpoint 12 ckpt-000012.tck/../../x", "checkpoint 12 /etc/shadow", "checkpoint 12 ckpt-12.tck",
            "checkpoint 12", "checkpoint -1 ckpt-000001.tck", "checkpoint 012 ckpt-000012.tck",
            "checkpoint 99999999999999999999 ckpt-000001.tck", "checkpoint 9999999999999999999 ckpt-000001.tck",
            "exiting 256", "exiting -1", "exiting 07", "exiting", "checkpoint-failed ", "checkpoint-failed a\tb",
            "checkpoint-failed \u001b[2Jforged", "started x86_64\r", "started x86\u00e9", "",
            "precopy 0 pre-000000.tck 5", "precopy 1 pre-1.tck 5", "precopy 1 ../pre-000001.tck 5", "precopy 1 pre-000001.tck",
            "precopy 1 pre-000001.tck 5 pre-000001.tdl", "precopy 1 pre-000001.tck 5 ckpt-000001.tdl 3",
            "precopy 1 pre-000001.tck -5", "precopy 1 pre-000001.tck 5 ", "checkpoint 12 ckpt-000012.tdl/x",
            "ahead pre-000003.tck", "ahead pre-000003.tck -1", "ahead pre-000003.tck 01", "ahead ckpt-000003.tck 5",
            "ahead ../pre-000003.tck 5", "ahead pre-000003.tdl 5", "ahead pre-000003.tck 5 ", "ahead  pre-000003.tck 5"})
    void refusesEverythingElse(String line) {
        assertThat(RuntimeEvent.parse(line, 1)).isNull();
    }

    @Test
    void refusesLinesBeyondTheLimit() {
        String message = "x".repeat(RuntimeEvent.MAX_LINE_BYTES);
        assertThat(RuntimeEvent.parse("checkpoint-failed " + message, 1)).isNull();
        assertThat(RuntimeEvent.parse("checkpoint-failed " + "x".repeat(200), 1)).isNotNull();
    }
}
