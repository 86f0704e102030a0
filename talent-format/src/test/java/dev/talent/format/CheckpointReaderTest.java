package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.Value.ObjectKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointReaderTest {

    private static CorruptCheckpointException corrupt(byte[] file) {
        try {
            Checkpoint c = CheckpointReader.read(file, "ck/ckpt-000003.tck");
            throw new AssertionError("expected a CorruptCheckpointException, read " + c.meta());
        } catch (CorruptCheckpointException e) {
            return e;
        }
    }

    // ------------------------------------------------------------------ round trip

    @Test
    void roundTripKeepsEveryTypeKindAndPointerForm() throws Exception {
        Checkpoint original = Fixtures.full();
        byte[] file = CheckpointWriter.write(original);

        Checkpoint read = CheckpointReader.read(file);

        assertThat(read).isEqualTo(original);
        assertThat(CheckpointWriter.write(read)).isEqualTo(file);
        assertThat(read.types().stream().map(TypeDesc::kindCode).distinct().sorted().toList())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(read.globals().stream().map(GlobalVar::value).filter(Value.PointerValue.class::isInstance)
                .map(Object::getClass).distinct().toList())
                .contains(Value.NullPointer.class, Value.ObjectRef.class, Value.StringConstant.class, Value.StdStream.class,
                        Value.OpenStream.class);
        assertThat(read.files()).isEqualTo(Fixtures.files());
        // (TCP connections: tcpConnectionsAreCheckedAndMayNameTheirListener)
        assertThat(read.files().stream().map(OpenFile::kind).distinct()).containsExactlyInAnyOrder(
                java.util.Arrays.stream(OpenFile.Kind.values()).filter(k -> k != OpenFile.Kind.TCP_CONNECTION)
                        .toArray(OpenFile.Kind[]::new));
        assertThat(read.pendingWait()).isEqualTo(new PendingWait(true, 1_250_000_000L));
    }

    @Test
    void readsFromAPathAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ckpt-000003.tck");
        byte[] bytes = CheckpointWriter.write(Fixtures.small());
        Files.write(file, bytes);
        assertThat(CheckpointReader.read(file)).isEqualTo(Fixtures.small());

        Sections sections = Sections.of(bytes);
        bytes[sections.offsetOf(sections.indexOf("FILE")) - 5] ^= 1; // last payload byte of HEAP
        Files.write(file, bytes);
        assertThatThrownBy(() -> CheckpointReader.read(file))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageStartingWith(file + ": section HEAP (offset ")
                .hasMessageContaining("CRC32C mismatch (stored 0x");
    }

    @Test
    void writesBigEndianFixedWidthNumbers() {
        byte[] file = CheckpointWriter.write(Fixtures.small());
        assertThat(new String(file, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("TALENTCK");
        assertThat(Arrays.copyOfRange(file, 8, 20)).containsExactly(0, 1, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0);
        assertThat(new String(file, 24, 4, StandardCharsets.US_ASCII)).isEqualTo("META");
        // META payload begins with the fingerprint str: u32 length 32, big-endian.
        assertThat(Arrays.copyOfRange(file, 36, 40)).containsExactly(0, 0, 0, 32);
    }

    // ------------------------------------------------------------------ damage

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] valid = CheckpointWriter.write(Fixtures.small());
        assertThat(valid.length).isBetween(200, 1200);
        List<String> undetected = new ArrayList<>();
        for (int pos = 0; pos < valid.length; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = valid.clone();
                damaged[pos] ^= (byte) (1 << bit);
                try {
                    CheckpointReader.read(damaged);
                    undetected.add(pos + ":" + bit);
                } catch (CorruptCheckpointException expected) {
                    // detected
                }
            }
        }
        assertThat(undetected).isEmpty();
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] valid = CheckpointWriter.write(Fixtures.small());
        for (int length = 0; length < valid.length; length++) {
            CorruptCheckpointException e = corrupt(Arrays.copyOf(valid, length));
            assertThat(e.getMessage()).as("length %d", length).containsAnyOf("truncated", "missing");
        }
    }

    @Test
    void trailingBytesAfterTheLastSectionAreRefused() {
        byte[] valid = CheckpointWriter.write(Fixtures.small());
        CorruptCheckpointException e = corrupt(Arrays.copyOf(valid, valid.length + 3));
        assertThat(e.getMessage()).contains("3 bytes after the last of the 8 sections");
        assertThat(e.offset()).isEqualTo(valid.length);
    }

    @Test
    void sectionCrcMismatchNamesSectionOffsetAndBothValues() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] file = s.toBytes();
        int fram = s.offsetOf(s.indexOf("FRAM"));
        file[fram + 14] ^= 0x40;
        CorruptCheckpointException e = corrupt(file);
        assertThat(e.getMessage()).matches("ck/ckpt-000003\\.tck: section FRAM \\(offset " + fram
                + "\\): CRC32C mismatch \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\)");
        assertThat(e.section()).contains("FRAM");
        assertThat(e.offset()).isEqualTo(fram);
    }

    @Test
    void overlongSectionLengthIsReportedAsTruncation() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] file = s.toBytes();
        int glob = s.offsetOf(s.indexOf("GLOB"));
        file[glob + 4 + 6] = 0x10; // length += 4096
        CorruptCheckpointException e = corrupt(file);
        assertThat(e.getMessage()).contains("section GLOB (offset " + glob + "): truncated: section GLOB declares ")
                .contains("remain at offset " + (glob + 12));
    }

    @Test
    void wrongMagicIsRefused() {
        byte[] file = CheckpointWriter.write(Fixtures.small());
        file[0] = 'X';
        assertThat(corrupt(file).getMessage())
                .isEqualTo("ck/ckpt-000003.tck: offset 0: not a talent checkpoint: expected magic \"TALENTCK\", found \"XALENTCK\"");
        assertThat(corrupt("hello".getBytes(StandardCharsets.US_ASCII)).getMessage()).contains("truncated: the header needs 24");
    }

    @Test
    void unsupportedMajorVersionIsRefusedEvenWithAValidCrc() {
        byte[] file = Sections.of(CheckpointWriter.write(Fixtures.small())).withVersion(7, 0).toBytes();
        CorruptCheckpointException e = corrupt(file);
        assertThat(e.getMessage()).contains("unsupported major version 7.0 (this reader reads 1.x, 2.x, 3.x, 4.x, 5.x and 6.x)")
                .doesNotContain("damaged");
    }

    @Test
    void headerCrcMismatchIsReported() {
        byte[] file = CheckpointWriter.write(Fixtures.small());
        file[15] ^= 1; // section count
        assertThat(corrupt(file).getMessage()).contains("offset 20: header CRC32C mismatch (stored 0x");
    }

    @Test
    void higherMinorVersionWithUnknownSectionsIsAccepted() throws Exception {
        Checkpoint original = Fixtures.full();
        Sections s = Sections.of(CheckpointWriter.write(original));
        byte[] file = s.withVersion(3, 3)
                .inserting(3, "XTRA", new byte[] {1, 2, 3, 4, 5})
                .inserting(7, "ZZZ9", new byte[0])
                .toBytes();
        assertThat(CheckpointReader.read(file)).isEqualTo(original);
    }

    @Test
    void unknownSectionIsStillCrcChecked() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small())).withVersion(1, 1)
                .inserting(6, "XTRA", new byte[] {9, 9});
        byte[] file = s.toBytes();
        file[s.offsetOf(6) + 12] ^= 1;
        assertThat(corrupt(file).getMessage()).contains("section XTRA (offset " + s.offsetOf(6) + "): CRC32C mismatch");
    }

    @Test
    void missingDuplicateAndMisorderedSectionsAreRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        assertThat(corrupt(s.removing("HEAP").withVersion(1, 0).toBytes()).getMessage())
                .contains("section HEAP is missing");
        assertThat(corrupt(s.removing("STRS").toBytes()).getMessage())
                .contains("section GLOB (offset").contains("expected section STRS before GLOB");
        assertThat(corrupt(s.swapping(0, 1).toBytes()).getMessage()).contains("expected section META before TYPE");
        assertThat(corrupt(s.inserting(2, "TYPE", s.sections().get(1).payload()).toBytes()).getMessage())
                .contains("section TYPE appears twice");
    }

    @Test
    void nonPrintableTagIsRefusedWithEscapes() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small())).inserting(6, "A\u0001BC", new byte[0]);
        assertThat(corrupt(s.toBytes()).getMessage()).contains("found \"A\\x01BC\"");
    }

    // ------------------------------------------------------------------ payload structure

    @Test
    void extraBytesInsideAKnownSectionAreRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] file = s.withPayload("STRS", p -> Arrays.copyOf(p, p.length + 2)).toBytes();
        int strsEnd = s.offsetOf(s.indexOf("STRS")) + 12 + s.sections().get(s.indexOf("STRS")).payload().length;
        CorruptCheckpointException e = corrupt(file);
        assertThat(e.getMessage()).contains("section STRS (offset " + strsEnd + "): 2 unexpected bytes after the end");
    }

    @Test
    void stringLengthPastTheSectionEndIsRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] file = s.withPayload("META", p -> { p[3] = (byte) 200; return p; }).toBytes();
        assertThat(corrupt(file).getMessage())
                .contains("section META (offset " + (s.offsetOf(0) + 12) + "): truncated: fingerprint declares 200 bytes");
    }

    @Test
    void invalidUtf8InANameIsRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        // META: fingerprint (4 + 32), program "tiny" at payload offset 36.
        byte[] file = s.withPayload("META", p -> { p[40] = (byte) 0xC3; p[41] = (byte) 0x28; return p; }).toBytes();
        assertThat(corrupt(file).getMessage()).contains("program: expected UTF-8 text, found invalid UTF-8 bytes");
    }

    @Test
    void nonUtf8ArgvAndStringConstantsAreKeptAsBytes() throws Exception {
        Checkpoint c = Fixtures.full();
        Checkpoint read = CheckpointReader.read(CheckpointWriter.write(c));
        assertThat(read.meta().argv().get(2).toByteArray()).containsExactly('5', 0xff);
        assertThat(read.meta().argv().get(2).isUtf8()).isFalse();
    }

    @Test
    void typeReferencesMustPointBackwards() {
        Checkpoint c = withTypes(List.of(
                new ArrayT("int[2]", 8, 1, 2),
                new SInt("int", 4, 32)));
        assertThat(corrupt(CheckpointWriter.write(c)).getMessage())
                .contains("section TYPE").contains("type 0 (int[2]): element_type refers to type 1, expected an id smaller than 0");
    }

    @Test
    void bitFieldWiderThanItsTypeIsRefused() {
        Checkpoint c = withTypes(List.of(
                new SInt("int", 4, 32),
                new StructT("struct b", 4, List.of(new Field("f", 0, 33)))));
        assertThat(corrupt(CheckpointWriter.write(c)).getMessage()).contains("bit_width 33 exceeds the 32 bits");
    }

    @Test
    void bitFieldValueOutOfRangeIsRefused() {
        Checkpoint c = Fixtures.full();
        List<HeapBlock> heap = new ArrayList<>(c.heap());
        heap.set(0, new HeapBlock(1, "app.c:50:10", Fixtures.NODE, List.of(
                new Value.StructValue(List.of(Fixtures.i(1), Value.NullPointer.INSTANCE, Fixtures.i(8))))));
        Checkpoint bad = new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), heap, c.files(), c.pendingWait());
        assertThat(corrupt(CheckpointWriter.write(bad)).getMessage())
                .contains("section HEAP").contains("heap#1.flags: value 8 does not fit a 3-bit unsigned bit-field");
    }

    @Test
    void boolOtherThanZeroOrOneIsRefused() {
        Checkpoint c = Fixtures.full();
        byte[] file = CheckpointWriter.write(c);
        Sections s = Sections.of(file);
        // Find the BOOL global "ready": patch the byte after its type id by re-encoding with a marker.
        byte[] glob = s.sections().get(s.indexOf("GLOB")).payload();
        byte[] marker = "app.c:14:7".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(glob, marker) + marker.length + 4; // skip decl_pos then the u32 type id
        assertThat(glob[at]).isEqualTo((byte) 1);
        byte[] patched = s.withPayload("GLOB", p -> { p[at] = 2; return p; }).toBytes();
        assertThat(corrupt(patched).getMessage()).contains("global ready: BOOL value must be 0 or 1, found 2");
    }

    @Test
    void malformedLongDoubleIsRefused() {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.set(12, new GlobalVar("third", "third", "app.c:15:13", Fixtures.LDOUBLE, new Value.LongDoubleValue("3.14")));
        Checkpoint bad = new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
        assertThat(corrupt(CheckpointWriter.write(bad)).getMessage()).contains("long double must be C99 hexadecimal");
    }

    @Test
    void zeroSizeElementsCannotExpandWithoutBound() {
        Checkpoint c = withTypes(List.of(
                new StructT("struct empty", 0, List.of()),
                new ArrayT("struct empty[1<<40]", 0, 0, 1L << 40)));
        Checkpoint withGlobal = new Checkpoint(c.meta(), c.types(), c.strings(), List.of(), c.frames(), c.heap());
        // The writer would need 2^40 values; patch the global in directly instead.
        Sections s = Sections.of(CheckpointWriter.write(withGlobal));
        byte[] glob = concat(u32(1), str("k"), str("k"), str("t.c:1:1"), u32(1));
        byte[] file = s.withPayload("GLOB", p -> glob).toBytes();
        assertThat(corrupt(file).getMessage()).contains("expands to 1099511627777 values, more than a file of");
    }

    // ------------------------------------------------------------------ heap blocks

    @Test
    void roundTripKeepsUntypedBlocksAndTailBytes() throws Exception {
        Checkpoint read = CheckpointReader.read(CheckpointWriter.write(Fixtures.full()));
        HeapBlock untyped = read.heapBlock(3).orElseThrow();
        assertThat(untyped.untyped()).isTrue();
        assertThat(untyped.elementType()).isEqualTo(Fixtures.UCHAR);
        assertThat(untyped.elements()).containsExactly(Fixtures.i(1), Fixtures.i(2), Fixtures.i(255), Fixtures.i(0),
                Fixtures.i(127));
        assertThat(untyped.tail().length()).isZero();
        HeapBlock withTail = read.heapBlock(12).orElseThrow();
        assertThat(withTail.untyped()).isFalse();
        assertThat(withTail.tail().toByteArray()).containsExactly(0xde, 0xad, 0xbe);
        assertThat(read.heapBlock(1).orElseThrow().tail().length()).isZero();
    }

    @Test
    void heapBlockIsEncodedFieldByField() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] heap = s.sections().get(s.indexOf("HEAP")).payload();
        byte[] expected = concat(u32(1), u32(1), str("t.c:7:9"), new byte[] {0}, u32(0),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 2}, u32(1), u32(2), u32(1), new byte[] {9});
        assertThat(heap).containsExactly(expected);
    }

    @Test
    void unknownHeapFlagBitsAreRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        // HEAP payload: count (4), block_id (4), alloc_pos "t.c:7:9" (4 + 7), then flags.
        int flags = 4 + 4 + 4 + 7;
        int flagsOffset = s.offsetOf(s.indexOf("HEAP")) + 12 + flags;
        for (int value : new int[] {0x08, 0x80, 0x0f}) {
            byte[] file = s.withPayload("HEAP", p -> { p[flags] = (byte) value; return p; }).toBytes();
            CorruptCheckpointException e = corrupt(file);
            assertThat(e.getMessage()).contains("section HEAP (offset " + flagsOffset + ")")
                    .contains("heap block 1: flags " + String.format("0x%02x", value) + " has unknown bits set");
        }
    }

    @Test
    void theByteOrderOnlyBitWithoutTheUntypedBitIsRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        int flags = 4 + 4 + 4 + 7;
        for (int value : new int[] {0x04, 0x06}) {
            byte[] file = s.withPayload("HEAP", p -> { p[flags] = (byte) value; return p; }).toBytes();
            assertThat(corrupt(file).getMessage()).contains("heap block 1: flags " + String.format("0x%02x", value)
                    + " mark the block as bytes of one byte order (bit 2) but not as untyped (bit 0)");
        }
    }

    @Test
    void untypedBlockMustHoldEightBitUnsignedElements() {
        assertThat(heapError(new HeapBlock(5, "app.c:60:3", true, Fixtures.INT, List.of(Fixtures.i(1)), noBytes())))
                .contains("heap block 5 is untyped, so its element type must be an 8-bit UINT, found type 0 (int, SINT)");
        assertThat(heapError(new HeapBlock(5, "app.c:60:3", true, Fixtures.UINT, List.of(Fixtures.i(1)), noBytes())))
                .contains("found type 13 (unsigned int, UINT 32 bits)");
        assertThat(heapError(new HeapBlock(5, "app.c:60:3", true, Fixtures.CHAR, List.of(Fixtures.i(1)), noBytes())))
                .contains("found type 6 (char, SINT)");
    }

    @Test
    void tailHoldingAWholeElementIsRefused() {
        assertThat(heapError(new HeapBlock(5, "app.c:60:3", false, Fixtures.INT, List.of(Fixtures.i(1)),
                ByteString.of(new byte[4]))))
                .contains("heap block 5: tail of 4 bytes holds a whole element of int (4 bytes on the writer)");
        // An untyped block's element is one byte, so it never has a tail.
        assertThat(heapError(new HeapBlock(5, "app.c:60:3", true, Fixtures.UCHAR, List.of(), ByteString.of(new byte[1]))))
                .contains("tail of 1 bytes holds a whole element of unsigned char");
    }

    @Test
    void tailLengthPastTheSectionEndIsRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        byte[] file = s.withPayload("HEAP", p -> { p[p.length - 2] = 2; return p; }).toBytes();
        assertThat(corrupt(file).getMessage()).contains("section HEAP")
                .contains("truncated: tail of heap block 1 declares 2 bytes but only 1 remain");
    }

    @Test
    void pointersIntoHeapBlocksAreChecked() {
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 3, 0, 0, 6L)))
                .contains("pointer to HEAP_BLOCK 3: path step 0: index 6 out of range for 5 elements");
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 3, 0, 0, 1L, 0L)))
                .contains("path step 1 goes into scalar type unsigned char");
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 12, 0, 0, 0L, 3L)))
                .contains("field 3 of struct node, which has 3 fields");
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 12, 0, 1))).contains("at the start of an array");
    }

    // ------------------------------------------------------------------ cross references

    @Test
    void pointerTargetsAreChecked() {
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 99, 0, 0))).contains("global 99 does not exist");
        assertThat(badPointer(Fixtures.ref(ObjectKind.FRAME_VARIABLE, 1, 42, 0)))
                .contains("frame 1 (compute) has no variable with id 42");
        assertThat(badPointer(Fixtures.ref(ObjectKind.FRAME_VARIABLE, 5, 0, 0))).contains("frame 5 does not exist");
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 9, 0, 0))).contains("heap block 9 does not exist");
        assertThat(badPointer(Fixtures.ref(ObjectKind.ARGV_STRING, 3, 0, 0))).contains("argv[3] does not exist");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 1, 0, 0, 4L)))
                .contains("index 4 out of range for 3 elements");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 1, 0, 0, 3L, 0L)))
                .contains("one past the end is allowed only as the last step");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 1, 0, 0, 0L, 2L))).contains("field 2 of struct point");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 0, 0, 0, 0L))).contains("goes into scalar type int");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 0, 0, 5))).contains("byte_offset 5 in int of size 4");
        assertThat(badPointer(Fixtures.ref(ObjectKind.GLOBAL, 1, 0, 4, 0L))).contains("expected 0 or 8");
        assertThat(badPointer(Fixtures.ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 0L, 2L))).contains("is a bit-field");
        assertThat(badPointer(Fixtures.ref(ObjectKind.ARGV_ARRAY, 0, 0, 0, 5L))).contains("index 5 out of range for 4");
    }

    @Test
    void validPointerEdgeCasesAreAccepted() throws Exception {
        for (Value.ObjectRef ref : List.of(
                Fixtures.ref(ObjectKind.GLOBAL, 1, 0, 24),          // one past the end of grid as a whole
                Fixtures.ref(ObjectKind.GLOBAL, 0, 0, 4),           // &counter + 1
                Fixtures.ref(ObjectKind.HEAP_BLOCK, 2, 0, 0, 0L),   // one past the end of an empty block
                Fixtures.ref(ObjectKind.ARGV_ARRAY, 0, 0, 0, 3L),   // &argv[argc], the NULL terminator
                Fixtures.ref(ObjectKind.ARGV_STRING, 2, 0, 0, 2L))) { // at the NUL of "5\xff"
            byte[] file = CheckpointWriter.write(withCountPtr(Fixtures.full(), ref));
            assertThat(CheckpointReader.read(file).globals().get(21).value()).isEqualTo(ref);
        }
    }

    @Test
    void stringConstantOffsetIsChecked() {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.set(3, new GlobalVar("msg", "msg", "app.c:6:7", Fixtures.CHAR_PTR, new Value.StringConstant(0, 12)));
        Checkpoint bad = new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
        assertThat(corrupt(CheckpointWriter.write(bad)).getMessage())
                .contains("offset 12 is past the end of string constant 0 (11 bytes + NUL)");
    }

    @Test
    void innermostFrameMustMatchTheSiteInMeta() {
        Checkpoint c = Fixtures.full();
        Checkpoint bad = new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames().subList(0, 1), c.heap(), c.files(), c.pendingWait());
        assertThat(corrupt(CheckpointWriter.write(bad)).getMessage())
                .contains("innermost frame is main at point 3, but META says the checkpoint was taken in compute at point 7");
    }

    @Test
    void duplicateIdentitiesAreRefused() {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar("counter", "counter", "x.c:1:1", Fixtures.INT, Fixtures.i(0)));
        Checkpoint bad = new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
        assertThat(corrupt(CheckpointWriter.write(bad)).getMessage())
                .contains("global 23 has key \"counter\", already used by global 0");
    }

    // ------------------------------------------------------------------ open files (FILE) and interrupted waits (WAIT)

    @Test
    void fileAndWaitSectionsAreOptional() throws Exception {
        Checkpoint c = Fixtures.full();
        Checkpoint without = new Checkpoint(c.meta(), c.types(), c.strings(), c.globals().subList(0, 22), c.frames(),
                c.heap());
        byte[] file = Sections.of(CheckpointWriter.write(without)).removing("FILE").removing("WAIT").toBytes();
        Checkpoint read = CheckpointReader.read(file);
        assertThat(read).isEqualTo(without);
        assertThat(read.files()).isEmpty();
        assertThat(read.pendingWait()).isEqualTo(PendingWait.NONE);
    }

    @Test
    void fileAndWaitMayAppearAnywhere() throws Exception {
        Checkpoint original = Fixtures.full();
        Sections s = Sections.of(CheckpointWriter.write(original));
        byte[] filePayload = s.sections().get(s.indexOf("FILE")).payload();
        byte[] waitPayload = s.sections().get(s.indexOf("WAIT")).payload();
        Sections base = s.removing("FILE").removing("WAIT");
        // FILE first (before the GLOB pointer that refers to it), WAIT between TYPE and STRS, and the other way round.
        assertThat(CheckpointReader.read(base.inserting(0, "FILE", filePayload).inserting(3, "WAIT", waitPayload).toBytes()))
                .isEqualTo(original);
        assertThat(CheckpointReader.read(base.inserting(0, "WAIT", waitPayload).inserting(4, "FILE", filePayload).toBytes()))
                .isEqualTo(original);
    }

    @Test
    void fileOrWaitTwiceIsRefused() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        assertThat(corrupt(s.inserting(2, "FILE", s.sections().get(s.indexOf("FILE")).payload()).toBytes()).getMessage())
                .contains("section FILE appears twice");
        assertThat(corrupt(s.inserting(0, "WAIT", s.sections().get(s.indexOf("WAIT")).payload()).toBytes()).getMessage())
                .contains("section WAIT appears twice");
    }

    @Test
    void streamPointerMustNameAStreamEntryOfFile() {
        assertThat(badStream(new Value.OpenStream(7))).contains("global report: open stream 7 does not exist (FILE has 7 entries)");
        assertThat(badStream(new Value.OpenStream(0))).contains("global report: open stream 0 is a descriptor (fd 3), not a stream");
        assertThat(badStream(new Value.OpenStream(3))).contains("open stream 3 is a listening socket (fd 6), not a stream");
        // Without a FILE section no stream exists.
        byte[] noFile = Sections.of(CheckpointWriter.write(Fixtures.small())).removing("FILE").toBytes();
        CorruptCheckpointException e = corrupt(noFile);
        assertThat(e.section()).contains("FRAM");
        assertThat(e.getMessage()).contains("frame#0:out: open stream 0 does not exist (FILE has 0 entries)");
    }

    @Test
    void fileEntryFieldsAreCheckedAtTheirOffset() {
        // small's FILE payload: count, fd @4, kind @8, description @9, path @13 ("/t/out"), access @23, flags @24,
        // std_source @25, mode @26 ("w" at 30), offset @31, size @39, site @47.
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        int payload = s.offsetOf(s.indexOf("FILE")) + 12;
        assertThat(fileError(s, 8, 9)).contains("offset " + (payload + 8) + "): open file 0 (fd 3): kind must be 1..6, found 9");
        assertThat(fileError(s, 8, 0)).contains("kind must be 1..6, found 0");
        assertThat(fileError(s, 23, 3)).contains("offset " + (payload + 23) + "): open file 0 (fd 3): access must be 0..2, found 3");
        assertThat(fileError(s, 24, 0x80)).contains("flags 0x80 has unknown bits set (only bits 0..6 are defined)");
        assertThat(fileError(s, 24, 0x40)).contains("descriptor 3 has the CONTENTS flag but no TMPF entry");
        assertThat(fileError(s, 24, 8)).contains("offset " + (payload + 24) + "): open file 0 (fd 3): only a socket has the "
                + "V6ONLY or REUSEPORT flag, found it on a stream");
        assertThat(fileError(s, 24, 16)).contains("only a socket has the V6ONLY or REUSEPORT flag, found it on a stream");
        assertThat(fileError(s, 24, 32)).contains("only a socket or a connection has the OPTIONS flag, found it on a stream");
        assertThat(fileError(s, 25, 1)).contains("std_source must be 0 for a stream, found 1");
        assertThat(fileError(s, 30, 'q')).contains("stream mode must be r, w or a followed by any of +bxe, found \"q\"");
        assertThat(fileError(s, 4, 0x80)).contains("open file 0: descriptor 2147483651 is out of range");
        assertThat(fileError(s, 8, 1)).contains("open file 0 (fd 3): a descriptor has no mode, found \"w\"");
        assertThat(fileError(s, 8, 4)).contains("a stdin position entry has no path, found \"/t/out\"");
        assertThat(fileError(s, 3, 2)).contains("truncated: open file count is 2");
    }

    @Test
    void socketOptionFlagsAreCheckedAgainstTheAddress() throws Exception {
        OpenFile stream = Fixtures.files().get(1);
        OpenFile udp4 = with(stream, OpenFile.Kind.LISTENING_SOCKET, "udp:10.211.0.2:53", "");
        OpenFile tcp4 = with(stream, OpenFile.Kind.LISTENING_SOCKET, "tcp:0.0.0.0:80", "");
        assertThat(filesError(List.of(withFlags(udp4, OpenFile.V6ONLY))))
                .contains("the V6ONLY flag on a socket whose address is not IPv6");
        assertThat(filesError(List.of(withFlags(tcp4, OpenFile.V6ONLY | OpenFile.REUSEPORT))))
                .contains("the V6ONLY flag on a socket whose address is not IPv6");
        // REUSEPORT on either family, V6ONLY on IPv6 (TCP or UDP): read back as written
        List<OpenFile> ok = List.of(withFlags(tcp4, OpenFile.REUSEPORT),
                withFlags(with(stream, OpenFile.Kind.LISTENING_SOCKET, "udp6:[::]:53", ""), OpenFile.V6ONLY),
                withFlags(with(Fixtures.files().get(1), OpenFile.Kind.LISTENING_SOCKET, "tcp6:[::]:80", ""),
                        OpenFile.V6ONLY | OpenFile.REUSEPORT));
        List<OpenFile> numbered = new ArrayList<>();
        for (int i = 0; i < ok.size(); i++) {
            OpenFile f = ok.get(i);
            numbered.add(new OpenFile(20 + i, f.kind(), 20 + i, f.path(), f.access(), f.flags(), 0, "", 0, 0, "socket"));
        }
        Checkpoint c = withFiles(numbered, PendingWait.NONE);
        assertThat(CheckpointReader.read(CheckpointWriter.write(c)).files()).isEqualTo(numbered);
    }

    /** Issue 12: SOPT, the listen backlog and options of FILE's sockets, is read strictly and checked against FILE. */
    @Test
    void socketOptionsAreReadStrictlyAndCheckedAgainstTheirSockets() throws Exception {
        OpenFile stream = Fixtures.files().get(1);
        OpenFile tcp4 = new OpenFile(20, OpenFile.Kind.LISTENING_SOCKET, 20, ByteString.utf8("tcp:0.0.0.0:80"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS, 0, "", 0, 0, "socket");
        OpenFile udp6 = new OpenFile(21, OpenFile.Kind.LISTENING_SOCKET, 21, ByteString.utf8("udp6:[::]:53"),
                OpenFile.Access.READ_WRITE, OpenFile.OPTIONS | OpenFile.V6ONLY, 0, "", 0, 0, "socket");
        assertThat(stream.kind()).isEqualTo(OpenFile.Kind.STREAM);
        Sections base = Sections.of(CheckpointWriter.write(withFiles(List.of(tcp4, udp6), PendingWait.NONE)));
        int at = base.indexOf("FILE") + 1;
        // tcp: backlog 7, SO_KEEPALIVE, SO_RCVBUF 65536, SO_LINGER on 5 s, SO_RCVTIMEO 2.5 s, TCP_KEEPIDLE 30,
        // TCP_DEFER_ACCEPT 7, TCP_FASTOPEN 16, IP_TOS 16; udp6: SO_BROADCAST, IPV6_TCLASS 32
        byte[] tcpEntry = entry(20, 1, 7, opt(2, 1, 0), opt(3, 65536, 0), opt(5, 1, 5), opt(9, 2, 500_000),
                opt(13, 30, 0), opt(16, 7, 0), opt(17, 16, 0), opt(20, 16, 0));
        byte[] udpEntry = entry(21, 0, 0, opt(7, 1, 0), opt(22, 32, 0));
        byte[] good = concat(u32(2), tcpEntry, udpEntry);
        assertThat(CheckpointReader.read(base.inserting(at, "SOPT", good).toBytes()).files()).containsExactly(tcp4, udp6);

        assertThat(corrupt(base.toBytes()).getMessage()).contains("socket 20 has the options flag but no entry in SOPT");
        assertThat(soptError(base, at, concat(u32(1), tcpEntry))).contains("socket 21 has the options flag but no entry in SOPT");
        assertThat(soptError(base, at, concat(u32(3), tcpEntry, udpEntry, entry(22, 0, 0))))
                .contains("descriptor 22 is not a socket of the FILE section (kind 3 or 6) with the options flag");
        assertThat(soptError(base, at, u32(0))).contains("no socket");
        assertThat(soptError(base, at, concat(u32(1000), tcpEntry))).contains("truncated: socket count is 1000");
        assertThat(soptError(base, at, concat(u32(2), udpEntry, tcpEntry))).contains("not in increasing order");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 2, 7), udpEntry))).contains("flags 0x02 out of range");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 0, 7), udpEntry))).contains("a backlog without its flag");
        assertThat(soptError(base, at, concat(u32(2), tcpEntry, entry(21, 1, 5)))).contains("a backlog on a UDP socket");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(25, 1, 0)), udpEntry)))
                .contains("option code 25 unknown or not in increasing order");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(0, 1, 0)), udpEntry))).contains("option code 0 unknown");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(3, 9, 0), opt(2, 1, 0)), udpEntry)))
                .contains("option code 2 unknown or not in increasing order");
        assertThat(soptError(base, at, concat(u32(2), tcpEntry, entry(21, 0, 0, opt(12, 1, 0)))))
                .contains("socket 21: option TCP_NODELAY does not apply to a UDP IPv6 socket");
        assertThat(soptError(base, at, concat(u32(2), tcpEntry, entry(21, 0, 0, opt(20, 1, 0)))))
                .contains("option IP_TOS does not apply");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(22, 1, 0)), udpEntry)))
                .contains("option IPV6_TCLASS does not apply to a TCP IPv4 socket");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(2, 2, 0)), udpEntry)))
                .contains("option SO_KEEPALIVE value 2, 0 out of range");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(2, 1, 1)), udpEntry)))
                .contains("option SO_KEEPALIVE value 1, 1 out of range");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(9, 1, 1_000_000)), udpEntry)))
                .contains("option SO_RCVTIMEO value 1, 1000000 out of range");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(5, 1, -1)), udpEntry)))
                .contains("option SO_LINGER value 1, -1 out of range");
        assertThat(soptError(base, at, concat(u32(2), entry(20, 1, 7, opt(13, 0, 0)), udpEntry)))
                .contains("option TCP_KEEPIDLE value 0, 0 out of range");
        assertThat(soptError(base, at, concat(good, new byte[] {0}))).contains("unexpected bytes");
        byte[] twice = base.inserting(at, "SOPT", good).inserting(at, "SOPT", good).toBytes();
        assertThat(corrupt(twice).getMessage()).contains("section SOPT appears twice");
        // a UDP socket without a backlog, an entry without options: both fine
        assertThat(CheckpointReader.read(base.inserting(at, "SOPT", concat(u32(2), entry(20, 1, -5), entry(21, 0, 0)))
                .toBytes()).files()).hasSize(2);
    }

    private static String soptError(Sections base, int at, byte[] payload) {
        CorruptCheckpointException e = corrupt(base.inserting(at, "SOPT", payload).toBytes());
        return e.getMessage();
    }

    private static byte[] entry(long fd, int flags, int backlog, byte[]... options) {
        return concat(u32(fd), new byte[] {(byte) flags}, u32(backlog & 0xFFFF_FFFFL), new byte[] {(byte) options.length},
                concat(options));
    }

    private static byte[] opt(int code, int a, int b) {
        return concat(new byte[] {(byte) code}, u32(a & 0xFFFF_FFFFL), u32(b & 0xFFFF_FFFFL));
    }

    private static OpenFile withFlags(OpenFile f, int flags) {
        return new OpenFile(f.fd(), f.kind(), f.description(), f.path(), f.access(), flags, f.stdSource(), f.mode(),
                0, 0, f.site());
    }

    @Test
    void fileEntriesAreCheckedAgainstTheirKind() {
        OpenFile stream = Fixtures.files().get(1);
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.STREAM, "", "w+bx")))).contains("a stream needs a path");
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.STREAM, "/x", "rw")))).contains("found \"rw\"");
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.LISTENING_SOCKET, "sctp:1.2.3.4:5", ""))))
                .contains("a socket's path must be tcp:<IPv4>:<port>, tcp6:[<IPv6>]:<port>, udp:<IPv4>:<port> or "
                        + "udp6:[<IPv6>]:<port>, found \"sctp:1.2.3.4:5\"");
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.LISTENING_SOCKET, "udp:1.2.3.400:5", ""))))
                .contains("found \"udp:1.2.3.400:5\"");
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.LISTENING_SOCKET, "udp6:[::1]:65536", ""))))
                .contains("found \"udp6:[::1]:65536\"");
        assertThat(filesError(List.of(with(stream, OpenFile.Kind.STANDARD_COPY, "/x", ""))))
                .contains("a standard copy entry has no path");
        OpenFile copy = new OpenFile(9, OpenFile.Kind.STANDARD_COPY, 0, ByteString.utf8(""), OpenFile.Access.WRITE_ONLY, 0, 3,
                "", 0, 0, "x.c:1:1");
        assertThat(filesError(List.of(copy))).contains("open file 0 (fd 9): std_source must be 0..2, found 3");
        OpenFile stdin = Fixtures.files().get(4);
        assertThat(filesError(List.of(stdin, stdin))).contains("open file 1 (fd 0): a second stdin position (the first is open file 0)");
        assertThat(filesError(List.of(stream, Fixtures.files().get(2), stream)))
                .contains("open file 2 (fd 4): descriptor 4 is already listed by open file 0");
    }

    @Test
    void tcpConnectionsAreCheckedAndMayNameTheirListener() throws Exception {
        OpenFile listener = new OpenFile(3, OpenFile.Kind.LISTENING_SOCKET, 1, ByteString.utf8("tcp:0.0.0.0:8080"),
                OpenFile.Access.READ_WRITE, 0, 0, "", 0, 0, "accept");
        OpenFile accepted = connection(4, "tcp:10.211.0.2:8080-10.211.0.1:40000", 0);
        OpenFile queued = connection(5, "tcp:10.211.0.2:8080-10.211.0.1:40002", 4);
        OpenFile outgoing = connection(6, "tcp6:[fd00::2]:51000-[fd00::1]:443", 0);
        Checkpoint c = withFiles(List.of(listener, accepted, queued, outgoing), new PendingWait(false, 0));
        assertThat(CheckpointReader.read(CheckpointWriter.write(c))).isEqualTo(c);

        assertThat(filesError(List.of(connection(4, "tcp:10.211.0.2:8080", 0))))
                .contains("a connection's path must be tcp:<IPv4>:<port>-<IPv4>:<port>");
        assertThat(filesError(List.of(connection(4, "tcp:1.2.3.4:1-5.6.7.8:2-9.9.9.9:3", 0)))).contains("found");
        assertThat(filesError(List.of(connection(4, "tcp6:[::1]:1-5.6.7.8:2", 0)))).contains("found");
        assertThat(filesError(List.of(connection(4, "tcp:1.2.3.4:1-5.6.7.8:65536", 0)))).contains("found");
        assertThat(filesError(List.of(listener, connection(4, "tcp:1.2.3.4:1-5.6.7.8:2", 9))))
                .contains("a connection in the backlog of descriptor 8, which is not a listening TCP socket");
        assertThat(filesError(List.of(connection(4, "tcp:1.2.3.4:1-5.6.7.8:2", 0x8000_0001L))))
                .contains("a connection's offset");
    }

    /**
     * Issue 12: a connection (kind 6) has an SOPT entry when it has the options flag: the options its program set,
     * never a backlog, nor TCP_MAXSEG (the TCP repair carries the MSS) nor TCP_FASTOPEN (not settable once connected).
     */
    @Test
    void connectionOptionsAreCheckedAgainstTheirConnection() throws Exception {
        OpenFile plain = connection(4, "tcp:10.211.0.2:8080-10.211.0.1:40000", 0);
        OpenFile conn = withFlags(plain, OpenFile.OPTIONS);
        OpenFile conn6 = withFlags(connection(5, "tcp6:[fd00::2]:51000-[fd00::1]:443", 0), OpenFile.OPTIONS);
        Sections base = Sections.of(CheckpointWriter.write(withFiles(List.of(conn, conn6), PendingWait.NONE)));
        int at = base.indexOf("FILE") + 1;
        // SO_RCVBUF 50000, SO_LINGER on 7 s, TCP_USER_TIMEOUT 12345, IP_TOS 16, TCP_NOTSENT_LOWAT 16384; IPV6_TCLASS 32
        byte[] e4 = entry(4, 0, 0, opt(3, 50_000, 0), opt(5, 1, 7), opt(19, 12_345, 0), opt(20, 16, 0), opt(24, 16_384, 0));
        byte[] e6 = entry(5, 0, 0, opt(22, 32, 0));
        assertThat(CheckpointReader.read(base.inserting(at, "SOPT", concat(u32(2), e4, e6)).toBytes()).files())
                .containsExactly(conn, conn6);

        assertThat(corrupt(base.toBytes()).getMessage()).contains("socket 4 has the options flag but no entry in SOPT");
        assertThat(soptError(base, at, concat(u32(2), entry(4, 1, 5), e6))).contains("socket 4: a backlog on a connection");
        assertThat(soptError(base, at, concat(u32(2), entry(4, 0, 0, opt(18, 1400, 0)), e6)))
                .contains("socket 4: option TCP_MAXSEG is not carried on a connection");
        assertThat(soptError(base, at, concat(u32(2), entry(4, 0, 0, opt(17, 16, 0)), e6)))
                .contains("socket 4: option TCP_FASTOPEN is not carried on a connection");
        assertThat(soptError(base, at, concat(u32(2), e4, entry(5, 0, 0, opt(20, 16, 0)))))
                .contains("socket 5: option IP_TOS does not apply to a TCP IPv6 socket");
        assertThat(soptError(base, at, concat(u32(2), entry(4, 0, 0, opt(24, -1, 0)), e6)))
                .contains("option TCP_NOTSENT_LOWAT value -1, 0 out of range");
        // an entry for a connection without the flag
        Sections noFlag = Sections.of(CheckpointWriter.write(withFiles(List.of(plain, conn6), PendingWait.NONE)));
        assertThat(soptError(noFlag, at, concat(u32(2), e4, e6)))
                .contains("descriptor 4 is not a socket of the FILE section (kind 3 or 6) with the options flag");
    }

    private static OpenFile connection(long fd, String path, long listenerPlusOne) {
        return new OpenFile(fd, OpenFile.Kind.TCP_CONNECTION, fd, ByteString.utf8(path), OpenFile.Access.READ_WRITE, 0, 0, "",
                listenerPlusOne, 0, "accept (a connection)");
    }

    @Test
    void validFileEntryVariantsAreAccepted() throws Exception {
        OpenFile stream = Fixtures.files().get(1);
        List<OpenFile> files = List.of(
                with(stream, OpenFile.Kind.STREAM, "/x", "w+bxe"),
                // stdin's own position and a descriptor 0 reopened by the program do not collide
                Fixtures.files().get(4),
                new OpenFile(0, OpenFile.Kind.DESCRIPTOR, 7, ByteString.utf8("/in"), OpenFile.Access.READ_ONLY, 0, 0, "",
                        0, 0, "read"),
                new OpenFile(9, OpenFile.Kind.LISTENING_SOCKET, 8, ByteString.utf8("tcp6:[::1]:80"), OpenFile.Access.READ_WRITE,
                        OpenFile.KNOWN_FLAGS & ~OpenFile.OPTIONS & ~OpenFile.CONTENTS, 0, "", 0, 0, "accept"),
                new OpenFile(10, OpenFile.Kind.LISTENING_SOCKET, 9, ByteString.utf8("udp:10.211.0.2:53"),
                        OpenFile.Access.READ_WRITE, 0, 0, "", 0, 0, "recvfrom"),
                new OpenFile(11, OpenFile.Kind.LISTENING_SOCKET, 10, ByteString.utf8("udp6:[::]:0"),
                        OpenFile.Access.READ_WRITE, 0, 0, "", 0, 0, "sendto"),
                new OpenFile(0x7FFF_FFFFL, OpenFile.Kind.STANDARD_COPY, 0xFFFF_FFFFL, ByteString.utf8(""),
                        OpenFile.Access.READ_WRITE, 0, 2, "", 0, 0, "x.c:1:1"));
        Checkpoint c = withFiles(files, new PendingWait(true, -1L));
        Checkpoint read = CheckpointReader.read(CheckpointWriter.write(c));
        assertThat(read).isEqualTo(c);
        assertThat(Long.toUnsignedString(read.pendingWait().remainingNanos())).isEqualTo("18446744073709551615");
    }

    @Test
    void waitSectionIsChecked() {
        Sections s = Sections.of(CheckpointWriter.write(Fixtures.small()));
        int payload = s.offsetOf(s.indexOf("WAIT")) + 12;
        assertThat(corrupt(s.withPayload("WAIT", p -> { p[0] = 2; return p; }).toBytes()).getMessage())
                .contains("section WAIT (offset " + payload + "): has_remaining must be 0 or 1, found 2");
        assertThat(corrupt(s.withPayload("WAIT", p -> { p[0] = 0; return p; }).toBytes()).getMessage())
                .contains("section WAIT (offset " + (payload + 1) + "): remaining_ns is 500 but has_remaining is 0 (expected 0)");
        assertThat(corrupt(s.withPayload("WAIT", p -> Arrays.copyOf(p, p.length + 1)).toBytes()).getMessage())
                .contains("section WAIT (offset " + (payload + 9) + "): 1 unexpected bytes after the end");
        assertThat(corrupt(s.withPayload("WAIT", p -> Arrays.copyOf(p, 5)).toBytes()).getMessage())
                .contains("truncated: remaining_ns needs 8 bytes but only 4 remain");
    }

    private static String badStream(Value.OpenStream stream) {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.set(22, new GlobalVar("report", "report", "app.c:24:7", Fixtures.FILE_PTR, stream));
        CorruptCheckpointException e = corrupt(CheckpointWriter.write(
                new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait())));
        assertThat(e.section()).contains("GLOB");
        return e.getMessage();
    }

    private static String fileError(Sections s, int at, int value) {
        CorruptCheckpointException e = corrupt(s.withPayload("FILE", p -> { p[at] = (byte) value; return p; }).toBytes());
        assertThat(e.section()).contains("FILE");
        return e.getMessage();
    }

    private static OpenFile with(OpenFile f, OpenFile.Kind kind, String path, String mode) {
        return new OpenFile(f.fd(), kind, f.description(), ByteString.utf8(path), f.access(), f.flags(), f.stdSource(), mode,
                f.offset(), f.size(), f.site());
    }

    /** small() without its stream pointer, with these open files. */
    private static Checkpoint withFiles(List<OpenFile> files, PendingWait wait) {
        Checkpoint s = Fixtures.small();
        Frame main = s.frames().getFirst();
        Frame noStream = new Frame(main.function(), main.functionId(), main.point(), main.pointPos(), main.vars().subList(0, 2));
        return new Checkpoint(s.meta(), s.types(), s.strings(), s.globals(), List.of(noStream), s.heap(), files, wait);
    }

    private static String filesError(List<OpenFile> files) {
        CorruptCheckpointException e = corrupt(CheckpointWriter.write(withFiles(files, PendingWait.NONE)));
        assertThat(e.section()).contains("FILE");
        return e.getMessage();
    }

    // ------------------------------------------------------------------ helpers

    private static String badPointer(Value.ObjectRef ref) {
        Checkpoint c = withCountPtr(Fixtures.full(), ref);
        CorruptCheckpointException e = corrupt(CheckpointWriter.write(c));
        assertThat(e.section()).contains("GLOB");
        return e.getMessage();
    }

    private static String heapError(HeapBlock block) {
        Checkpoint c = Fixtures.full();
        List<HeapBlock> heap = new ArrayList<>(c.heap());
        heap.add(block);
        CorruptCheckpointException e = corrupt(CheckpointWriter.write(
                new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), heap, c.files(), c.pendingWait())));
        assertThat(e.section()).contains("HEAP");
        return e.getMessage();
    }

    private static ByteString noBytes() {
        return ByteString.of(new byte[0]);
    }

    private static Checkpoint withCountPtr(Checkpoint c, Value.ObjectRef ref) {
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.set(21, new GlobalVar("count_ptr", "count_ptr", "app.c:23:6", Fixtures.INT_PTR, ref));
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static Checkpoint withTypes(List<TypeDesc> types) {
        Checkpoint s = Fixtures.small();
        return new Checkpoint(s.meta(), types, List.of(), List.of(),
                List.of(new Frame("main", 0, 2, "t.c:9:3", List.of())), List.of());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(u32(b.length), b);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
