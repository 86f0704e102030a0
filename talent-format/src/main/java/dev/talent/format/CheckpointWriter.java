package dev.talent.format;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Bool;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.FloatT;
import dev.talent.format.TypeDesc.FuncPtr;
import dev.talent.format.TypeDesc.LongDouble;
import dev.talent.format.TypeDesc.Ptr;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import dev.talent.format.TypeDesc.UnionT;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes a {@link Checkpoint} as a checkpoint file, the exact inverse of {@link CheckpointReader}: version 1.0, or
 * 2.0 when the program's errno is not 0 (the file then holds {@code ERRN}, docs/FORMAT.md "Header").
 *
 * <p>Like the C runtime, it always writes the optional {@code FILE} and {@code WAIT} sections (after {@code HEAP}), so
 * a file read without them is written back with an empty {@code FILE} and a {@code WAIT} without remaining time.
 *
 * <p>The writer checks only what it needs to encode (each value matches its type's shape and range); it does not
 * check cross references such as pointer targets, nor a heap block's untyped flag against its element type or its
 * tail length against the element size, so tests can produce well-sealed files with semantic errors.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {}

    /**
     * The file's bytes.
     *
     * @throws IllegalArgumentException if a value does not match its type (wrong kind, out of range, wrong count)
     */
    public static byte[] write(Checkpoint checkpoint) {
        Encoder e = new Encoder(checkpoint.types());
        List<byte[]> sections = new java.util.ArrayList<>(List.of(
                section(Wire.META, e.meta(checkpoint.meta())),
                section(Wire.TYPE, e.types()),
                section(Wire.STRS, e.strings(checkpoint.strings())),
                section(Wire.GLOB, e.globals(checkpoint.globals())),
                section(Wire.FRAM, e.frames(checkpoint.frames())),
                section(Wire.HEAP, e.heap(checkpoint.heap())),
                section(Wire.FILE, e.files(checkpoint.files())),
                section(Wire.WAIT, e.pendingWait(checkpoint.pendingWait()))));
        // like the C runtime: EPOL only when the program has an epoll instance
        if (!checkpoint.epoll().isEmpty()) sections.add(section(Wire.EPOL, e.epoll(checkpoint.epoll())));
        // and EDUP only when an instance has another descriptor
        if (checkpoint.epoll().stream().anyMatch(in -> !in.copies().isEmpty())) {
            sections.add(section(Wire.EDUP, e.epollCopies(checkpoint.epoll())));
        }
        // and SIGS only when the program changed a signal's disposition
        if (!checkpoint.signals().isEmpty()) sections.add(section(Wire.SIGS, e.signals(checkpoint.signals())));
        // and ENVI only when the program changed its environment or locale
        if (!checkpoint.environment().isEmpty()) sections.add(section(Wire.ENVI, environment(checkpoint.environment())));
        // and SOPT only when a socket has options or a backlog to carry
        if (!checkpoint.socketOptions().isEmpty()) {
            sections.add(section(Wire.SOPT, SocketOptionsSection.write(checkpoint.socketOptions())));
        }
        // and ERRN only when the program's errno is not 0, in a version 2.0 file: a 1.x reader must refuse it
        if (checkpoint.errno() != 0) sections.add(section(Wire.ERRN, errno(checkpoint.errno())));
        // the lowest major that describes the file: 4 when it holds a boundary pointer, 3 when it holds a union
        // (whose values name their member)
        if (e.number) return assemble(Wire.MAJOR_NUMBERS, Wire.MINOR, sections);
        if (e.below) return assemble(Wire.MAJOR_BELOW, Wire.MINOR, sections);
        if (e.boundary) return assemble(Wire.MAJOR_BOUNDARY, Wire.MINOR, sections);
        if (checkpoint.types().stream().anyMatch(UnionT.class::isInstance)) {
            return assemble(Wire.MAJOR_UNIONS, Wire.MINOR, sections);
        }
        return assemble(checkpoint.errno() != 0 ? Wire.MAJOR_ERRNO : Wire.MAJOR, Wire.MINOR, sections);
    }

    /** An {@code ERRN} payload: the errno's format code as a u16. */
    static byte[] errno(int code) {
        Out out = new Out();
        out.u16(code);
        return out.toByteArray();
    }

    /** An {@code ENVI} payload, as the C runtime writes it (entries in the order given). */
    static byte[] environment(EnvironmentChanges changes) {
        Out out = new Out();
        out.u32(changes.variables().size());
        for (EnvironmentChanges.Variable v : changes.variables()) {
            out.u8(v.value().isPresent() ? RuntimeContract.ENV_SET : RuntimeContract.ENV_UNSET);
            out.bytes(v.name().toByteArray());
            out.bytes(v.value().map(ByteString::toByteArray).orElse(new byte[0]));
        }
        out.u8(changes.locales().size());
        for (EnvironmentChanges.LocaleSetting l : changes.locales()) {
            out.u8(l.category());
            out.str(l.name());
        }
        return out.toByteArray();
    }

    /** A sealed section: tag, length, payload, CRC32C. */
    static byte[] section(String tag, byte[] payload) {
        byte[] tagBytes = tag.getBytes(StandardCharsets.US_ASCII);
        if (tagBytes.length != 4) throw new IllegalArgumentException("section tag must be 4 ASCII characters: " + tag);
        Out out = new Out();
        out.raw(tagBytes);
        out.u64(payload.length);
        out.raw(payload);
        byte[] body = out.toByteArray();
        out.u32(Integer.toUnsignedLong(Wire.crc32c(body, 0, body.length)));
        return out.toByteArray();
    }

    /** A header for {@code sections} followed by them. */
    static byte[] assemble(int major, int minor, List<byte[]> sections) {
        Out out = new Out();
        out.raw(Wire.MAGIC);
        out.u16(major);
        out.u16(minor);
        out.u32(sections.size());
        out.u32(0);
        byte[] head = out.toByteArray();
        out.u32(Integer.toUnsignedLong(Wire.crc32c(head, 0, head.length)));
        for (byte[] s : sections) out.raw(s);
        return out.toByteArray();
    }

    /** A growable big-endian buffer. */
    static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void raw(byte[] b) {
            bytes.writeBytes(b);
        }

        void u8(int v) {
            check(v, 0xFF, "u8");
            bytes.write(v);
        }

        void u16(int v) {
            check(v, 0xFFFF, "u16");
            bytes.write(v >>> 8);
            bytes.write(v);
        }

        void u32(long v) {
            check(v, 0xFFFF_FFFFL, "u32");
            for (int shift = 24; shift >= 0; shift -= 8) bytes.write((int) (v >>> shift));
        }

        void u64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) bytes.write((int) (v >>> shift));
        }

        void str(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] b) {
            u32(b.length);
            raw(b);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private static void check(long v, long max, String what) {
            if (v < 0 || v > max) throw new IllegalArgumentException(v + " does not fit a " + what);
        }
    }

    /** Encodes sections' payloads for one checkpoint's type table. */
    private static final class Encoder {
        private final List<TypeDesc> types;
        /** Set once a {@link Value.Boundary} pointer is written: the file is then major 4. */
        private boolean boundary;
        /** Set once a {@link Value.Below} pointer is written: the file is then major 5. */
        private boolean below;
        /** Set once a {@link Value.KeptNumber} pointer is written: the file is then major 6. */
        private boolean number;

        Encoder(List<TypeDesc> types) {
            this.types = types;
        }

        byte[] meta(Meta m) {
            Out out = new Out();
            out.str(m.fingerprint());
            out.str(m.program());
            out.str(m.platform());
            out.u8(m.pointerBits());
            out.u8(m.bigEndian() ? 1 : 0);
            out.u64(m.timeNanos());
            out.u64(m.sequence());
            out.str(m.reason());
            out.u64(m.visits());
            out.u32(m.point());
            out.str(m.pointPos());
            out.str(m.function());
            out.u32(m.argv().size());
            for (ByteString arg : m.argv()) out.bytes(arg.toByteArray());
            return out.toByteArray();
        }

        byte[] types() {
            Out out = new Out();
            out.u32(types.size());
            for (TypeDesc t : types) {
                out.u8(t.kindCode());
                out.str(t.name());
                out.u32(t.size());
                switch (t) {
                    case SInt s -> out.u8(s.bits());
                    case UInt u -> out.u8(u.bits());
                    case Bool b -> {}
                    case FloatT f -> out.u8(f.bits());
                    case LongDouble l -> {}
                    case Ptr p -> {
                        out.str(p.pointee());
                        out.u32(p.pointeeType() == TypeDesc.UNKNOWN_TYPE ? Wire.U32_NONE : p.pointeeType());
                    }
                    case FuncPtr f -> {}
                    case ArrayT a -> {
                        out.u32(a.elementType());
                        out.u64(a.count());
                    }
                    case TypeDesc.Compound c -> {
                        out.u32(c.fields().size());
                        for (Field f : c.fields()) {
                            out.str(f.name());
                            out.u32(f.type());
                            out.u8(f.bitWidth());
                        }
                    }
                }
            }
            return out.toByteArray();
        }

        byte[] strings(List<ByteString> strings) {
            Out out = new Out();
            out.u32(strings.size());
            for (ByteString s : strings) out.bytes(s.toByteArray());
            return out.toByteArray();
        }

        byte[] globals(List<GlobalVar> globals) {
            Out out = new Out();
            out.u32(globals.size());
            for (GlobalVar g : globals) {
                out.str(g.key());
                out.str(g.name());
                out.str(g.declPos());
                out.u32(g.type());
                value(out, g.type(), g.value(), g.name());
            }
            return out.toByteArray();
        }

        byte[] frames(List<Frame> frames) {
            Out out = new Out();
            out.u32(frames.size());
            for (Frame f : frames) {
                out.str(f.function());
                out.u32(f.functionId());
                out.u32(f.point());
                out.str(f.pointPos());
                out.u32(f.vars().size());
                for (FrameVar v : f.vars()) {
                    out.u32(v.varId());
                    out.str(v.name());
                    out.str(v.declPos());
                    out.u32(v.type());
                    value(out, v.type(), v.value(), f.function() + ":" + v.name());
                }
            }
            return out.toByteArray();
        }

        byte[] heap(List<HeapBlock> heap) {
            Out out = new Out();
            out.u32(heap.size());
            for (HeapBlock b : heap) {
                out.u32(b.blockId());
                out.str(b.allocPos());
                out.u8((b.untyped() ? Wire.HEAP_UNTYPED : 0) | (b.trailing() ? Wire.HEAP_TRAILING : 0)
                        | (b.byteOrderOnly() ? Wire.HEAP_BYTE_ORDER : 0));
                out.u32(b.elementType());
                out.u64(b.elements().size());
                for (Value v : b.elements()) value(out, b.elementType(), v, "heap#" + b.blockId());
                out.bytes(b.tail().toByteArray());
            }
            return out.toByteArray();
        }

        byte[] files(List<OpenFile> files) {
            Out out = new Out();
            out.u32(files.size());
            for (OpenFile f : files) {
                out.u32(f.fd());
                out.u8(f.kind().code());
                out.u32(f.description());
                out.bytes(f.path().toByteArray());
                out.u8(f.access().code());
                out.u8(f.flags());
                out.u8(f.stdSource());
                out.str(f.mode());
                out.u64(f.offset());
                out.u64(f.size());
                out.str(f.site());
            }
            return out.toByteArray();
        }

        byte[] pendingWait(PendingWait w) {
            Out out = new Out();
            out.u8(w.interrupted() ? 1 : 0);
            out.u64(w.remainingNanos());
            return out.toByteArray();
        }

        byte[] signals(List<SignalDisposition> list) {
            Out out = new Out();
            out.u32(list.size());
            for (SignalDisposition d : list) {
                out.u8(d.signal());
                out.u8(d.ignored() ? RuntimeContract.SIGS_IGNORE : RuntimeContract.SIGS_HANDLER);
                out.u8(d.flags());
                out.u64(d.mask());
                if (!d.ignored()) out.str(d.handler());
            }
            return out.toByteArray();
        }

        byte[] epoll(List<EventPoll> instances) {
            Out out = new Out();
            out.u32(instances.size());
            for (EventPoll in : instances) {
                out.u32(in.fd());
                out.u8(in.flags());
                out.u32(in.registrations().size());
                for (EventPoll.Registration r : in.registrations()) {
                    out.u32(r.fd());
                    out.u32(r.events());
                    out.u8(r.flags());
                    switch (r.data()) {
                        case EventPoll.Int32(long v) -> { out.u8(RuntimeContract.EPOLL_DATA_INT32); out.u32(v); }
                        case EventPoll.U64(long v) -> { out.u8(RuntimeContract.EPOLL_DATA_U64); out.u64(v); }
                        case EventPoll.Pointer(Value.PointerValue p) -> { out.u8(RuntimeContract.EPOLL_DATA_POINTER); pointer(out, p); }
                    }
                }
            }
            return out.toByteArray();
        }

        /** EDUP: every instance's other descriptors, by increasing number (fd, instance, flags). */
        byte[] epollCopies(List<EventPoll> instances) {
            record Entry(long fd, long instance, int flags) {}
            List<Entry> all = new java.util.ArrayList<>();
            for (EventPoll in : instances) {
                for (EventPoll.Copy c : in.copies()) all.add(new Entry(c.fd(), in.fd(), c.flags()));
            }
            all.sort(java.util.Comparator.comparingLong(Entry::fd));
            Out out = new Out();
            out.u32(all.size());
            for (Entry c : all) {
                out.u32(c.fd());
                out.u32(c.instance());
                out.u8(c.flags());
            }
            return out.toByteArray();
        }

        private void value(Out out, int typeId, Value value, String where) {
            TypeDesc t = types.get(typeId);
            switch (t) {
                case SInt s -> integer(out, s.bits(), true, value, where);
                case UInt u -> integer(out, u.bits(), false, value, where);
                case Bool b -> out.u8(as(Value.BoolValue.class, value, t, where).value() ? 1 : 0);
                case FloatT f -> {
                    Value.FloatValue v = as(Value.FloatValue.class, value, t, where);
                    if (v.width() != f.bits()) throw mismatch(value, t, where);
                    if (f.bits() == 32) out.u32(v.bits());
                    else out.u64(v.bits());
                }
                case LongDouble l -> out.str(as(Value.LongDoubleValue.class, value, t, where).hex());
                case Ptr p -> pointer(out, as(Value.PointerValue.class, value, t, where));
                case FuncPtr f -> {
                    if (value instanceof Value.SignalConstant c) {
                        out.u8(c.tag());
                        break;
                    }
                    if (value instanceof Value.Indeterminate) {
                        out.u8(Wire.PTR_INDETERMINATE);
                        break;
                    }
                    String name = as(Value.FunctionValue.class, value, t, where).name();
                    if (name == null) {
                        out.u8(Wire.PTR_NULL);
                    } else {
                        out.u8(Wire.PTR_FUNCTION);
                        out.str(name);
                    }
                }
                case ArrayT a -> {
                    List<Value> elements = as(Value.ArrayValue.class, value, t, where).elements();
                    if (elements.size() != a.count()) {
                        throw new IllegalArgumentException(where + ": " + t.name() + " needs " + a.count()
                                + " elements, got " + elements.size());
                    }
                    for (int i = 0; i < elements.size(); i++) value(out, a.elementType(), elements.get(i), where + "[" + i + "]");
                }
                case StructT s -> {
                    List<Value> fields = as(Value.StructValue.class, value, t, where).fields();
                    if (fields.size() != s.fields().size()) {
                        throw new IllegalArgumentException(where + ": " + t.name() + " has " + s.fields().size()
                                + " fields, got " + fields.size() + " values");
                    }
                    for (int i = 0; i < fields.size(); i++) {
                        Field f = s.fields().get(i);
                        value(out, f.type(), fields.get(i), where + "." + f.name());
                    }
                }
                case UnionT u -> {
                    Value.UnionValue uv = as(Value.UnionValue.class, value, t, where);
                    Value member = uv.value();
                    if (u.fields().isEmpty() != (member == null) || uv.member() >= Math.max(1, u.fields().size())) {
                        throw mismatch(value, t, where);
                    }
                    if (member != null) {
                        // major 3 (every file with a union): the member's number, then its value
                        out.u32(uv.member() | (uv.byteOrderBound() ? 1L << Wire.UNION_MEMBER_BITS : 0));
                        Field f = u.fields().get(uv.member());
                        value(out, f.type(), member, where + "." + f.name());
                    }
                }
            }
        }

        private static void integer(Out out, int bits, boolean signed, Value value, String where) {
            if (!(value instanceof Value.IntValue(BigInteger n))) {
                throw new IllegalArgumentException(where + ": expected an integer, got " + value);
            }
            BigInteger min = signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
            BigInteger limit = BigInteger.ONE.shiftLeft(signed ? bits - 1 : bits);
            if (n.compareTo(min) < 0 || n.compareTo(limit) >= 0) {
                throw new IllegalArgumentException(where + ": " + n + " does not fit " + (signed ? "a signed" : "an unsigned")
                        + " " + bits + "-bit integer");
            }
            for (int shift = bits - 8; shift >= 0; shift -= 8) out.raw(new byte[] {n.shiftRight(shift).byteValue()});
        }

        private static void objectRef(Out out, Value.ObjectRef r) {
            out.u8(r.kind().code());
            out.u32(r.a());
            out.u32(r.b());
            out.u16(r.path().size());
            for (long step : r.path()) out.u64(step);
            out.u64(r.byteOffset());
        }

        private void pointer(Out out, Value.PointerValue p) {
            switch (p) {
                case Value.NullPointer n -> out.u8(Wire.PTR_NULL);
                case Value.Indeterminate n -> out.u8(Wire.PTR_INDETERMINATE);
                case Value.KeptNumber n -> {
                    out.u8(Wire.PTR_NUMBER);
                    out.u64(n.value());
                    number = true;
                }
                case Value.ObjectRef r -> {
                    out.u8(Wire.PTR_OBJECT);
                    objectRef(out, r);
                }
                case Value.Boundary bd -> {
                    out.u8(Wire.PTR_BOUNDARY);
                    objectRef(out, bd.start());
                    objectRef(out, bd.end());
                    boundary = true;
                }
                case Value.Below bl -> {
                    out.u8(Wire.PTR_BELOW);
                    out.u64(bl.count());
                    objectRef(out, bl.element());
                    below = true;
                }
                case Value.StringConstant s -> {
                    out.u8(Wire.PTR_STRING);
                    out.u32(s.index());
                    out.u64(s.offset());
                }
                case Value.StdStream s -> {
                    out.u8(Wire.PTR_STREAM);
                    out.u8(s.stream().code());
                }
                case Value.OpenStream s -> {
                    out.u8(Wire.PTR_OPEN_STREAM);
                    out.u32(s.index());
                }
            }
        }

        private static <V extends Value> V as(Class<V> kind, Value value, TypeDesc t, String where) {
            if (!kind.isInstance(value)) throw mismatch(value, t, where);
            return kind.cast(value);
        }

        private static IllegalArgumentException mismatch(Value value, TypeDesc t, String where) {
            return new IllegalArgumentException(where + ": value " + value + " does not match type " + t.name()
                    + " (" + TypeDesc.kindName(t.kindCode()) + ")");
        }
    }
}
