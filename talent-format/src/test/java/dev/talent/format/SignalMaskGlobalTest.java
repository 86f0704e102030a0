package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global {@code <libc>:sigmask} (the runtime's sigdisp.c: the signals the program blocked, as talent's portable
 * signal set) is validated by the Java reader as by the runtime's load check (tl_libc_check_sigmask): neither SIGKILL
 * nor SIGSTOP (talent's own signals, SIGUSR1, SIGUSR2, SIGURG, SIGRTMIN+2, are the program's to block too), not "every
 * real-time signal" together with some of them again, an unsigned 64-bit integer in a struct of one member.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SignalMaskGlobalTest {

    static Checkpoint withMask(BigInteger blocked, int members) {
        Checkpoint full = Fixtures.full();
        List<TypeDesc> types = new ArrayList<>(full.types());
        int u64 = types.size();
        types.add(new UInt("uint64_t", 8, 64));
        List<Field> fields = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            fields.add(new Field(i == 0 ? "blocked" : "more" + i, u64, 0));
            values.add(new Value.IntValue(blocked));
        }
        int mask = types.size();
        types.add(new StructT("struct talent_sigmask", 8L * members, fields));
        List<GlobalVar> globals = new ArrayList<>(full.globals());
        globals.add(new GlobalVar(RuntimeContract.SIGMASK_KEY, "blocked signals (sigprocmask)", "<C library>", mask,
                new Value.StructValue(values)));
        return new Checkpoint(full.meta(), types, full.strings(), globals, full.frames(), full.heap(), full.files(),
                full.pendingWait());
    }

    private static byte[] file(long blocked) {
        return CheckpointWriter.write(withMask(new BigInteger(Long.toUnsignedString(blocked)), 1));
    }

    @Test
    void programSignalsAndTalentsOwnAreReadAndUnblockableOnesRefused() throws CorruptCheckpointException {
        // SIGHUP, SIGTERM, SIGRTMIN+1; SIGALRM and SIGCHLD; every real-time signal; SIGRTMIN+31; and talent's own
        // signals, which the program may block like any other: SIGUSR1, SIGUSR2, SIGURG, SIGRTMIN+2
        long[] valid = {1L | (1L << 14) | (1L << 33), (1L << 13) | (1L << 16), 1L << 31, 1L << 63, 0, 1L << 9, 1L << 11,
            1L << 22, 1L << 34, (1L << 9) | (1L << 31)};
        for (long v : valid) {
            Checkpoint c = CheckpointReader.read(file(v), "t.tck");
            assertThat(c.globals().getLast().key()).isEqualTo("<libc>:sigmask");
        }
        // SIGKILL, SIGSTOP (no process can block them), every real-time signal and SIGRTMIN+1 again
        long[] forged = {1L << 8, 1L << 18, (1L << 9) | (1L << 8), (1L << 31) | (1L << 33)};
        for (long v : forged) {
            byte[] bytes = file(v);
            assertThatThrownBy(() -> CheckpointReader.read(bytes, "t.tck")).as("%x", v)
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("<libc>:sigmask: blocked names SIGKILL or SIGSTOP");
        }
    }

    @Test
    void aGlobalOfAnotherShapeIsRefused() {
        byte[] two = CheckpointWriter.write(withMask(BigInteger.ONE, 2));
        assertThatThrownBy(() -> CheckpointReader.read(two, "t.tck")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("<libc>:sigmask is not a struct of one signal set");
    }
}
