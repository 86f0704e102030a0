package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InspectRendererTest {
    private final Checkpoint checkpoint = Fixtures.full();

    @Test
    void textShowsTheHeader() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("checkpoint of app")
                .contains("fingerprint  0123456789abcdef0123456789abcdef")
                .contains("s390x (64-bit pointers, big-endian)")
                .contains("point 7 in compute() at app.c:42:5")
                .contains("2026-11-27T21:00:00.123456789Z")
                .contains("sequence     3")
                .contains("stop-after")
                .contains("visits       1000")
                .contains("\"app\" \"-n\" \"5\\xff\"");
    }

    @Test
    void textListsFramesOutermostFirstWithTheirVariables() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text.indexOf("#0 main() at app.c:30:9")).isPositive()
                .isLessThan(text.indexOf("#1 compute() at app.c:42:5"));
        assertThat(text).contains("argc : int = 3")
                .contains("data : int[4] = [10, 20, 30, 40]")
                .contains("x : int = -5");
    }

    @Test
    void textRendersEveryPointerForm() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("origin_y : int * = &grid[1].y")
                .contains("inner : int * = &frame#1:local[2]")
                .contains("outer : int * = &frame#0:data")
                .contains("msg : char * = \"hello world\"+6")
                .contains("out : FILE * = stdout")
                .contains("nothing : int * = NULL")
                .contains("handler : int (*)(int) = &compute")
                .contains("no_handler : int (*)(int) = NULL")
                .contains("head : struct node * = &heap#1[0]")
                .contains("grid_end : int * = &grid[3]")
                .contains("counter_byte : char * = (char *)&counter + 1")
                .contains("args : char ** = &argv[1]")
                .contains("opt : char * = &argv[1][1]")
                // Two globals named count: pointers use the key of the internal-linkage one.
                .contains("count_ptr : int * = &util.c:count");
    }

    @Test
    void textShowsEveryHeapBlockWithIdTypeCountFlagsAndAllocationSite() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("\nheap: 4 blocks\n")
                .contains("    heap#1 : 2 x struct node = [{ value = 1, next = &heap#1[1], flags = 5 }, "
                        + "{ value = 2, next = NULL, flags = 0 }]   (allocated at app.c:50:10)\n")
                .contains("    heap#2 : 0 x int = []   (allocated at app.c:51:10)\n")
                .contains("    heap#3 : 5 x unsigned char, untyped = {01 02 ff 00 7f}   (allocated at app.c:52:10)\n")
                .contains("    heap#12 : 1 x struct node + 3 tail bytes = [{ value = 3, next = &heap#1[0], flags = 0 }]"
                        + " + tail {de ad be}   (allocated at app.c:53:10)\n");
    }

    @Test
    void pointersIntoHeapBlocksFollowTheirPath() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("cursor : int * = &heap#1[1].value")
                .contains("raw : char * = &heap#3[2]")
                .contains("head : struct node * = &heap#1[0]");
    }

    @Test
    void untypedBytesAreCutShortWithTheirCount() {
        Checkpoint c = Fixtures.full();
        List<Value> bytes = java.util.stream.IntStream.range(0, 100).mapToObj(k -> (Value) Fixtures.i(k)).toList();
        List<HeapBlock> heap = List.of(new HeapBlock(7, "big.c:1:1", true, Fixtures.UCHAR, bytes, ByteString.of(new byte[0])));
        Checkpoint big = new Checkpoint(c.meta(), c.types(), c.strings(), List.of(),
                List.of(new Frame("compute", 1, 7, "app.c:42:5", List.of())), heap);
        String text = InspectRenderer.text(big);
        assertThat(text).contains("heap: 1 block\n")
                .contains("heap#7 : 100 x unsigned char, untyped = {00 01 02 ")
                .contains(" 3e 3f ... (100 bytes)}   (allocated at big.c:1:1)")
                .doesNotContain(" 40 ");
    }

    @Test
    void emptyHeapIsSaidSo() {
        Checkpoint c = Fixtures.full();
        Checkpoint noHeap = new Checkpoint(c.meta(), c.types(), c.strings(), c.globals().subList(0, 16), c.frames()
                .stream().map(f -> new Frame(f.function(), f.functionId(), f.point(), f.pointPos(), List.of())).toList(),
                List.of());
        assertThat(InspectRenderer.text(noHeap)).endsWith("\nheap: no blocks\n\nopen files: none\n")
                .contains("  pending wait none\n");
    }

    @Test
    void textListsEveryOpenFileWithItsKindPathModeAccessPositionAndSite() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("\nopen files: 7\n"
                + "    #0 fd 3 descriptor \"/d/caf\\xe9\", read-only, close-on-exec, offset 10, size 100   (site: app.c:60:9)\n"
                + "    #1 fd 4 stream \"/data/out.txt\", mode w, write-only, offset 120, size 120, shares its description with fd 5"
                + "   (site: app.c:61:11)\n"
                + "    #2 fd 5 descriptor \"/data/out.txt\", write-only, offset 120, size 120, shares its description with fd 4"
                + "   (site: app.c:62:9)\n"
                + "    #3 fd 6 listening socket \"tcp:127.0.0.1:8080\", read-write, non-blocking, backlog unknown (listen() not seen),"
                + " SOMAXCONN at restore   (site: accept)\n"
                + "    #4 stdin position, read-only, offset 40, size 81   (site: stdin)\n"
                + "    #5 fd 7 copy of stdout, write-only   (site: app.c:63:5)\n"
                + "    #6 fd 8 stream \"/data/log.txt\", mode a+, read-write, append, offset 7, size 7   (site: app.c:64:11)\n");
    }

    @Test
    void textShowsStreamPointersByEntryFileNameAndModeAndThePendingWait() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("report : FILE * = stream#1 (out.txt, w)   (app.c:24:7)")
                .contains("  pending wait 1.25 s remaining of an interrupted sleep (1250000000 ns)\n");
        assertThat(InspectRenderer.seconds(-1L)).isEqualTo("18446744073.709551615");
        assertThat(InspectRenderer.seconds(3_000_000_000L)).isEqualTo("3");
    }

    @Test
    void textRendersAggregatesAndScalars() {
        String text = InspectRenderer.text(checkpoint);
        assertThat(text).contains("grid : struct point[3] = [{ x = 1, y = 2 }, { x = 3, y = -4 }, { x = 5, y = 6 }]")
                .contains("n : union num = { i = -7 }")
                .contains("label : char[6] = \"hi\"")
                .contains("ready : _Bool = true")
                .contains("ratio : float = 0.1")
                .contains("huge : unsigned __int128 = 1267650600228229401496703205376")
                .contains("big : unsigned long = 18446744073709551615")
                .contains("third : long double = 0xc.90fdaa22168c235p-2 (3.14159265358979323851)")
                .contains("{ value = 1, next = &heap#1[1], flags = 5 }");
    }

    @Test
    void textCutsLongArraysShortWithTheirCount() {
        String text = InspectRenderer.text(checkpoint);
        String samples = text.lines().filter(l -> l.contains("samples :")).findFirst().orElseThrow();
        assertThat(samples).contains("7.5, ... (20 elements)]").doesNotContain("8.0");
    }

    @Test
    void longDoubleApproximationIsExact() {
        assertThat(ValueText.approximateDecimal("0x1.8p+1")).contains("3");
        assertThat(ValueText.approximateDecimal("-0x1p-2")).contains("-0.25");
        assertThat(ValueText.approximateDecimal("inf")).isEmpty();
    }

    @Test
    void charArrayWithBytesAfterTheNulShowsThemAll() {
        Checkpoint c = withLabel(Fixtures.chars("a\0b", 6));
        assertThat(InspectRenderer.text(c)).contains("label : char[6] = \"a\\0b\"");
        Checkpoint full = withLabel(Fixtures.chars("abcdef", 6));
        assertThat(InspectRenderer.text(full)).contains("label : char[6] = \"abcdef\" (no NUL)");
    }

    @Test
    void jsonHasTheSameContentInAStableShape() throws Exception {
        JsonNode root = new ObjectMapper().readTree(InspectRenderer.json(checkpoint));
        assertThat(root.get("schema").asText()).isEqualTo("talent-inspect/1");
        assertThat(root.get("site").get("function").asText()).isEqualTo("compute");
        assertThat(root.get("time").asText()).isEqualTo("2026-11-27T21:00:00.123456789Z");
        assertThat(root.get("argv").get(2).get("hex").asText()).isEqualTo("35ff");
        JsonNode frames = root.get("frames");
        assertThat(frames.get(0).get("function").asText()).isEqualTo("main");
        JsonNode inner = frames.get(0).get("variables").get(4);
        assertThat(inner.get("name").asText()).isEqualTo("inner");
        assertThat(inner.get("value").get("pointer").asText()).isEqualTo("&frame#1:local[2]");
        assertThat(inner.get("value").get("object").asText()).isEqualTo("frame-variable");

        JsonNode globals = root.get("globals");
        assertThat(globals.get(1).get("value").get(1).get("y").asInt()).isEqualTo(-4);
        assertThat(globals.get(8).get("value")).hasSize(20); // JSON keeps every element
        assertThat(globals.get(7).get("value").isNull()).isTrue();
        assertThat(globals.get(4).get("value").get("stream").asText()).isEqualTo("stdout");
        assertThat(globals.get(5).get("value").get("function").asText()).isEqualTo("compute");
        assertThat(globals.get(15).get("value").bigIntegerValue()).hasToString("18446744073709551615");
        assertThat(globals.get(13).get("value").floatValue()).isEqualTo(0.1f);
        assertThat(root.get("heap").get(0).get("elements").get(0).get("next").get("pointer").asText())
                .isEqualTo("&heap#1[1]");
        JsonNode untyped = root.get("heap").get(2);
        assertThat(untyped.get("id").asLong()).isEqualTo(3);
        assertThat(untyped.get("untyped").asBoolean()).isTrue();
        assertThat(untyped.get("elementType").asText()).isEqualTo("unsigned char");
        assertThat(untyped.get("count").asInt()).isEqualTo(5);
        assertThat(untyped.get("allocatedAt").asText()).isEqualTo("app.c:52:10");
        assertThat(untyped.get("elements").get(2).asInt()).isEqualTo(255);
        assertThat(untyped.get("tail").asText()).isEmpty();
        JsonNode withTail = root.get("heap").get(3);
        assertThat(withTail.get("untyped").asBoolean()).isFalse();
        assertThat(withTail.get("tail").asText()).isEqualTo("deadbe");
        assertThat(frames.get(1).get("variables").get(3).get("value").get("pointer").asText())
                .isEqualTo("&heap#1[1].value");
        assertThat(frames.get(1).get("variables").get(3).get("value").get("path")).hasSize(2);
        assertThat(root.get("types")).hasSize(checkpoint.types().size());
        assertThat(root.get("types").get(Fixtures.FILE_PTR).get("pointeeType").isNull()).isTrue();
        assertThat(globals.get(22).get("value").get("pointer").asText()).isEqualTo("stream#1 (out.txt, w)");
        assertThat(globals.get(22).get("value").get("openStream").asInt()).isEqualTo(1);
        JsonNode files = root.get("files");
        assertThat(files).hasSize(7);
        assertThat(files.get(0).get("path").get("hex").asText()).isEqualTo("2f642f636166e9");
        assertThat(files.get(0).get("flags").get("closeOnExec").asBoolean()).isTrue();
        JsonNode stream = files.get(1);
        assertThat(stream.get("index").asInt()).isEqualTo(1);
        assertThat(stream.get("fd").asInt()).isEqualTo(4);
        assertThat(stream.get("kind").asText()).isEqualTo("stream");
        assertThat(stream.get("description").asInt()).isEqualTo(1);
        assertThat(stream.get("path").asText()).isEqualTo("/data/out.txt");
        assertThat(stream.get("access").asText()).isEqualTo("write-only");
        assertThat(stream.get("mode").asText()).isEqualTo("w");
        assertThat(stream.get("offset").asLong()).isEqualTo(120);
        assertThat(stream.get("size").asLong()).isEqualTo(120);
        assertThat(stream.get("site").asText()).isEqualTo("app.c:61:11");
        assertThat(files.get(3).get("kind").asText()).isEqualTo("listening-socket");
        assertThat(files.get(3).get("flags").get("nonBlocking").asBoolean()).isTrue();
        assertThat(files.get(5).get("stdSource").asInt()).isEqualTo(1);
        assertThat(files.get(6).get("flags").get("append").asBoolean()).isTrue();
        assertThat(root.get("pendingWait").get("interrupted").asBoolean()).isTrue();
        assertThat(root.get("pendingWait").get("remainingNs").asLong()).isEqualTo(1_250_000_000L);
        assertThat(InspectRenderer.json(checkpoint)).isEqualTo(InspectRenderer.json(Fixtures.full()));
    }

    @Test
    void jsonWritesNonFiniteFloatsAsText() throws Exception {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new java.util.ArrayList<>(c.globals());
        globals.set(13, new GlobalVar("ratio", "ratio", "app.c:16:7", Fixtures.FLOAT,
                Value.FloatValue.ofFloat(Float.NEGATIVE_INFINITY)));
        Checkpoint withInf = new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
        JsonNode root = new ObjectMapper().readTree(InspectRenderer.json(withInf));
        assertThat(root.get("globals").get(13).get("value").asText()).isEqualTo("-inf");
        assertThat(InspectRenderer.text(withInf)).contains("ratio : float = -inf");
    }

    @Test
    void writeJsonStreamsTheSameDocumentAndLeavesTheWriterOpen() throws Exception {
        boolean[] closed = {false};
        StringWriter out = new StringWriter() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        InspectRenderer.writeJson(checkpoint, out);
        assertThat(out.toString()).isEqualTo(InspectRenderer.json(checkpoint)).startsWith("{\n").endsWith("}\n");
        assertThat(closed[0]).as("the caller's writer is not closed").isFalse();
    }

    @Test
    void jsonKeepsEveryMemberWhenAFieldNameTakesTheFallbackKey() throws Exception {
        // Only a forged file names a field "#1"; the unnamed field 1 must not overwrite it.
        Checkpoint c = Fixtures.full();
        List<TypeDesc> types = new ArrayList<>(c.types());
        int odd = types.size();
        types.add(new TypeDesc.StructT("struct odd", 12, List.of(new TypeDesc.Field("#1", Fixtures.INT, 0),
                new TypeDesc.Field("", Fixtures.INT, 0), new TypeDesc.Field("x", Fixtures.INT, 0))));
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar("odd", "odd", "app.c:20:1", odd,
                new Value.StructValue(List.of(Fixtures.i(1), Fixtures.i(2), Fixtures.i(3)))));
        Checkpoint forged = new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(),
                c.pendingWait());

        JsonNode value = new ObjectMapper().readTree(InspectRenderer.json(forged)).get("globals").get(globals.size() - 1)
                .get("value");

        assertThat(value.toString()).isEqualTo("{\"#1\":1,\"#1'\":2,\"x\":3}");
    }

    private static Checkpoint withLabel(Value.ArrayValue label) {
        Checkpoint c = Fixtures.full();
        List<GlobalVar> globals = new java.util.ArrayList<>(c.globals());
        globals.set(10, new GlobalVar("label", "label", "app.c:13:6", Fixtures.CHAR6, label));
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }
}
