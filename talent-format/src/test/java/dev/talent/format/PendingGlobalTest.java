package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global {@code <libc>:pending} (the bytes stdout and stderr held unwritten at the checkpoint, pending.c) is
 * validated by the Java reader as strictly as by the runtime's load check (libc_check.c), with the same bounds. The
 * shared corpus's files (LibcStateCorpus) are checked against the C reader by CheckpointValidationIT.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PendingGlobalTest {

    private static Checkpoint read(Checkpoint c) throws CorruptCheckpointException {
        return CheckpointReader.read(CheckpointWriter.write(c), "t.tck");
    }

    private static void refused(Checkpoint c, String message) {
        assertThatThrownBy(() -> read(c)).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message);
    }

    private static long[] bytes(int n) {
        long[] b = new long[n];
        for (int i = 0; i < n; i++) b[i] = (i * 7L) & 0xff;
        return b;
    }

    @Test
    void stdoutsAndStderrsBytesAreReadWithinTheirBoundsOnly() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        int max = RuntimeContract.PENDING_MAX;
        assertThat(read(LibcStateCorpus.withPending(base, 2, bytes(5), LibcStateCorpus.U8)).globals().getLast().key())
                .isEqualTo(RuntimeContract.PENDING_KEY);
        read(LibcStateCorpus.withPending(base, 0, bytes(1), LibcStateCorpus.U8));
        read(LibcStateCorpus.withPending(base, 1, bytes(1), LibcStateCorpus.U8));
        read(LibcStateCorpus.withPending(base, max, bytes(2 * max), LibcStateCorpus.U8));
        refused(LibcStateCorpus.withPending(base, 4, bytes(3), LibcStateCorpus.U8),
                "global <libc>:pending: more than 65536 bytes of one stream, or a count past the bytes");
        refused(LibcStateCorpus.withPending(base, 0, bytes(max + 1), LibcStateCorpus.U8),
                "more than 65536 bytes of one stream");
        refused(LibcStateCorpus.withPending(base, max + 1, bytes(max + 1), LibcStateCorpus.U8),
                "global <libc>:pending: out is not an integer 0 to 65536");
        refused(LibcStateCorpus.withPending(base, 0, bytes(2 * max + 1), LibcStateCorpus.U8),
                "bytes is not an array of 1 to 131072 bytes");
        refused(LibcStateCorpus.withPending(base, 1, new long[] {-1, 65}, LibcStateCorpus.CHAR),
                "bytes is not an array of unsigned 8-bit integers");
        refused(LibcStateCorpus.withPending(base, 1, new long[] {1, 2}, LibcStateCorpus.U32),
                "bytes is not an array of unsigned 8-bit integers");
    }
}
