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
import dev.talent.format.Value.ArrayValue;
import dev.talent.format.Value.BoolValue;
import dev.talent.format.Value.FloatValue;
import dev.talent.format.Value.FunctionValue;
import dev.talent.format.Value.IntValue;
import dev.talent.format.Value.LongDoubleValue;
import dev.talent.format.Value.NullPointer;
import dev.talent.format.Value.ObjectKind;
import dev.talent.format.Value.ObjectRef;
import dev.talent.format.Value.OpenStream;
import dev.talent.format.Value.StdStream;
import dev.talent.format.Value.Stream;
import dev.talent.format.Value.StringConstant;
import dev.talent.format.Value.StructValue;
import dev.talent.format.Value.UnionValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Checkpoints used by the tests, built through the model (the writer turns them into files). */
final class Fixtures {
    private Fixtures() {}

    // Type ids of the full fixture.
    static final int INT = 0, ULONG = 1, BOOL = 2, DOUBLE = 3, FLOAT = 4, LDOUBLE = 5, CHAR = 6, CHAR6 = 7,
            POINT = 8, POINT3 = 9, NUM = 10, INT_PTR = 11, NODE_PTR = 12, UINT = 13, NODE = 14, FN = 15,
            CHAR_PTR = 16, FILE_PTR = 17, U128 = 18, DOUBLE20 = 19, INT4 = 20, CHAR_PTR_PTR = 21, UCHAR = 22;

    static final String FINGERPRINT = "0123456789abcdef0123456789abcdef";

    static List<TypeDesc> types() {
        return List.of(
                new SInt("int", 4, 32),
                new UInt("unsigned long", 8, 64),
                new Bool("_Bool", 1),
                new FloatT("double", 8, 64),
                new FloatT("float", 4, 32),
                new LongDouble("long double", 16),
                new SInt("char", 1, 8),
                new ArrayT("char[6]", 6, CHAR, 6),
                new StructT("struct point", 8, List.of(new Field("x", INT, 0), new Field("y", INT, 0))),
                new ArrayT("struct point[3]", 24, POINT, 3),
                new UnionT("union num", 8, List.of(new Field("i", INT, 0), new Field("d", DOUBLE, 0))),
                new Ptr("int *", 8, "int", INT),
                new Ptr("struct node *", 8, "struct node", NODE), // refers forward: allowed for PTR only
                new UInt("unsigned int", 4, 32),
                new StructT("struct node", 24, List.of(new Field("value", INT, 0), new Field("next", NODE_PTR, 0),
                        new Field("flags", UINT, 3))),
                new FuncPtr("int (*)(int)", 8),
                new Ptr("char *", 8, "char", CHAR),
                new Ptr("FILE *", 8, "FILE", TypeDesc.UNKNOWN_TYPE),
                new UInt("unsigned __int128", 16, 128),
                new ArrayT("double[20]", 160, DOUBLE, 20),
                new ArrayT("int[4]", 16, INT, 4),
                new Ptr("char **", 8, "char *", CHAR_PTR),
                new UInt("unsigned char", 1, 8));
    }

    static IntValue i(long v) {
        return IntValue.of(v);
    }

    static ObjectRef ref(ObjectKind kind, long a, long b, long byteOffset, Long... path) {
        return new ObjectRef(kind, a, b, List.of(path), byteOffset);
    }

    static ArrayValue chars(String s, int n) {
        List<Value> out = new ArrayList<>();
        for (int k = 0; k < n; k++) out.add(i(k < s.length() ? s.charAt(k) : 0));
        return new ArrayValue(out);
    }

    static ArrayValue ints(int... values) {
        return new ArrayValue(IntStream.of(values).mapToObj(v -> (Value) i(v)).toList());
    }

    static Meta meta(long sequence) {
        return new Meta(FINGERPRINT, "app", "s390x", 64, true, 1_795_813_200_123_456_789L, sequence, "stop-after",
                1000, 7, "app.c:42:5", "compute",
                List.of(ByteString.utf8("app"), ByteString.utf8("-n"), ByteString.of(new byte[] {'5', (byte) 0xff})));
    }

    /** Every type kind, every pointer form, every kind of open file and an interrupted sleep. */
    static Checkpoint full() {
        return full(3);
    }

