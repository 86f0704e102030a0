package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Bool;
import dev.talent.format.TypeDesc.FloatT;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.UInt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large arrays of plain scalars stay in the (mapped) file and are decoded when asked for (issue 10, item 12):
 * the values read are the values written, validation still refuses what it must, and a checkpoint much larger than
 * the heap is inspected.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LargeCheckpointTest {

    private static Checkpoint withArrays(List<Value> doubles, List<Value> bools, List<Value> longs, List<Value> bytes) {
        return withArrays(doubles, bools, longs, bytes, List.of());
    }

    /** struct rec { int x; _Bool ok; unsigned flags : 3; double v[2]; } (type id REC of the result). */
    static Value rec(int k) {
        return new Value.StructValue(List.of(Value.IntValue.of(-k), new Value.BoolValue(k % 2 == 0), Value.IntValue.of(k % 8),
                new Value.ArrayValue(List.of(Value.FloatValue.ofDouble(k), Value.FloatValue.ofDouble(-k)))));
    }

    private static Checkpoint withArrays(List<Value> doubles, List<Value> bools, List<Value> longs, List<Value> bytes,
                                         List<Value> recs) {
        Checkpoint small = Fixtures.small();
        List<TypeDesc> types = new ArrayList<>(small.types());
        int dbl = types.size();
        types.add(new FloatT("double", 8, 64));
        types.add(new Bool("_Bool", 1));
        types.add(new ArrayT("_Bool[100]", 100, dbl + 1, bools.size()));
        types.add(new SInt("long", 8, 64));
        types.add(new ArrayT("long[]", 8L * longs.size(), dbl + 3, longs.size()));
        types.add(new UInt("unsigned char", 1, 8));
        types.add(new UInt("unsigned", 4, 32));
        types.add(new ArrayT("double[2]", 16, dbl, 2));
        types.add(new TypeDesc.StructT("struct rec", 32, List.of(new TypeDesc.Field("x", 0, 0), new TypeDesc.Field("ok", dbl + 1, 0),
                new TypeDesc.Field("flags", dbl + 6, 3), new TypeDesc.Field("v", dbl + 7, 0))));
        List<GlobalVar> globals = new ArrayList<>(small.globals());
        globals.add(new GlobalVar("flags", "flags", "t.c:2:1", dbl + 2, new Value.ArrayValue(bools)));
        globals.add(new GlobalVar("longs", "longs", "t.c:3:1", dbl + 4, new Value.ArrayValue(longs)));
        List<HeapBlock> heap = new ArrayList<>(small.heap());
        heap.add(new HeapBlock(2, "t.c:8:9", dbl, doubles));
        heap.add(new HeapBlock(3, "t.c:9:9", true, dbl + 5, bytes, ByteString.of(new byte[0])));
        heap.add(new HeapBlock(4, "t.c:10:9", dbl + 8, recs));
        return new Checkpoint(small.meta(), types, small.strings(), globals, small.frames(), heap, small.files(),
                small.pendingWait());
    }

    @Test
    void largeScalarArraysReadBackEqualAndStayUndecoded() throws Exception {
        List<Value> doubles = IntStream.range(0, 100_000).mapToObj(k -> (Value) Value.FloatValue.ofDouble(k * 0.25)).toList();
        List<Value> bools = IntStream.range(0, 100).mapToObj(k -> (Value) new Value.BoolValue(k % 3 == 0)).toList();
        List<Value> longs = IntStream.range(0, 500).mapToObj(k -> (Value) Value.IntValue.of(-1L - 1000L * k)).toList();
        List<Value> bytes = IntStream.range(0, 5000).mapToObj(k -> (Value) Value.IntValue.of(k & 0xFF)).toList();
        Checkpoint written = withArrays(doubles, bools, longs, bytes);
        Checkpoint read = CheckpointReader.read(CheckpointWriter.write(written));
        assertThat(read).isEqualTo(written);
        HeapBlock block = read.heapBlock(2).orElseThrow();
        assertThat(block.elements()).isInstanceOf(LazyElements.class).hasSize(100_000);
        assertThat(block.elements().get(99_999)).isEqualTo(Value.FloatValue.ofDouble(99_999 * 0.25));
        assertThat(read.globals().getLast().value()).isEqualTo(new Value.ArrayValue(longs));
        assertThat(InspectRenderer.text(read)).contains("heap#2 : 100000 x double = [0.0, 0.25, 0.5,")
                .contains("... (100000 elements)]").contains("heap#3 : 5000 x unsigned char, untyped = {00 01 02")
                .contains("... (5000 bytes)}");
        // a file written back from what was read is the same file
        assertThat(CheckpointWriter.write(read)).isEqualTo(CheckpointWriter.write(written));
    }

    @Test
    void largeArraysOfFixedWidthRecordsAreLazyAndStillValidated() throws Exception {
        List<Value> recs = IntStream.range(0, 1000).mapToObj(LargeCheckpointTest::rec).toList();
        Checkpoint written = withArrays(List.of(), List.of(), List.of(), List.of(), recs);
        byte[] file = CheckpointWriter.write(written);
        Checkpoint read = CheckpointReader.read(file);
        assertThat(read).isEqualTo(written);
        assertThat(read.heapBlock(4).orElseThrow().elements()).isInstanceOf(LazyElements.class);
        assertThat(read.heapBlock(4).orElseThrow().elements().get(999)).isEqualTo(rec(999));
        // element 999's flags (3 bits) set to 8: the bytes of x (4), ok (1), then flags' 4 bytes
        Sections s = Sections.of(file);
        byte[] forged = s.withPayload("HEAP", p -> {
            int at = new String(p, StandardCharsets.ISO_8859_1).indexOf("t.c:10:9") + 8 + 1 + 4 + 8 + 999 * 25 + 4 + 1 + 3;
            assertThat(p[at]).isEqualTo((byte) 7);
            p[at] = 8;
            return p;
        }).toBytes();
        assertThatThrownBy(() -> CheckpointReader.read(forged)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("does not fit a 3-bit unsigned bit-field");
    }

    @Test
    void aLargeBoolArrayIsStillValidated() {
        List<Value> bools = IntStream.range(0, 100).mapToObj(k -> (Value) new Value.BoolValue(true)).toList();
        byte[] file = CheckpointWriter.write(withArrays(List.of(), bools, List.of(), List.of()));
        // the last of the 100 _Bool values (all 1) becomes 2
        Sections s = Sections.of(file);
        byte[] forged = s.withPayload("GLOB", p -> {
            int at = new String(p, StandardCharsets.ISO_8859_1).indexOf("\u0001".repeat(100)) + 99;
            p[at] = 2;
            return p;
        }).toBytes();
        assertThatThrownBy(() -> CheckpointReader.read(forged)).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("BOOL value must be 0 or 1, found 2");
    }

    @Test
    void aCheckpointLargerThanTheHeapIsInspected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ckpt-000003.tck");
        LargeCheckpointMain.write(file, 48L << 20);   // 48 MiB of doubles + 12 MiB of raw bytes
        assertThat(Files.size(file)).isGreaterThan(60L << 20);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                LargeCheckpointMain.class.getName(), "inspect", file.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("heap#99 : 6291456 x double = [0.0, 0.5, 1.0").contains("heap#98 : 12582912 x unsigned char");
    }
}
