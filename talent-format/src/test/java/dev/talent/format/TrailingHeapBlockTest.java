package dev.talent.format;

import static dev.talent.format.Fixtures.i;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.StructT;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The HEAP flag bit 1 (docs/FORMAT.md "HEAP"): one struct whose last member array was cut to its heap block (a
 * flexible array member, the struct hack). Accepted only on a typed block of one element of a struct whose last member
 * is an array; a pointer into the trailing elements is an ordinary path.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TrailingHeapBlockTest {
    private static final ByteString NO_TAIL = ByteString.of(new byte[0]);

    @Test
    void oneStructWithItsTrailingArrayIsReadWithAPointerIntoTheArray() throws Exception {
        Checkpoint c = CheckpointReader.read(CheckpointWriter.write(ForgedCorpus.trailing(ForgedCorpus.base())));
        HeapBlock b = c.heap().stream().filter(h -> h.blockId() == 20).findFirst().orElseThrow();
        assertThat(b.trailing()).isTrue();
        assertThat(b.untyped()).isFalse();
        assertThat(b.elements()).hasSize(1);
        assertThat(c.type(b.elementType()).name()).isEqualTo("struct vec");
        assertThat(b.tail().length()).isEqualTo(2);
        assertThat(c.globals().stream().filter(g -> g.key().equals("count_ptr")).findFirst().orElseThrow().value())
                .isEqualTo(Fixtures.ref(Value.ObjectKind.HEAP_BLOCK, 20, 0, 0, 0L, 1L, 2L));
        assertThat(InspectRenderer.text(c)).contains("heap#20 : 1 x struct vec, trailing array + 2 tail bytes");
    }

    @Test
    void aBlockThatIsNotFlaggedIsNotTrailing() throws Exception {
        Checkpoint c = CheckpointReader.read(CheckpointWriter.write(ForgedCorpus.base()));
        assertThat(c.heap()).noneMatch(HeapBlock::trailing);
    }

    @Test
    void aPointerPastTheTrailingElementsIsRefused() {
        Checkpoint t = ForgedCorpus.trailing(ForgedCorpus.base());
        Checkpoint past = withGlobal(t, "count_ptr", Fixtures.ref(Value.ObjectKind.HEAP_BLOCK, 20, 0, 0, 0L, 1L, 4L));
        assertThatThrownBy(() -> CheckpointReader.read(CheckpointWriter.write(past)))
                .isInstanceOf(CorruptCheckpointException.class);
    }

    @Test
    void theFlagOnTwoElementsIsRefused() {
        assertRefused(block(2, vecType(), true), "its count is 2, not 1");
    }

    @Test
    void theFlagOnAStructWhoseLastMemberIsNotAnArrayIsRefused() {
        List<TypeDesc> types = baseTypes();
        types.add(new StructT("struct pair", 8, List.of(new Field("a", Fixtures.INT, 0), new Field("b", Fixtures.INT, 0))));
        assertRefused(withBlock(types, new HeapBlock(20, "app.c:54:10", false, types.size() - 1,
                List.of(new Value.StructValue(List.of(i(1), i(2)))), NO_TAIL, true)), "is not an array");
    }

    @Test
    void theFlagOnABitFieldLastMemberIsRefused() {
        List<TypeDesc> types = baseTypes();
        types.add(new StructT("struct bits", 4, List.of(new Field("a", Fixtures.INT, 0), new Field("b", Fixtures.UINT, 3))));
        assertRefused(withBlock(types, new HeapBlock(20, "app.c:54:10", false, types.size() - 1,
                List.of(new Value.StructValue(List.of(i(1), i(2)))), NO_TAIL, true)), "is not an array");
    }

    @Test
    void theFlagOnAScalarBlockIsRefused() {
        assertRefused(withBlock(baseTypes(), new HeapBlock(20, "app.c:54:10", false, Fixtures.INT, List.of(i(1)), NO_TAIL,
                true)), "is not a struct with members");
    }

    @Test
    void theFlagOnAnUntypedBlockIsRefused() {
        assertRefused(withBlock(baseTypes(), new HeapBlock(20, "app.c:54:10", true, Fixtures.UCHAR, List.of(i(1)), NO_TAIL,
                true)), "is untyped");
    }

    @Test
    void aTrailingArrayLongerThanTheFileIsRefusedBeforeItIsRead() throws Exception {
        // the valid file with the trailing array's count (the u64 after "int[3]", its size and element type) 2^40
        byte[] file = Sections.of(CheckpointWriter.write(ForgedCorpus.trailing(ForgedCorpus.base())))
                .withPayload(Wire.TYPE, p -> {
                    byte[] name = "int[3]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    int at = indexOf(p, name) + name.length + 8;
                    java.nio.ByteBuffer.wrap(p, at, 8).putLong(1L << 40);
                    return p;
                }).toBytes();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> CheckpointReader.read(file)).isInstanceOf(CorruptCheckpointException.class);
        assertThat(System.nanoTime() - t0).as("refused without reading 2^40 values").isLessThan(5_000_000_000L);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) if (hay[i + k] != needle[k]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    private static List<TypeDesc> baseTypes() {
        return new ArrayList<>(ForgedCorpus.base().types());
    }

    private static List<TypeDesc> vecType() {
        List<TypeDesc> types = baseTypes();
        types.add(new ArrayT("int[3]", 12, Fixtures.INT, 3));
        types.add(new StructT("struct vec", 16, List.of(new Field("n", Fixtures.INT, 0), new Field("d", types.size() - 1, 0))));
        return types;
    }

    private static Checkpoint block(int count, List<TypeDesc> types, boolean trailing) {
        List<Value> elements = new ArrayList<>();
        for (int k = 0; k < count; k++) elements.add(new Value.StructValue(List.of(i(3), Fixtures.ints(7, 8, 9))));
        return withBlock(types, new HeapBlock(20, "app.c:54:10", false, types.size() - 1, elements, NO_TAIL, trailing));
    }

    private static Checkpoint withBlock(List<TypeDesc> types, HeapBlock b) {
        Checkpoint c = ForgedCorpus.base();
        List<HeapBlock> heap = new ArrayList<>(c.heap());
        heap.add(b);
        return new Checkpoint(c.meta(), types, c.strings(), c.globals(), c.frames(), heap, c.files(), c.pendingWait());
    }

    private static Checkpoint withGlobal(Checkpoint c, String key, Value v) {
        List<GlobalVar> globals = c.globals().stream()
                .map(g -> g.key().equals(key) ? new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), v) : g).toList();
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static void assertRefused(Checkpoint c, String problem) {
        assertThatThrownBy(() -> CheckpointReader.read(CheckpointWriter.write(c)))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("flagged as one struct with a trailing array")
                .hasMessageContaining(problem);
    }
}