    static Checkpoint full(long sequence) {
        StructValue p0 = new StructValue(List.of(i(1), i(2)));
        StructValue p1 = new StructValue(List.of(i(3), i(-4)));
        StructValue p2 = new StructValue(List.of(i(5), i(6)));
        List<Value> doubles = IntStream.range(0, 20).mapToObj(k -> (Value) FloatValue.ofDouble(k * 0.5)).toList();
        List<GlobalVar> globals = List.of(
                new GlobalVar("counter", "counter", "app.c:3:5", INT, i(42)),
                new GlobalVar("grid", "grid", "app.c:4:14", POINT3, new ArrayValue(List.of(p0, p1, p2))),
                new GlobalVar("origin_y", "origin_y", "app.c:5:6", INT_PTR, ref(ObjectKind.GLOBAL, 1, 0, 0, 1L, 1L)),
                new GlobalVar("msg", "msg", "app.c:6:7", CHAR_PTR, new StringConstant(0, 6)),
                new GlobalVar("out", "out", "app.c:7:7", FILE_PTR, new StdStream(Stream.STDOUT)),
                new GlobalVar("handler", "handler", "app.c:8:7", FN, new FunctionValue("compute")),
                new GlobalVar("no_handler", "no_handler", "app.c:9:7", FN, new FunctionValue(null)),
                new GlobalVar("nothing", "nothing", "app.c:10:6", INT_PTR, NullPointer.INSTANCE),
                new GlobalVar("samples", "samples", "app.c:11:8", DOUBLE20, new ArrayValue(doubles)),
                new GlobalVar("n", "n", "app.c:12:11", NUM, new UnionValue(i(-7))),
                new GlobalVar("label", "label", "app.c:13:6", CHAR6, chars("hi", 6)),
                new GlobalVar("ready", "ready", "app.c:14:7", BOOL, new BoolValue(true)),
                new GlobalVar("third", "third", "app.c:15:13", LDOUBLE, new LongDoubleValue("0xc.90fdaa22168c235p-2")),
                new GlobalVar("ratio", "ratio", "app.c:16:7", FLOAT, FloatValue.ofFloat(0.1f)),
                new GlobalVar("huge", "huge", "app.c:17:19", U128, new IntValue(BigInteger.ONE.shiftLeft(100))),
                new GlobalVar("big", "big", "app.c:18:15", ULONG, new IntValue(new BigInteger("18446744073709551615"))),
                new GlobalVar("head", "head", "app.c:19:14", NODE_PTR, ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 0L)),
                new GlobalVar("grid_end", "grid_end", "app.c:20:15", INT_PTR, ref(ObjectKind.GLOBAL, 1, 0, 0, 3L)),
                new GlobalVar("counter_byte", "counter_byte", "app.c:21:7", CHAR_PTR, ref(ObjectKind.GLOBAL, 0, 0, 1)),
                new GlobalVar("util.c:count", "count", "util.c:2:12", INT, i(9)),
                new GlobalVar("count", "count", "app.c:22:5", INT, i(10)),
                new GlobalVar("count_ptr", "count_ptr", "app.c:23:6", INT_PTR, ref(ObjectKind.GLOBAL, 19, 0, 0)),
                new GlobalVar("report", "report", "app.c:24:7", FILE_PTR, new OpenStream(1)));
        Frame main = new Frame("main", 0, 3, "app.c:30:9", List.of(
                new FrameVar(0, "argc", "app.c:28:14", INT, i(3)),
                new FrameVar(1, "args", "app.c:28:26", CHAR_PTR_PTR, ref(ObjectKind.ARGV_ARRAY, 0, 0, 0, 1L)),
                new FrameVar(2, "data", "app.c:29:9", INT4, ints(10, 20, 30, 40)),
                new FrameVar(3, "opt", "app.c:29:20", CHAR_PTR, ref(ObjectKind.ARGV_STRING, 1, 0, 0, 1L)),
                new FrameVar(5, "inner", "app.c:29:30", INT_PTR, ref(ObjectKind.FRAME_VARIABLE, 1, 1, 0, 2L))));
        Frame compute = new Frame("compute", 1, 7, "app.c:42:5", List.of(
                new FrameVar(0, "x", "app.c:40:17", INT, i(-5)),
                new FrameVar(1, "local", "app.c:41:9", INT4, ints(1, 2, 3, 4)),
                new FrameVar(2, "outer", "app.c:41:20", INT_PTR, ref(ObjectKind.FRAME_VARIABLE, 0, 2, 0)),
                new FrameVar(3, "cursor", "app.c:41:30", INT_PTR, ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 1L, 0L)),
                new FrameVar(4, "raw", "app.c:41:40", CHAR_PTR, ref(ObjectKind.HEAP_BLOCK, 3, 0, 0, 2L))));
        HeapBlock nodes = new HeapBlock(1, "app.c:50:10", NODE, List.of(
                new StructValue(List.of(i(1), ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 1L), i(5))),
                new StructValue(List.of(i(2), NullPointer.INSTANCE, i(0)))));
        HeapBlock empty = new HeapBlock(2, "app.c:51:10", INT, List.of());
        // Block ids need not be dense; an untyped block is raw bytes; a tail holds bytes short of a whole element.
        HeapBlock untyped = new HeapBlock(3, "app.c:52:10", true, UCHAR, List.of(i(1), i(2), i(255), i(0), i(127)),
                ByteString.of(new byte[0]));
        HeapBlock withTail = new HeapBlock(12, "app.c:53:10", false, NODE, List.of(
                new StructValue(List.of(i(3), ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 0L), i(0)))),
                ByteString.of(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe}));
        return new Checkpoint(meta(sequence), types(), List.of(ByteString.utf8("hello world")), globals,
                List.of(main, compute), List.of(nodes, empty, untyped, withTail), files(), new PendingWait(true, 1_250_000_000L));
    }

    /** Every kind of FILE entry, a shared description (fd 4 and fd 5), a non-UTF-8 path and every flag. */
    static List<OpenFile> files() {
        return List.of(
                new OpenFile(3, OpenFile.Kind.DESCRIPTOR, 0, ByteString.of(new byte[] {'/', 'd', '/', 'c', 'a', 'f', (byte) 0xe9}),
                        OpenFile.Access.READ_ONLY, OpenFile.CLOSE_ON_EXEC, 0, "", 10, 100, "app.c:60:9"),
                new OpenFile(4, OpenFile.Kind.STREAM, 1, ByteString.utf8("/data/out.txt"), OpenFile.Access.WRITE_ONLY, 0, 0,
                        "w", 120, 120, "app.c:61:11"),
                new OpenFile(5, OpenFile.Kind.DESCRIPTOR, 1, ByteString.utf8("/data/out.txt"), OpenFile.Access.WRITE_ONLY, 0, 0,
                        "", 120, 120, "app.c:62:9"),
                new OpenFile(6, OpenFile.Kind.LISTENING_SOCKET, 2, ByteString.utf8("tcp:127.0.0.1:8080"),
                        OpenFile.Access.READ_WRITE, OpenFile.NONBLOCK, 0, "", 0, 0, "accept"),
                new OpenFile(0, OpenFile.Kind.STDIN_POSITION, 3, ByteString.utf8(""), OpenFile.Access.READ_ONLY, 0, 0, "",
                        40, 81, "stdin"),
                new OpenFile(7, OpenFile.Kind.STANDARD_COPY, 4, ByteString.utf8(""), OpenFile.Access.WRITE_ONLY, 0, 1, "", 0, 0,
                        "app.c:63:5"),
                new OpenFile(8, OpenFile.Kind.STREAM, 5, ByteString.utf8("/data/log.txt"), OpenFile.Access.READ_WRITE,
                        OpenFile.APPEND, 0, "a+", 7, 7, "app.c:64:11"));
    }

    /** A small checkpoint (a few hundred bytes) for exhaustive bit-flip and truncation tests. */
    static Checkpoint small() {
        List<TypeDesc> types = List.of(
                new SInt("int", 4, 32),
                new Ptr("int *", 8, "int", 0),
                new StructT("struct s", 16, List.of(new Field("a", 0, 0), new Field("p", 1, 0))),
                new SInt("char", 1, 8),
                new ArrayT("char[4]", 4, 3, 4),
                new Ptr("char *", 8, "char", 3),
                new Ptr("FILE *", 8, "FILE", TypeDesc.UNKNOWN_TYPE));
        Meta meta = new Meta(FINGERPRINT, "tiny", "x86_64", 64, false, 1_000_000_000L, 1, "periodic", 12, 2,
                "t.c:9:3", "main", List.of(ByteString.utf8("tiny")));
        return new Checkpoint(meta, types, List.of(ByteString.utf8("ok")),
                List.of(new GlobalVar("g", "g", "t.c:1:5", 2, new StructValue(List.of(i(7), ref(ObjectKind.GLOBAL, 0, 0, 0, 0L))))),
                List.of(new Frame("main", 0, 2, "t.c:9:3", List.of(
                        new FrameVar(0, "name", "t.c:8:8", 4, chars("abc", 4)),
                        new FrameVar(1, "s", "t.c:8:20", 5, new StringConstant(0, 1)),
                        new FrameVar(2, "out", "t.c:8:30", 6, new OpenStream(0))))),
                List.of(new HeapBlock(1, "t.c:7:9", false, 0, List.of(i(1), i(2)), ByteString.of(new byte[] {9}))),
                List.of(new OpenFile(3, OpenFile.Kind.STREAM, 0, ByteString.utf8("/t/out"), OpenFile.Access.WRITE_ONLY, 0, 0,
                        "w", 5, 5, "t.c:5:9")),
                new PendingWait(true, 500));
    }
}
