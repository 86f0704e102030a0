package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.Ptr;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.Value.IntValue;
import dev.talent.format.Value.ObjectKind;
import dev.talent.format.Value.ObjectRef;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A crafted checkpoint whose every name and path carries terminal control sequences: inspect must show, not obey. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InspectEscapingTest {
    /** Clears the screen, homes the cursor, rewrites the line, deletes a character, overrides the text direction. */
    static final String EVIL = "x\u001b[2J\u001b[H\rforged\b\u0007\u009b31m\u202egnp.exe\u2028y\u007f";

    static Checkpoint hostile() {
        return hostile("w" + EVIL);
    }

    /** {@code mode}: the stream's mode, which a reader checks against fopen's grammar. */
    static Checkpoint hostile(String mode) {
        List<TypeDesc> types = List.of(
                new SInt("int" + EVIL, 4, 32),
                new Ptr("int *", 8, "int", 0),
                new StructT("struct " + EVIL, 8, List.of(new Field("f" + EVIL, 0, 0), new Field("p", 1, 0))),
                new SInt("char", 1, 8),
                new ArrayT("char[4]", 4, 3, 4),
                new Ptr("FILE *", 8, "FILE", TypeDesc.UNKNOWN_TYPE),
                new TypeDesc.FuncPtr("void (*)(void)", 8));
        byte[] path = ("/tmp/" + EVIL + "/\u001b]0;title\u0007name").getBytes(StandardCharsets.UTF_8);
        Meta meta = new Meta("0123456789abcdef0123456789abcdef", "prog" + EVIL, "x86_64" + EVIL, 64, false, 1_000_000_000L,
                1, "signal" + EVIL, 3, 2, "t.c:9:3" + EVIL, "main" + EVIL,
                List.of(ByteString.utf8("prog"), ByteString.utf8("arg" + EVIL), ByteString.of(new byte[] {'a', (byte) 0xff, 0x1b})));
        return new Checkpoint(meta, types, List.of(ByteString.utf8("s" + EVIL)),
                List.of(new GlobalVar("g" + EVIL, "g" + EVIL, "t.c:1:5" + EVIL, 2,
                                new Value.StructValue(List.of(new IntValue(BigInteger.ONE),
                                        new ObjectRef(ObjectKind.GLOBAL, 0, 0, List.of(0L), 0)))),
                        new GlobalVar("fn", "fn", "t.c:2:5", 6, new Value.FunctionValue("handler" + EVIL))),
                List.of(new Frame("main" + EVIL, 0, 2, "t.c:9:3" + EVIL, List.of(
                        new FrameVar(0, "v" + EVIL, "t.c:8:8" + EVIL, 0, new IntValue(BigInteger.TWO)),
                        new FrameVar(1, "p", "t.c:8:9", 1, new ObjectRef(ObjectKind.FRAME_VARIABLE, 0, 0, List.of(), 0)),
                        new FrameVar(2, "s", "t.c:8:20", 5, new Value.OpenStream(0)),
                        new FrameVar(3, "c", "t.c:8:30", 4, new Value.ArrayValue(List.of(new IntValue(BigInteger.valueOf(27)),
                                new IntValue(BigInteger.valueOf(13)), new IntValue(BigInteger.valueOf(8)), new IntValue(BigInteger.ZERO))))))),
                List.of(new HeapBlock(1, "t.c:7:9" + EVIL, false, 0, List.of(new IntValue(BigInteger.ONE)), ByteString.of(new byte[0]))),
                List.of(new OpenFile(3, OpenFile.Kind.STREAM, 0, ByteString.of(path), OpenFile.Access.WRITE_ONLY, 0, 0,
                        mode, 5, 5, "t.c:5:9" + EVIL)),
                PendingWait.NONE);
    }

    /** True when the text holds nothing a terminal would act on but line breaks. */
    static void assertTerminalSafe(String text) {
        text.codePoints().forEach(cp -> assertThat(cp == '\n' || !SafeText.needsEscape(cp))
                .as("U+%04X in %s", cp, text).isTrue());
    }

    @Test
    void safeTextEscapesControlsBidiAndInvalidUtf8() {
        assertThat(SafeText.escape("plain/path-ü.c")).isEqualTo("plain/path-ü.c");
        assertThat(SafeText.escape("a\u001b[2J\r\b\n\t\\\u007f\u0085\u202e\u2028\u200b"))
                .isEqualTo("a\\e[2J\\r\\x08\\n\\t\\\\\\x7f\\u0085\\u202e\\u2028\\u200b");
        assertThat(SafeText.escape("\ud800x")).isEqualTo("\\ud800x");
        assertThat(SafeText.escape("emoji \ud83d\ude00")).isEqualTo("emoji \ud83d\ude00");
        assertThat(SafeText.escape(new byte[] {'o', 'k', (byte) 0xff, 0x1b, (byte) 0xc3, (byte) 0xa9, (byte) 0xc3}))
                .isEqualTo("ok\\xff\\eé\\xc3");
    }

    @Test
    void textShowsEveryNameAndPathEscaped() {
        String text = InspectRenderer.text(hostile());

        assertTerminalSafe(text);
        String shown = SafeText.escape(EVIL);
        assertThat(shown).doesNotContain("\u001b", "\r", "\b", "\u202e");
        assertThat(text).contains("checkpoint of prog" + shown + "\n")
                .contains("x86_64" + shown + " (64-bit pointers")
                .contains("in main" + shown + "() at t.c:9:3" + shown)
                .contains("reason       signal" + shown + "\n")
                .contains("#0 main" + shown + "() at t.c:9:3" + shown)
                .contains("v" + shown + " : int" + shown + " = 2   (t.c:8:8" + shown + ")")
                .contains("p : int * = &frame#0:v" + shown)
                .contains("g" + shown + " : struct " + shown + " = { f" + shown + " = 1, p = &g" + shown + ".f" + shown + " }")
                .contains("&handler" + shown)
                .contains("heap#1 : 1 x int" + shown)
                .contains("(allocated at t.c:7:9" + shown + ")")
                .contains("mode w" + shown)
                .contains("(site: t.c:5:9" + shown + ")")
                .contains("stream#0 (\\e]0;title\\x07name, w" + shown + ")");
        // Every line of the output is one the renderer wrote: none was forged by a name.
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).doesNotStartWith("forged").doesNotStartWith("y"));
    }

    @Test
    void jsonKeepsTheTextButEscapesWhatATerminalWouldObey() throws Exception {
        String json = InspectRenderer.json(hostile());

        assertTerminalSafe(json);
        assertThat(json).contains("\\u001B[2J").contains("\\u007F").contains("\\u009b").contains("\\u202e").contains("\\u2028");
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.path("program").asText()).isEqualTo("prog" + EVIL);
        assertThat(root.path("frames").get(0).path("variables").get(0).path("name").asText()).isEqualTo("v" + EVIL);
        assertThat(root.path("files").get(0).path("mode").asText()).isEqualTo("w" + EVIL);
        assertThat(root.path("globals").get(0).path("value").has("f" + EVIL)).isTrue();
    }

    @Test
    void aHostileCheckpointSurvivesTheFileFormat() throws Exception {
        // Written and read back: what the reader accepts, the renderer escapes. (A reader that refuses such names is
        // fine too; talent-cli's InspectCommandTest checks that its message is printed escaped.)
        byte[] file = CheckpointWriter.write(hostile("w"));
        Checkpoint read;
        try {
            read = CheckpointReader.read(file, "hostile.tck");
        } catch (CorruptCheckpointException e) {
            return;
        }
        assertThat(read.meta().program()).isEqualTo("prog" + EVIL);
        assertTerminalSafe(InspectRenderer.text(read));
        assertTerminalSafe(InspectRenderer.json(read));
    }
}
