package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeEventTest {

    @Test
    void parsesEveryLineTheRuntimeWrites() {
        assertThat(RuntimeEvent.parse("started s390x", 1)).isEqualTo(new RuntimeEvent.Started("s390x", 1));
        assertThat(RuntimeEvent.parse("ready 7 aarch64", 2)).isEqualTo(new RuntimeEvent.Ready(7, "aarch64", 2));
        assertThat(RuntimeEvent.parse("checkpoint 12 ckpt-000012.tck", 3))
                .isEqualTo(new RuntimeEvent.CheckpointWritten(12, "ckpt-000012.tck", 3));
        assertThat(RuntimeEvent.parse("checkpoint-failed cannot write ckpt-000003.tck: No space left on device", 4))
                .isEqualTo(new RuntimeEvent.CheckpointFailed("cannot write ckpt-000003.tck: No space left on device", 4));
        assertThat(RuntimeEvent.parse("exiting 0", 5)).isEqualTo(new RuntimeEvent.Exiting(0, 5));
    }

    @Test
    void keepsLinesItDoesNotUnderstand() {
        assertThat(RuntimeEvent.parse("ready soon", 1)).isEqualTo(new RuntimeEvent.Other("ready soon", 1));
        assertThat(RuntimeEvent.parse("hello", 1)).isEqualTo(new RuntimeEvent.Other("hello", 1));
    }
}
