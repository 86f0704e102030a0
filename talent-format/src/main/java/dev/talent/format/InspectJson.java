package dev.talent.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Compound;
import dev.talent.format.TypeDesc.Field;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of {@code talent inspect} (schema {@code talent-inspect/1}). Keys always appear in the same order;
 * u64 quantities are unsigned JSON numbers; raw byte strings are JSON strings when they are UTF-8, else
 * {@code {"hex": "..."}}; every array element is included.
 */
final class InspectJson {
    static final String SCHEMA = "talent-inspect/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        // JSON escapes only C0 controls; DEL, C1 controls, bidi overrides and the other characters SafeText escapes
        // are valid JSON but act on a terminal that shows the document, so they are written as backslash-u escapes too.
        MAPPER.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
    }
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Checkpoint checkpoint;
    private final ValueText text;

    InspectJson(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.text = new ValueText(checkpoint);
    }

    String document() {
        try {
            return MAPPER.writeValueAsString(tree()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    ObjectNode tree() {
        Meta m = checkpoint.meta();
        ObjectNode root = NODES.objectNode();
        root.put("schema", SCHEMA);
        root.put("program", m.program());
        root.put("fingerprint", m.fingerprint());
        root.put("platform", m.platform());
        root.put("pointerBits", m.pointerBits());
        root.put("byteOrder", m.bigEndian() ? "big" : "little");
        ObjectNode site = root.putObject("site");
        site.put("point", m.point());
        site.put("function", m.function());
        site.put("position", m.pointPos());
        root.put("time", DateTimeFormatter.ISO_INSTANT.format(m.time()));
        root.put("timeNs", m.timeNanos());
        root.set("sequence", unsigned(m.sequence()));
        root.put("reason", m.reason());
        root.set("visits", unsigned(m.visits()));
        ArrayNode argv = root.putArray("argv");
        m.argv().forEach(a -> argv.add(bytes(a)));

        ArrayNode frames = root.putArray("frames");
        for (int i = 0; i < checkpoint.frames().size(); i++) {
            Frame f = checkpoint.frames().get(i);
            ObjectNode frame = frames.addObject();
            frame.put("index", i);
            frame.put("function", f.function());
            frame.put("functionId", f.functionId());
            frame.put("point", f.point());
            frame.put("position", f.pointPos());
            ArrayNode vars = frame.putArray("variables");
            for (FrameVar v : f.vars()) {
                ObjectNode var = vars.addObject();
                var.put("id", v.varId());
                variable(var, v.name(), v.declPos(), v.type(), v.value());
            }
        }

        ArrayNode globals = root.putArray("globals");
        for (GlobalVar g : checkpoint.globals()) {
            ObjectNode global = globals.addObject();
            global.put("key", g.key());
            variable(global, g.name(), g.declPos(), g.type(), g.value());
        }

        ArrayNode heap = root.putArray("heap");
        for (HeapBlock b : checkpoint.heap()) {
            ObjectNode block = heap.addObject();
            block.put("id", b.blockId());
            block.put("allocatedAt", b.allocPos());
            block.put("untyped", b.untyped());
            block.put("elementType", checkpoint.type(b.elementType()).name());
            block.put("elementTypeId", b.elementType());
            block.put("count", b.elements().size());
            ArrayNode elements = block.putArray("elements");
            b.elements().forEach(v -> elements.add(value(b.elementType(), v)));
            // The tail is raw memory, never text: always hex.
            block.put("tail", HexFormat.of().formatHex(b.tail().toByteArray()));
        }

        ArrayNode files = root.putArray("files");
        for (int i = 0; i < checkpoint.files().size(); i++) {
            OpenFile f = checkpoint.files().get(i);
            ObjectNode entry = files.addObject();
            entry.put("index", i);
            entry.put("fd", f.fd());
            entry.put("kind", f.kind().name().toLowerCase().replace('_', '-'));
            entry.put("description", f.description());
            entry.set("path", bytes(f.path()));
            entry.put("access", f.access().label());
            ObjectNode flags = entry.putObject("flags");
            flags.put("append", (f.flags() & OpenFile.APPEND) != 0);
            flags.put("closeOnExec", (f.flags() & OpenFile.CLOSE_ON_EXEC) != 0);
            flags.put("nonBlocking", (f.flags() & OpenFile.NONBLOCK) != 0);
            entry.put("stdSource", f.stdSource());
            entry.put("mode", f.mode());
            entry.set("offset", unsigned(f.offset()));
            entry.set("size", unsigned(f.size()));
            entry.put("site", f.site());
        }
        ObjectNode wait = root.putObject("pendingWait");
        wait.put("interrupted", checkpoint.pendingWait().interrupted());
        wait.set("remainingNs", unsigned(checkpoint.pendingWait().remainingNanos()));

        ArrayNode strings = root.putArray("strings");
        checkpoint.strings().forEach(s -> strings.add(bytes(s)));

        ArrayNode types = root.putArray("types");
        for (int id = 0; id < checkpoint.types().size(); id++) types.add(type(id, checkpoint.type(id)));
        return root;
    }

    private void variable(ObjectNode node, String name, String declPos, int type, Value value) {
        node.put("name", name);
        node.put("declaredAt", declPos);
        node.put("type", checkpoint.type(type).name());
        node.put("typeId", type);
        node.set("value", value(type, value));
    }

    private JsonNode value(int typeId, Value value) {
        TypeDesc t = checkpoint.type(typeId);
        return switch (value) {
            case Value.IntValue(BigInteger n) -> NODES.numberNode(n);
            case Value.BoolValue(boolean b) -> NODES.booleanNode(b);
            case Value.FloatValue f -> {
                double d = f.asDouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) yield NODES.textNode(ValueText.floatText(f));
                yield f.width() == 32 ? NODES.numberNode((float) d) : NODES.numberNode(d);
            }
            case Value.LongDoubleValue(String hex) -> NODES.textNode(hex);
            case Value.NullPointer n -> NODES.nullNode();
            case Value.PointerValue p -> pointer(p);
            case Value.FunctionValue(String name) -> name == null ? NODES.nullNode()
                    : NODES.objectNode().put("function", name);
            case Value.ArrayValue(List<Value> elements) -> {
                ArrayNode array = NODES.arrayNode();
                int elementType = ((ArrayT) t).elementType();
                elements.forEach(e -> array.add(value(elementType, e)));
                yield array;
            }
            case Value.StructValue(List<Value> fields) -> members(((Compound) t).fields(), fields);
            case Value.UnionValue(Value first) ->
                    members(((Compound) t).fields(), first == null ? List.of() : List.of(first));
        };
    }

    /** Members by name; an unnamed or repeated name becomes {@code #<field number>}. */
    private ObjectNode members(List<Field> fields, List<Value> values) {
        ObjectNode node = NODES.objectNode();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            Field f = fields.get(i);
            String key = f.name().isEmpty() || !used.add(f.name()) ? "#" + i : f.name();
            node.set(key, value(f.type(), values.get(i)));
        }
        return node;
    }

    private ObjectNode pointer(Value.PointerValue p) {
        ObjectNode node = NODES.objectNode();
        node.put("pointer", text.pointer(p));
        switch (p) {
            case Value.ObjectRef r -> {
                node.put("object", r.kind().name().toLowerCase().replace('_', '-'));
                node.put("a", r.a());
                node.put("b", r.b());
                ArrayNode path = node.putArray("path");
                r.path().forEach(step -> path.add(unsigned(step)));
                node.set("byteOffset", unsigned(r.byteOffset()));
            }
            case Value.StringConstant s -> {
                node.put("string", s.index());
                node.set("offset", unsigned(s.offset()));
            }
            case Value.StdStream s -> node.put("stream", s.stream().name().toLowerCase());
            case Value.OpenStream s -> node.put("openStream", s.index());
            case Value.NullPointer n -> throw new IllegalStateException("handled by the caller");
        }
        return node;
    }

    private ObjectNode type(int id, TypeDesc t) {
        ObjectNode node = NODES.objectNode();
        node.put("id", id);
        node.put("kind", TypeDesc.kindName(t.kindCode()));
        node.put("name", t.name());
        node.put("size", t.size());
        switch (t) {
            case TypeDesc.SInt s -> node.put("bits", s.bits());
            case TypeDesc.UInt u -> node.put("bits", u.bits());
            case TypeDesc.FloatT f -> node.put("bits", f.bits());
            case TypeDesc.Ptr p -> {
                node.put("pointee", p.pointee());
                if (p.pointeeType() == TypeDesc.UNKNOWN_TYPE) node.putNull("pointeeType");
                else node.put("pointeeType", p.pointeeType());
            }
            case ArrayT a -> {
                node.put("elementType", a.elementType());
                node.set("count", unsigned(a.count()));
            }
            case Compound c -> {
                ArrayNode fields = node.putArray("fields");
                for (Field f : c.fields()) {
                    fields.addObject().put("name", f.name()).put("type", f.type()).put("bitWidth", f.bitWidth());
                }
            }
            case TypeDesc.Bool b -> {}
            case TypeDesc.LongDouble l -> {}
            case TypeDesc.FuncPtr f -> {}
        }
        return node;
    }

    private static JsonNode unsigned(long v) {
        return v >= 0 ? NODES.numberNode(v) : NODES.numberNode(new BigInteger(Long.toUnsignedString(v)));
    }

    private static JsonNode bytes(ByteString s) {
        return s.isUtf8() ? NODES.textNode(s.toLenientString())
                : NODES.objectNode().put("hex", HexFormat.of().formatHex(s.toByteArray()));
    }

    /** Jackson's standard escapes, plus a backslash-u escape for every character {@link SafeText#needsEscape} names. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {
        private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Jackson asks for each char of a surrogate pair separately: a paired surrogate is kept as is.
            if (Character.isSurrogate((char) ch) || !SafeText.needsEscape(ch)) return null;
            return new SerializedString(String.format("\\u%04x", ch));
        }
    }
}
