package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The global {@code <libc>:itimers} (the runtime's itimers.c: the interval timers' remaining values and intervals) is
 * validated by the Java reader as strictly as by the runtime's restore: seconds 0 to ten years, microseconds below a
 * second, and the struct the runtime writes. talent-compiler's IntervalTimersIT forges a real program's file and
 * checks the runtime's refusal too.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IntervalTimersGlobalTest {

    private static final List<String> TIME_FIELDS = List.of("value_sec", "value_usec", "interval_sec", "interval_usec");

    /** Fixtures.full() with a {@code <libc>:itimers} of these real-timer values (the other two disarmed). */
    static Checkpoint withTimers(long valueSec, long valueUsec, long intervalSec, long intervalUsec, boolean int32) {
        Checkpoint full = Fixtures.full();
        List<TypeDesc> types = new ArrayList<>(full.types());
        int i64 = types.size();
        types.add(int32 ? new SInt("int", 4, 32) : new SInt("int64_t", 8, 64));
        int timer = types.size();
        types.add(new StructT("struct talent_itimer", 32, TIME_FIELDS.stream().map(n -> new Field(n, i64, 0)).toList()));
        int timers = types.size();
        types.add(new StructT("struct talent_itimers", 96, List.of(new Field("real", timer, 0),
                new Field("virtual", timer, 0), new Field("prof", timer, 0))));
        Value off = new Value.StructValue(List.of(Fixtures.i(0), Fixtures.i(0), Fixtures.i(0), Fixtures.i(0)));
        Value real = new Value.StructValue(List.of(Fixtures.i(valueSec), Fixtures.i(valueUsec), Fixtures.i(intervalSec),
                Fixtures.i(intervalUsec)));
        List<GlobalVar> globals = new ArrayList<>(full.globals());
        globals.add(new GlobalVar(RuntimeContract.ITIMERS_KEY, "interval timers (alarm, setitimer)", "<C library>", timers,
                new Value.StructValue(List.of(real, off, off))));
        return new Checkpoint(full.meta(), types, full.strings(), globals, full.frames(), full.heap(), full.files(),
                full.pendingWait());
    }

    private static byte[] file(long valueSec, long valueUsec, long intervalSec, long intervalUsec) {
        return CheckpointWriter.write(withTimers(valueSec, valueUsec, intervalSec, intervalUsec, false));
    }

    @Test
    void timersUpToTheBoundsAreReadAndForgedOnesRefused() throws CorruptCheckpointException {
        Checkpoint c = CheckpointReader.read(file(315_576_000, 999_999, 315_576_000, 999_999), "t.tck");
        assertThat(c.globals().getLast().key()).isEqualTo("<libc>:itimers");
        CheckpointReader.read(file(0, 5000, 0, 5000), "t.tck");
        CheckpointReader.read(file(0, 0, 0, 0), "t.tck");
        long[][] forged = {
            {0, 1_000_000, 0, 0}, {0, 0, 0, 1_000_000}, {-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, -5, 0},
            {315_576_001, 0, 0, 0}, {0, 0, 1L << 40, 0}, {Long.MIN_VALUE, 0, 0, 0},
        };
        for (long[] f : forged) {
            byte[] bytes = file(f[0], f[1], f[2], f[3]);
            assertThatThrownBy(() -> CheckpointReader.read(bytes, "t.tck")).as("%d %d %d %d", f[0], f[1], f[2], f[3])
                    .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("<libc>:itimers: real.");
        }
    }

    @Test
    void aGlobalOfAnotherShapeIsRefusedAndNarrowerIntegersAreRead() throws CorruptCheckpointException {
        // members are taken by position and any integer type that holds the value, as the runtime's decoder takes them
        CheckpointReader.read(CheckpointWriter.write(withTimers(0, 1, 0, 1, true)), "t.tck");
        Checkpoint c = withTimers(0, 1, 0, 1, false);
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        GlobalVar g = globals.getLast();
        Value.StructValue timers = (Value.StructValue) g.value();
        Value.StructValue real = (Value.StructValue) timers.fields().getFirst();
        List<TypeDesc> types = new ArrayList<>(c.types());
        int timer = g.type() - 1;
        StructT four = (StructT) types.get(timer);
        types.add(new StructT("struct talent_itimer", 24, four.fields().subList(0, 3)));
        types.add(new StructT("struct talent_itimers", 88, List.of(new Field("real", types.size() - 1, 0),
                new Field("virtual", timer, 0), new Field("prof", timer, 0))));
        globals.set(globals.size() - 1, new GlobalVar(g.key(), g.name(), g.declPos(), types.size() - 1, new Value.StructValue(
                List.of(new Value.StructValue(real.fields().subList(0, 3)), timers.fields().get(1), timers.fields().get(2)))));
        byte[] bytes = CheckpointWriter.write(new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(),
                c.files(), c.pendingWait()));
        assertThatThrownBy(() -> CheckpointReader.read(bytes, "t.tck")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("<libc>:itimers: real is not a struct of four integers");
    }
}
