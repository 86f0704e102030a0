package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.Value.ObjectKind;
import dev.talent.format.Value.ObjectRef;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The C encoder checked against the Java decoder on every ISA: builds the runtime's hand-written sample
 * {@code talent-runtime/src/test/c/format_sample.c} (one value of every kind of docs/FORMAT.md) with the real C runtime
 * for each ISA whose cross compiler and emulator are installed, runs it until its first checkpoint, reads that file
 * with {@link CheckpointReader} and compares every value with what the sample's source assigns.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class FormatCrossIsaIT {
    /** The flags of talent-runtime/src/test/run-handwritten.sh, which builds the same sample. */
    private static final List<String> CFLAGS = List.of("-std=c99", "-O2", "-D_POSIX_C_SOURCE=200809L",
            "-ffp-contract=off", "-fsigned-char", "-static");
    /** sysexits EX_TEMPFAIL: the runtime's exit status after a stop-after checkpoint. */
    private static final int EXIT_CHECKPOINTED = RuntimeContract.EXIT_CHECKPOINT;

    /** The targets; {@code emulator} is null for the build machine's own ISA. A copy of talent-toolchain's Isa (this module
     * cannot depend on it): talent-toolchain's IsaCopiesTest checks that the two agree. */
    enum Isa {
        X86_64("x86_64", "gcc", null, 64, false),
        X86_64_MUSL("x86_64-musl", "musl-gcc", null, 64, false),
        AARCH64("aarch64", "aarch64-linux-gnu-gcc", "qemu-aarch64-static", 64, false),
        S390X("s390x", "s390x-linux-gnu-gcc", "qemu-s390x-static", 64, true),
        RISCV64("riscv64", "riscv64-linux-gnu-gcc", "qemu-riscv64-static", 64, false),
        I686("i686", "i686-linux-gnu-gcc", "qemu-i386-static", 32, false, "-msse2", "-mfpmath=sse");

        final String platform;
        final String compiler;
        final String emulator;
        final int pointerBits;
        final boolean bigEndian;
        @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, though List is not a type that says so
        final List<String> extraFlags;

        Isa(String platform, String compiler, String emulator, int pointerBits, boolean bigEndian, String... extraFlags) {
            this.platform = platform;
            this.compiler = compiler;
            this.emulator = emulator;
            this.pointerBits = pointerBits;
            this.bigEndian = bigEndian;
            this.extraFlags = List.of(extraFlags);
        }

        @Override
        public String toString() {
            return platform;
        }
    }

    @TempDir
    static Path work;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Isa.class)
    void javaDecoderReadsEveryValueTheCEncoderWrote(Isa isa) throws Exception {
        assumeTrue(onPath(isa.compiler), isa.compiler + " is not installed");
        assumeTrue(isa.emulator == null || onPath(isa.emulator), isa.emulator + " is not installed");

        Path dir = Files.createDirectories(work.resolve(isa.platform));
        Path exe = build(isa, dir);
        Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        long before = System.currentTimeMillis() * 1_000_000L;
        run(isa, exe, checkpoints);
        long after = System.currentTimeMillis() * 1_000_000L;
        try (Stream<Path> files = Files.list(checkpoints)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ckpt-000001.tck");
        }

        Checkpoint c = CheckpointReader.read(checkpoints.resolve("ckpt-000001.tck"));

        SoftAssertions soft = new SoftAssertions();
        meta(soft, c, isa, exe, before, after);
        globals(soft, c);
        frames(soft, c);
        // The runtime does not track heap blocks yet: format_sample allocates nothing and must write an empty HEAP.
        soft.assertThat(c.heap()).as("HEAP").isEmpty();
        for (TypeDesc t : c.types()) {
            if (t instanceof TypeDesc.Ptr || t instanceof TypeDesc.FuncPtr) {
                soft.assertThat(t.size()).as("sizeof(%s)", t.name()).isEqualTo(isa.pointerBits / 8);
            }
        }
        soft.assertAll();
    }

    // ------------------------------------------------------------------ expected values

    private static void meta(SoftAssertions soft, Checkpoint c, Isa isa, Path exe, long before, long after) {
        Meta m = c.meta();
        soft.assertThat(m.fingerprint()).as("fingerprint").isEqualTo("a1b2c3d4e5f60718293a4b5c6d7e8f90");
        soft.assertThat(m.program()).as("program").isEqualTo("format_sample");
        soft.assertThat(m.platform()).as("platform").isEqualTo(isa.platform);
        soft.assertThat(m.pointerBits()).as("pointer_bits").isEqualTo(isa.pointerBits);
        soft.assertThat(m.bigEndian()).as("big_endian").isEqualTo(isa.bigEndian);
        soft.assertThat(m.timeNanos()).as("time_ns").isBetween(before - 1_000_000_000L, after + 1_000_000_000L);
        soft.assertThat(m.sequence()).as("sequence").isEqualTo(1);
        soft.assertThat(m.reason()).as("reason").isEqualTo("stop-after");
        soft.assertThat(m.visits()).as("visits").isEqualTo(1);
        soft.assertThat(m.point()).as("point").isEqualTo(0);
        soft.assertThat(m.pointPos()).as("point_pos").isEqualTo("format_sample.c:28:31");
        soft.assertThat(m.function()).as("function").isEqualTo("sample");
        soft.assertThat(m.argv()).as("argv")
                .containsExactly(ByteString.utf8(exe.toString()), ByteString.utf8("a"), ByteString.utf8("b"));
    }

    private static void globals(SoftAssertions soft, Checkpoint c) {
        List<GlobalVar> g = c.globals();
        soft.assertThat(g).extracting(GlobalVar::key).as("GLOB keys").containsExactly("g_counter", "g_bytes", "g_rec",
                "g_lit", "g_out", "g_ptr", "g_byte_ptr", "g_end", "g_inside", "g_fn", "g_nofn", "g_ld",
                "format_sample.c:g_table");
        soft.assertThat(g).extracting(GlobalVar::name).as("GLOB names").containsExactly("g_counter", "g_bytes", "g_rec",
                "g_lit", "g_out", "g_ptr", "g_byte_ptr", "g_end", "g_inside", "g_fn", "g_nofn", "g_ld", "g_table");
        if (g.size() != 13) return;

        integer(soft, c, g.get(0).type(), g.get(0).value(), "g_counter", "int", true, 32, -7);
        TypeDesc bytes = c.type(g.get(1).type());
        soft.assertThat(bytes).as("type of g_bytes").isInstanceOf(ArrayT.class);
        if (bytes instanceof ArrayT a) {
            soft.assertThat(a.name()).as("type of g_bytes").isEqualTo("unsigned char[3]");
            soft.assertThat(a.count()).as("count of g_bytes").isEqualTo(3);
            elements(soft, c, a.elementType(), g.get(1).value(), "g_bytes", "unsigned char", false, 8, 1, 2, 255);
        }

        rec(soft, c, g.get(2));

        String literal = "literal";
        soft.assertThat(g.get(3).value()).as("g_lit").isInstanceOfSatisfying(Value.StringConstant.class, s -> {
            assertThat(c.strings().get(s.index())).as("g_lit's string").isEqualTo(ByteString.utf8(literal));
            assertThat(s.offset()).as("g_lit's offset").isZero();
        });
        soft.assertThat(g.get(4).value()).as("g_out").isEqualTo(new Value.StdStream(Value.Stream.STDOUT));
        soft.assertThat(g.get(5).value()).as("g_ptr").isEqualTo(object(ObjectKind.GLOBAL, 0, 0, 0));
        soft.assertThat(g.get(6).value()).as("g_byte_ptr").isEqualTo(object(ObjectKind.GLOBAL, 1, 0, 0, 2L));
        soft.assertThat(g.get(7).value()).as("g_end (one past the end)").isEqualTo(object(ObjectKind.GLOBAL, 1, 0, 0, 3L));
        soft.assertThat(g.get(8).value()).as("g_inside").isEqualTo(object(ObjectKind.GLOBAL, 0, 0, 1));
        soft.assertThat(c.type(g.get(9).type())).as("type of g_fn").isInstanceOf(TypeDesc.FuncPtr.class);
        soft.assertThat(g.get(9).value()).as("g_fn").isEqualTo(new Value.FunctionValue("helper"));
        soft.assertThat(c.type(g.get(10).type())).as("type of g_nofn").isInstanceOf(TypeDesc.FuncPtr.class);
        soft.assertThat(g.get(10).value()).as("g_nofn").isEqualTo(new Value.FunctionValue(null));
        longDouble(soft, c, g.get(11).type(), g.get(11).value(), "g_ld", "1.5");

        TypeDesc table = c.type(g.get(12).type());
        soft.assertThat(table.name()).as("type of g_table").isEqualTo("const short[2]");
        if (table instanceof ArrayT a) {
            soft.assertThat(a.count()).as("count of g_table").isEqualTo(2);
            elements(soft, c, a.elementType(), g.get(12).value(), "g_table", "short", true, 16, -1, 1);
        } else {
            soft.fail("g_table is not an array: " + table);
        }
    }

    private static void rec(SoftAssertions soft, Checkpoint c, GlobalVar rec) {
        TypeDesc t = c.type(rec.type());
        if (!(t instanceof TypeDesc.StructT s)) {
            soft.fail("g_rec is not a struct: " + t);
            return;
        }
        soft.assertThat(s.name()).as("type of g_rec").isEqualTo("struct rec");
        soft.assertThat(s.fields()).extracting(Field::name).as("fields of struct rec")
                .containsExactly("sc", "us", "bf_s", "bf_u", "ll", "dd", "un", "flag");
        soft.assertThat(s.fields()).extracting(Field::bitWidth).as("bit widths of struct rec")
                .containsExactly(0, 0, 5, 3, 0, 0, 0, 0);
        if (s.fields().size() != 8 || !(rec.value() instanceof Value.StructValue(List<Value> v))) {
            soft.fail("g_rec's value does not match struct rec: " + rec.value());
            return;
        }
        List<Field> f = s.fields();
        integer(soft, c, f.get(0).type(), v.get(0), "g_rec.sc", "signed char", true, 8, -100);
        integer(soft, c, f.get(1).type(), v.get(1), "g_rec.us", "unsigned short", false, 16, 65535);
        integer(soft, c, f.get(2).type(), v.get(2), "g_rec.bf_s", "int", true, 32, -9);
        integer(soft, c, f.get(3).type(), v.get(3), "g_rec.bf_u", "unsigned int", false, 32, 6);
        integer(soft, c, f.get(4).type(), v.get(4), "g_rec.ll", "long long", true, 64, -1234567890123456789L);
        soft.assertThat(c.type(f.get(5).type())).as("type of g_rec.dd").isEqualTo(new TypeDesc.FloatT("double", 8, 64));
        soft.assertThat(v.get(5)).as("g_rec.dd").isEqualTo(new Value.FloatValue(0x3FB999999999999AL, 64));
        TypeDesc un = c.type(f.get(6).type());
        soft.assertThat(un).as("type of g_rec.un").isInstanceOf(TypeDesc.UnionT.class);
        if (un instanceof TypeDesc.UnionT u && !u.fields().isEmpty()
                && v.get(6) instanceof Value.UnionValue(int member, Value first, boolean bound)) {
            soft.assertThat(u.fields()).extracting(Field::name).as("members of g_rec.un").containsExactly("u32", "f");
            soft.assertThat(member).as("member carrying g_rec.un").isZero();
            soft.assertThat(bound).as("an int and a float of one size read the same bytes on every byte order").isFalse();
            integer(soft, c, u.fields().getFirst().type(), first, "g_rec.un.u32", "unsigned int", false, 32, 0xDEADBEEFL);
        } else {
            soft.fail("g_rec.un is not a union value: " + v.get(6));
        }
        soft.assertThat(c.type(f.get(7).type())).as("type of g_rec.flag").isInstanceOf(TypeDesc.Bool.class);
        soft.assertThat(v.get(7)).as("g_rec.flag").isEqualTo(new Value.BoolValue(true));
    }

    private static void frames(SoftAssertions soft, Checkpoint c) {
        soft.assertThat(c.frames()).extracting(Frame::function).as("FRAM functions").containsExactly("main", "sample");
        if (c.frames().size() != 2) return;

        Frame main = c.frames().get(0);
        soft.assertThat(main.functionId()).as("main's function_id").isEqualTo(1);
        soft.assertThat(main.point()).as("main's point").isEqualTo(1);
        soft.assertThat(main.pointPos()).as("main's point_pos").isEqualTo("format_sample.c:40:13");
        soft.assertThat(main.vars()).extracting(FrameVar::name).as("main's variables").containsExactly("argc", "argv",
                "m", "arg0", "mid", "fl", "db", "big", "neg", "sh", "b", "en", "ld", "lit", "err", "nothing");
        soft.assertThat(main.vars()).extracting(FrameVar::varId).as("main's variable ids")
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        if (main.vars().size() == 16) {
            List<FrameVar> v = main.vars();
            integer(soft, c, v.get(0).type(), v.get(0).value(), "argc", "int", true, 32, 3);
            soft.assertThat(v.get(1).value()).as("argv").isEqualTo(object(ObjectKind.ARGV_ARRAY, 0, 0, 0));
            TypeDesc m = c.type(v.get(2).type());
            soft.assertThat(m.name()).as("type of m").isEqualTo("int[2][2]");
            if (m instanceof ArrayT outer && c.type(outer.elementType()) instanceof ArrayT inner
                    && v.get(2).value() instanceof Value.ArrayValue(List<Value> rows) && rows.size() == 2) {
                soft.assertThat(outer.count()).as("rows of m").isEqualTo(2);
                elements(soft, c, inner.elementType(), rows.get(0), "m[0]", "int", true, 32, 1, 2);
                elements(soft, c, inner.elementType(), rows.get(1), "m[1]", "int", true, 32, 3, 4);
            } else {
                soft.fail("m is not an int[2][2] value: " + v.get(2).value());
            }
            soft.assertThat(v.get(3).value()).as("arg0").isEqualTo(object(ObjectKind.ARGV_STRING, 0, 0, 0));
            soft.assertThat(v.get(4).value()).as("mid").isEqualTo(object(ObjectKind.ARGV_STRING, 0, 0, 0, 1L));
            soft.assertThat(c.type(v.get(5).type())).as("type of fl").isEqualTo(new TypeDesc.FloatT("float", 4, 32));
            soft.assertThat(v.get(5).value()).as("fl").isEqualTo(Value.FloatValue.ofFloat(0.5f));
            soft.assertThat(c.type(v.get(6).type())).as("type of db").isEqualTo(new TypeDesc.FloatT("double", 8, 64));
            soft.assertThat(v.get(6).value()).as("db").isEqualTo(Value.FloatValue.ofDouble(-2.25));
            integer(soft, c, v.get(7).type(), v.get(7).value(), "big", "unsigned long long", false, 64,
                    new BigInteger("18446744073709551615"));
            integer(soft, c, v.get(8).type(), v.get(8).value(), "neg", "long long", true, 64, Long.MIN_VALUE);
            integer(soft, c, v.get(9).type(), v.get(9).value(), "sh", "short", true, 16, -2);
            soft.assertThat(c.type(v.get(10).type())).as("type of b").isInstanceOf(TypeDesc.Bool.class);
            soft.assertThat(v.get(10).value()).as("b").isEqualTo(new Value.BoolValue(true));
            integer(soft, c, v.get(11).type(), v.get(11).value(), "en", "enum level", true, 32, -1);
            longDouble(soft, c, v.get(12).type(), v.get(12).value(), "ld", "-0.75");
            soft.assertThat(v.get(13).value()).as("lit").isInstanceOfSatisfying(Value.StringConstant.class, s -> {
                assertThat(c.strings().get(s.index())).as("lit's string").isEqualTo(ByteString.utf8("literal"));
                assertThat(s.offset()).as("lit's offset").isEqualTo(3);
            });
            soft.assertThat(v.get(14).value()).as("err").isEqualTo(new Value.StdStream(Value.Stream.STDERR));
            soft.assertThat(v.get(15).value()).as("nothing").isEqualTo(Value.NullPointer.INSTANCE);
        }

        Frame sample = c.frames().get(1);
        soft.assertThat(sample.functionId()).as("sample's function_id").isEqualTo(0);
        soft.assertThat(sample.point()).as("sample's point").isEqualTo(0);
        soft.assertThat(sample.pointPos()).as("sample's point_pos").isEqualTo("format_sample.c:28:31");
        soft.assertThat(sample.vars()).extracting(FrameVar::name).as("sample's variables").containsExactly("p", "q", "i");
        if (sample.vars().size() == 3) {
            List<FrameVar> v = sample.vars();
            soft.assertThat(v.get(0).value()).as("p").isEqualTo(object(ObjectKind.FRAME_VARIABLE, 0, 2, 0, 1L));
            soft.assertThat(v.get(1).value()).as("q").isEqualTo(object(ObjectKind.FRAME_VARIABLE, 0, 2, 0, 1L, 1L));
            integer(soft, c, v.get(2).type(), v.get(2).value(), "i", "int", true, 32, 0);
        }
    }

    // ------------------------------------------------------------------ assertion helpers

    private static ObjectRef object(ObjectKind kind, long a, long b, long byteOffset, Long... path) {
        return new ObjectRef(kind, a, b, List.of(path), byteOffset);
    }

    private static void integer(SoftAssertions soft, Checkpoint c, int typeId, Value value, String what, String typeName,
                                boolean signed, int bits, long expected) {
        integer(soft, c, typeId, value, what, typeName, signed, bits, BigInteger.valueOf(expected));
    }

    private static void integer(SoftAssertions soft, Checkpoint c, int typeId, Value value, String what, String typeName,
                                boolean signed, int bits, BigInteger expected) {
        TypeDesc t = c.type(typeId);
        soft.assertThat(t.name()).as("type of %s", what).isEqualTo(typeName);
        soft.assertThat(t).as("kind of %s", what).isInstanceOf(signed ? TypeDesc.SInt.class : TypeDesc.UInt.class);
        int actualBits = t instanceof TypeDesc.SInt s ? s.bits() : t instanceof TypeDesc.UInt u ? u.bits() : -1;
        soft.assertThat(actualBits).as("bits of %s", what).isEqualTo(bits);
        soft.assertThat(value).as(what).isEqualTo(new Value.IntValue(expected));
    }

    private static void elements(SoftAssertions soft, Checkpoint c, int elementType, Value value, String what,
                                 String typeName, boolean signed, int bits, long... expected) {
        if (!(value instanceof Value.ArrayValue(List<Value> elements)) || elements.size() != expected.length) {
            soft.fail(what + " is not an array of " + expected.length + " elements: " + value);
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            integer(soft, c, elementType, elements.get(i), what + "[" + i + "]", typeName, signed, bits, expected[i]);
        }
    }

    /** A long double compared by value: the %La spelling differs between the x87 and binary128 formats. */
    private static void longDouble(SoftAssertions soft, Checkpoint c, int typeId, Value value, String what,
                                   String expected) {
        soft.assertThat(c.type(typeId)).as("type of %s", what).isInstanceOf(TypeDesc.LongDouble.class);
        if (!(value instanceof Value.LongDoubleValue(String hex))) {
            soft.fail(what + " is not a long double value: " + value);
            return;
        }
        soft.assertThat(exactHexFloat(hex)).as("%s (written as \"%s\")", what, hex)
                .isEqualByComparingTo(new BigDecimal(expected));
    }

    private static final Pattern HEX_FLOAT =
            Pattern.compile("(-?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)");

    /** The exact value of a finite C99 hexadecimal floating constant, or null if {@code hex} is not one. */
    static BigDecimal exactHexFloat(String hex) {
        Matcher m = HEX_FLOAT.matcher(hex);
        if (!m.matches()) return null;
        String fraction = m.group(3) == null ? "" : m.group(3);
        BigInteger mantissa = new BigInteger(m.group(2) + fraction, 16);
        int exponent = Integer.parseInt(m.group(4)) - 4 * fraction.length();
        BigDecimal exact = exponent >= 0 ? new BigDecimal(mantissa.shiftLeft(exponent))
                : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
        return m.group(1).isEmpty() ? exact : exact.negate();
    }

    // ------------------------------------------------------------------ building and running

    /** The repository root: the module directory's parent. */
    private static Path repoRoot() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
    }

    /** Compiles the runtime together with format_sample for {@code isa} (one compiler run per ISA). */
    private static Path build(Isa isa, Path dir) throws IOException, InterruptedException {
        Path runtime = repoRoot().resolve("talent-runtime/src/main/c");
        Path sample = repoRoot().resolve("talent-runtime/src/test/c/format_sample.c");
        assertThat(sample).as("the runtime's format sample").exists();
        List<String> command = new ArrayList<>();
        command.add(isa.compiler);
        command.addAll(CFLAGS);
        command.addAll(isa.extraFlags);
        command.add("-I" + runtime.resolve("include"));
        try (Stream<Path> sources = Files.list(runtime)) {
            sources.filter(p -> p.toString().endsWith(".c")).sorted().forEach(p -> command.add(p.toString()));
        }
        command.add(sample.toString());
        command.add("-lm");
        Path exe = dir.resolve("format_sample");
        command.add("-o");
        command.add(exe.toString());
        Result r = exec(command, Map.of(), dir, 300);
        assertThat(r.exitCode()).as("%s failed:%n%s", String.join(" ", command), r.output()).isZero();
        return exe;
    }

    /** Runs the sample with {@code TALENT_STOP_AFTER=1}: it writes one checkpoint and exits. */
    private static void run(Isa isa, Path exe, Path checkpoints) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (isa.emulator != null) command.add(isa.emulator);
        command.addAll(List.of(exe.toString(), "a", "b"));
        Result r = exec(command, Map.of("TALENT_STOP_AFTER", "1", "TALENT_CHECKPOINT_DIR", checkpoints.toString()),
                exe.getParent(), 120);
        assertThat(r.exitCode()).as("%s exit status (expected the checkpoint exit %d); output:%n%s",
                String.join(" ", command), EXIT_CHECKPOINTED, r.output()).isEqualTo(EXIT_CHECKPOINTED);
    }

    private record Result(int exitCode, String output) {}

    private static Result exec(List<String> command, Map<String, String> env, Path dir, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Path log = Files.createTempFile(dir, "exec", ".log");
        pb.redirectOutput(log.toFile());
        // Only the variables set here may steer the runtime (a TALENT_PLATFORM from outside would change META).
        pb.environment().keySet().removeIf(k -> k.startsWith("TALENT_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}
