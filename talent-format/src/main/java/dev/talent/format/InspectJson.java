package dev.talent.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Compound;
import dev.talent.format.TypeDesc.Field;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON form of {@code talent inspect} (schema {@code talent-inspect/1}). Keys always appear in the same order;
 * u64 quantities are unsigned JSON numbers; raw byte strings are JSON strings when they are UTF-8, else
 * {@code {"hex": "..."}}; every array element is included.
 *
 * <p>The document is streamed token by token to its destination, never built as a tree: a heap block of millions
 * of elements (kept undecoded by the reader, {@link LazyElements}) is decoded one element at a time while it is
 * written, so a checkpoint of any size is inspected in bounded memory.
 */
final class InspectJson {
    static final String SCHEMA = "talent-inspect/1";
    // The generator does not close the destination: it belongs to the caller (standard output, typically).
    private static final ObjectWriter WRITER;

    static {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        // JSON escapes only C0 controls; DEL, C1 controls, bidi overrides and the other characters SafeText escapes
        // are valid JSON but act on a terminal that shows the document, so they are written as backslash-u escapes too.
        mapper.getFactory().setCharacterEscapes(new TerminalSafeEscapes());
        WRITER = mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    private final Checkpoint checkpoint;
    private final ValueText text;

    InspectJson(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.text = new ValueText(checkpoint);
    }

    /** The whole document as one string (small checkpoints, tests); {@link #write} for any size. */
    String document() {
        StringWriter out = new StringWriter();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes the document, followed by a newline, to {@code out}, which is flushed and left open. */
    void write(Writer out) throws IOException {
        try (JsonGenerator g = WRITER.createGenerator(out)) {
            document(g);
        }
        out.write('\n');
        out.flush();
    }

    private void document(JsonGenerator g) throws IOException {
        Meta m = checkpoint.meta();
        g.writeStartObject();
        g.writeStringField("schema", SCHEMA);
        g.writeStringField("program", m.program());
        g.writeStringField("fingerprint", m.fingerprint());
        g.writeStringField("platform", m.platform());
        g.writeNumberField("pointerBits", m.pointerBits());
        g.writeStringField("byteOrder", m.bigEndian() ? "big" : "little");
        g.writeObjectFieldStart("site");
        g.writeNumberField("point", m.point());
        g.writeStringField("function", m.function());
        g.writeStringField("position", m.pointPos());
        g.writeEndObject();
        g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(m.time()));
        g.writeNumberField("timeNs", m.timeNanos());
        g.writeFieldName("sequence");
        unsigned(g, m.sequence());
        g.writeStringField("reason", m.reason());
        g.writeFieldName("visits");
        unsigned(g, m.visits());
        g.writeArrayFieldStart("argv");
        for (ByteString a : m.argv()) bytes(g, a);
        g.writeEndArray();

        g.writeArrayFieldStart("frames");
        for (int i = 0; i < checkpoint.frames().size(); i++) {
            Frame f = checkpoint.frames().get(i);
            g.writeStartObject();
            g.writeNumberField("index", i);
            g.writeStringField("function", f.function());
            g.writeNumberField("functionId", f.functionId());
            g.writeNumberField("point", f.point());
            g.writeStringField("position", f.pointPos());
            g.writeArrayFieldStart("variables");
            for (FrameVar v : f.vars()) {
                g.writeStartObject();
                g.writeNumberField("id", v.varId());
                variable(g, v.name(), v.declPos(), v.type(), v.value());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("globals");
        for (GlobalVar gv : checkpoint.globals()) {
            g.writeStartObject();
            g.writeStringField("key", gv.key());
            variable(g, gv.name(), gv.declPos(), gv.type(), gv.value());
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("heap");
        for (HeapBlock b : checkpoint.heap()) {
            g.writeStartObject();
            g.writeNumberField("id", b.blockId());
            g.writeStringField("allocatedAt", b.allocPos());
            g.writeBooleanField("untyped", b.untyped());
            if (b.trailing()) g.writeBooleanField("trailing", true);
            if (b.byteOrderOnly()) g.writeBooleanField("byteOrderOnly", true);
            g.writeStringField("elementType", checkpoint.type(b.elementType()).name());
            g.writeNumberField("elementTypeId", b.elementType());
            g.writeNumberField("count", b.elements().size());
            g.writeArrayFieldStart("elements");
            // An index loop, not an iterator over a copy: lazily kept elements are decoded one at a time.
            List<Value> elements = b.elements();
            for (int i = 0; i < elements.size(); i++) value(g, b.elementType(), elements.get(i));
            g.writeEndArray();
            // The tail is raw memory, never text: always hex.
            g.writeStringField("tail", HexFormat.of().formatHex(b.tail().toByteArray()));
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("files");
        for (int i = 0; i < checkpoint.files().size(); i++) {
            OpenFile f = checkpoint.files().get(i);
            g.writeStartObject();
            g.writeNumberField("index", i);
            g.writeNumberField("fd", f.fd());
            g.writeStringField("kind", f.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            g.writeNumberField("description", f.description());
            g.writeFieldName("path");
            bytes(g, f.path());
            g.writeStringField("access", f.access().label());
            g.writeObjectFieldStart("flags");
            g.writeBooleanField("append", (f.flags() & OpenFile.APPEND) != 0);
            g.writeBooleanField("closeOnExec", (f.flags() & OpenFile.CLOSE_ON_EXEC) != 0);
            g.writeBooleanField("nonBlocking", (f.flags() & OpenFile.NONBLOCK) != 0);
            if (f.kind() == OpenFile.Kind.LISTENING_SOCKET) {
                g.writeBooleanField("v6only", (f.flags() & OpenFile.V6ONLY) != 0);
                g.writeBooleanField("reusePort", (f.flags() & OpenFile.REUSEPORT) != 0);
                g.writeBooleanField("options", (f.flags() & OpenFile.OPTIONS) != 0);
            } else if (f.kind() == OpenFile.Kind.TCP_CONNECTION) {
                g.writeBooleanField("options", (f.flags() & OpenFile.OPTIONS) != 0);
            }
            g.writeEndObject();
            g.writeNumberField("stdSource", f.stdSource());
            g.writeStringField("mode", f.mode());
            g.writeFieldName("offset");
            unsigned(g, f.offset());
            g.writeFieldName("size");
            unsigned(g, f.size());
            g.writeStringField("site", f.site());
            if (f.kind() == OpenFile.Kind.LISTENING_SOCKET || f.kind() == OpenFile.Kind.TCP_CONNECTION) socketOptions(g, f);
            if ((f.flags() & OpenFile.CONTENTS) != 0) contents(g, checkpoint.fileContents(f.description()).orElseThrow());
            g.writeEndObject();
        }
        g.writeEndArray();
        epoll(g);
        g.writeObjectFieldStart("pendingWait");
        g.writeBooleanField("interrupted", checkpoint.pendingWait().interrupted());
        g.writeFieldName("remainingNs");
        unsigned(g, checkpoint.pendingWait().remainingNanos());
        g.writeEndObject();
        g.writeObjectFieldStart("errno");
        g.writeNumberField("code", checkpoint.errno());
        g.writeFieldName("name");
        if (checkpoint.errno() == 0) g.writeNull();
        else g.writeString(ErrnoNames.name(checkpoint.errno()).orElseThrow());
        g.writeEndObject();
        environment(g);

        g.writeArrayFieldStart("strings");
        for (ByteString s : checkpoint.strings()) bytes(g, s);
        g.writeEndArray();

        g.writeArrayFieldStart("types");
        for (int id = 0; id < checkpoint.types().size(); id++) type(g, id, checkpoint.type(id));
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * The {@code ENVI} section (docs/FORMAT.md "talent inspect --json"): {@code variables} (name, whether set, value or
     * null) and {@code locale} (category name and number, locale name); both empty without the section.
     */
    private void environment(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("environment");
        g.writeArrayFieldStart("variables");
        for (EnvironmentChanges.Variable v : checkpoint.environment().variables()) {
            g.writeStartObject();
            g.writeFieldName("name");
            bytes(g, v.name());
            g.writeBooleanField("set", v.value().isPresent());
            g.writeFieldName("value");
            if (v.value().isPresent()) bytes(g, v.value().get());
            else g.writeNull();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("locale");
        for (EnvironmentChanges.LocaleSetting l : checkpoint.environment().locales()) {
            g.writeStartObject();
            g.writeStringField("category", EnvironmentChanges.categoryName(l.category()));
            g.writeNumberField("number", l.category());
            g.writeStringField("name", l.name());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * The carried contents of a file without a name: {@code bytes}, {@code sha256}, {@code head} (the first
     * {@link FileContents#HEAD_MAX} bytes, as a string or {@code {"hex": ...}}) and {@code whole} (whether head is all).
     */
    private static void contents(JsonGenerator g, FileContents c) throws IOException {
        g.writeObjectFieldStart("contents");
        g.writeNumberField("bytes", c.length());
        g.writeStringField("sha256", c.sha256());
        g.writeFieldName("head");
        bytes(g, c.head());
        g.writeBooleanField("whole", c.whole());
        g.writeEndObject();
    }

    /**
     * A socket's {@code SOPT} entry (docs/FORMAT.md "talent inspect" of SOPT): {@code backlog} on a listening TCP socket
     * only (null: talent did not see its {@code listen()}, it listens again with {@code SOMAXCONN}), and the options the
     * program set, by code.
     */
    private void socketOptions(JsonGenerator g, OpenFile f) throws IOException {
        java.util.Optional<SocketOptions> entry = checkpoint.socketOptions(f.fd());
        g.writeObjectFieldStart("socketOptions");
        if (f.kind() == OpenFile.Kind.LISTENING_SOCKET && f.path().toLenientString().startsWith("tcp")) {
            java.util.OptionalInt backlog = entry.map(SocketOptions::backlog).orElse(java.util.OptionalInt.empty());
            if (backlog.isPresent()) g.writeNumberField("backlog", backlog.getAsInt());
            else g.writeNullField("backlog");
        }
        g.writeArrayFieldStart("options");
        for (SocketOptions.Option o : entry.map(SocketOptions::options).orElse(List.of())) {
            g.writeStartObject();
            g.writeNumberField("code", o.code());
            g.writeStringField("name", o.name());
            switch (SocketOptionsSection.kind(o.code())) {
                case INT -> g.writeNumberField("value", o.a());
                case LINGER -> {
                    g.writeBooleanField("on", o.a() != 0);
                    g.writeNumberField("seconds", o.b());
                }
                case TIMEVAL -> {
                    g.writeNumberField("seconds", o.a());
                    g.writeNumberField("microseconds", o.b());
                }
            }
            g.writeStringField("text", o.valueText());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The {@code EPOL} section (docs/FORMAT.md "talent inspect --json"): instances in file order. */
    private void epoll(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("epoll");
        for (EventPoll e : checkpoint.epoll()) {
            g.writeStartObject();
            g.writeNumberField("fd", e.fd());
            g.writeObjectFieldStart("flags");
            g.writeBooleanField("closeOnExec", (e.flags() & RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0);
            g.writeEndObject();
            g.writeArrayFieldStart("registrations");
            for (EventPoll.Registration r : e.registrations()) {
                g.writeStartObject();
                g.writeNumberField("fd", r.fd());
                g.writeNumberField("events", r.events());
                g.writeArrayFieldStart("eventNames");
                for (String name : EpollEvents.names(r.events())) g.writeString(name);
                g.writeEndArray();
                g.writeBooleanField("disarmed", (r.flags() & RuntimeContract.EPOLL_REG_DISARMED) != 0);
                g.writeObjectFieldStart("data");
                switch (r.data()) {
                    case EventPoll.Int32 x -> {
                        g.writeStringField("kind", "fd/u32");
                        g.writeNumberField("value", x.value());
                    }
                    case EventPoll.U64 x -> {
                        g.writeStringField("kind", "u64");
                        g.writeFieldName("value");
                        unsigned(g, x.value());
                    }
                    case EventPoll.Pointer x -> {
                        g.writeStringField("kind", "ptr");
                        g.writeFieldName("value");
                        if (x.value() instanceof Value.NullPointer) g.writeNull();
                        else pointer(g, x.value());
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            // its other descriptors (EDUP), by increasing number
            g.writeArrayFieldStart("copies");
            for (EventPoll.Copy c : e.copies()) {
                g.writeStartObject();
                g.writeNumberField("fd", c.fd());
                g.writeBooleanField("closeOnExec", (c.flags() & RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void variable(JsonGenerator g, String name, String declPos, int type, Value value) throws IOException {
        g.writeStringField("name", name);
        g.writeStringField("declaredAt", declPos);
        g.writeStringField("type", checkpoint.type(type).name());
        g.writeNumberField("typeId", type);
        g.writeFieldName("value");
        value(g, type, value);
    }

    private void value(JsonGenerator g, int typeId, Value value) throws IOException {
        TypeDesc t = checkpoint.type(typeId);
        switch (value) {
            case Value.IntValue(BigInteger n) -> g.writeNumber(n);
            case Value.BoolValue(boolean b) -> g.writeBoolean(b);
            case Value.FloatValue f -> {
                double d = f.asDouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) g.writeString(ValueText.floatText(f));
                else if (f.width() == 32) g.writeNumber((float) d);
                else g.writeNumber(d);
            }
            case Value.LongDoubleValue(String hex) -> g.writeString(hex);
            case Value.NullPointer n -> g.writeNull();
            case Value.PointerValue p -> pointer(g, p);
            case Value.FunctionValue(String name) -> {
                if (name == null) {
                    g.writeNull();
                } else {
                    g.writeStartObject();
                    g.writeStringField("function", name);
                    g.writeEndObject();
                }
            }
            case Value.SignalConstant(String name) -> {
                g.writeStartObject();
                g.writeStringField("signal_constant", name);
                g.writeEndObject();
            }
            case Value.ArrayValue(List<Value> elements) -> {
                int elementType = ((ArrayT) t).elementType();
                g.writeStartArray();
                for (int i = 0; i < elements.size(); i++) value(g, elementType, elements.get(i));
                g.writeEndArray();
            }
            case Value.StructValue(List<Value> fields) -> members(g, ((Compound) t).fields(), fields);
            case Value.UnionValue(int member, Value first, boolean byteOrderBound) -> {
                List<Field> fields = ((Compound) t).fields();
                if (first == null) members(g, fields, List.of());
                else members(g, fields.subList(member, member + 1), List.of(first));
            }
        }
    }

    /**
     * Members by name; an unnamed or repeated name becomes {@code #<field number>}. Every key of the object is
     * distinct: should a (forged) field name already hold {@code #<field number>}, primes are appended to it.
     */
    private void members(JsonGenerator g, List<Field> fields, List<Value> values) throws IOException {
        g.writeStartObject();
        Set<String> used = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            Field f = fields.get(i);
            String key = f.name().isEmpty() || used.contains(f.name()) ? "#" + i : f.name();
            while (!used.add(key)) key += "'";
            g.writeFieldName(key);
            value(g, f.type(), values.get(i));
        }
        g.writeEndObject();
    }

    private static void objectRefFields(JsonGenerator g, Value.ObjectRef r) throws IOException {
        g.writeStringField("object", r.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        g.writeNumberField("a", r.a());
        g.writeNumberField("b", r.b());
        g.writeArrayFieldStart("path");
        for (long step : r.path()) unsigned(g, step);
        g.writeEndArray();
        g.writeFieldName("byteOffset");
        unsigned(g, r.byteOffset());
    }

    private void pointer(JsonGenerator g, Value.PointerValue p) throws IOException {
        g.writeStartObject();
        g.writeStringField("pointer", text.pointer(p));
        switch (p) {
            case Value.ObjectRef r -> objectRefFields(g, r);
            case Value.Boundary bd -> {
                // the start reading as an object pointer's fields, the other (one past the end of another object)
                // under "orEndOf"
                objectRefFields(g, bd.start());
                g.writeObjectFieldStart("orEndOf");
                g.writeStringField("pointer", text.pointer(bd.end()));
                objectRefFields(g, bd.end());
                g.writeEndObject();
            }
            case Value.Below bl -> {
                // the element it lies below as an object pointer's fields, and how many elements below
                objectRefFields(g, bl.element());
                g.writeFieldName("elementsBelow");
                unsigned(g, bl.count());
            }
            case Value.StringConstant s -> {
                g.writeNumberField("string", s.index());
                g.writeFieldName("offset");
                unsigned(g, s.offset());
            }
            case Value.StdStream s -> g.writeStringField("stream", s.stream().name().toLowerCase(Locale.ROOT));
            case Value.OpenStream s -> g.writeNumberField("openStream", s.index());
            case Value.Indeterminate n -> g.writeBooleanField("indeterminate", true);
            case Value.KeptNumber n -> g.writeNumberField("number", n.value());
            case Value.NullPointer n -> throw new IllegalStateException("handled by the caller");
        }
        g.writeEndObject();
    }

    private static void type(JsonGenerator g, int id, TypeDesc t) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeStringField("kind", TypeDesc.kindName(t.kindCode()));
        g.writeStringField("name", t.name());
        g.writeNumberField("size", t.size());
        switch (t) {
            case TypeDesc.SInt s -> g.writeNumberField("bits", s.bits());
            case TypeDesc.UInt u -> g.writeNumberField("bits", u.bits());
            case TypeDesc.FloatT f -> g.writeNumberField("bits", f.bits());
            case TypeDesc.Ptr p -> {
                g.writeStringField("pointee", p.pointee());
                if (p.pointeeType() == TypeDesc.UNKNOWN_TYPE) g.writeNullField("pointeeType");
                else g.writeNumberField("pointeeType", p.pointeeType());
            }
            case ArrayT a -> {
                g.writeNumberField("elementType", a.elementType());
                g.writeFieldName("count");
                unsigned(g, a.count());
            }
            case Compound c -> {
                g.writeArrayFieldStart("fields");
                for (Field f : c.fields()) {
                    g.writeStartObject();
                    g.writeStringField("name", f.name());
                    g.writeNumberField("type", f.type());
                    g.writeNumberField("bitWidth", f.bitWidth());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            case TypeDesc.Bool b -> {}
            case TypeDesc.LongDouble l -> {}
            case TypeDesc.FuncPtr f -> {}
        }
        g.writeEndObject();
    }

    private static void unsigned(JsonGenerator g, long v) throws IOException {
        if (v >= 0) g.writeNumber(v);
        else g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
    }

    private static void bytes(JsonGenerator g, ByteString s) throws IOException {
        if (s.isUtf8()) {
            g.writeString(s.toLenientString());
        } else {
            g.writeStartObject();
            g.writeStringField("hex", HexFormat.of().formatHex(s.toByteArray()));
            g.writeEndObject();
        }
    }

    /** Jackson's standard escapes, plus a backslash-u escape for every character {@link SafeText#needsEscape} names. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
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
