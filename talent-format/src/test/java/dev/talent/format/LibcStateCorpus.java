package dev.talent.format;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of the shared corpus ({@link ForgedCorpus}) about the C library's state the runtime carries as globals and
 * both readers check by value: {@code <libc>:cwd} (cwd.c), {@code <libc>:itimers} (itimers.c) and {@code <libc>:sigmask} (sigdisp.c). A valid file of
 * each both readers accept, and forged ones both refuse, each reaching the rule it is about (docs/FORMAT.md "GLOB").
 */
final class LibcStateCorpus {
    private LibcStateCorpus() {}

    static final TypeDesc U32 = new UInt("uint32_t", 4, 32);
    static final TypeDesc CHAR = new SInt("char", 1, 8);
    static final TypeDesc I64 = new SInt("int64_t", 8, 64);

    /** The path's elements: the bytes of s (UTF-8) as signed chars. */
    static long[] chars(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long[] out = new long[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i];
        return out;
    }

    /**
     * c with a {@code <libc>:cwd} of this flag and these path elements (padded with zeros to {@code length}), the flag
     * of type {@code flag} and the elements of type {@code element}. The global's type is the last type.
     */
    static Checkpoint withCwd(Checkpoint c, long relative, long[] path, int length, TypeDesc flag, TypeDesc element) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        int flagType = types.size();
        types.add(flag);
        int charType = types.size();
        types.add(element);
        int pathType = types.size();
        types.add(new ArrayT("char[" + length + "]", length * element.size(), charType, length));
        int cwd = types.size();
        types.add(new StructT("struct talent_cwd", flag.size() + length * element.size(),
                List.of(new Field("relative", flagType, 0), new Field("path", pathType, 0))));
        List<Value> elements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) elements.add(Fixtures.i(i < path.length ? path[i] : 0));
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar(RuntimeContract.CWD_KEY, "working directory", "<C library>", cwd,
                new Value.StructValue(List.of(Fixtures.i(relative), new Value.ArrayValue(elements)))));
        return new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    static Checkpoint withCwd(Checkpoint c, long relative, String path) {
        return withCwd(c, relative, chars(path), RuntimeContract.CWD_MAX, U32, CHAR);
    }

    /**
     * c with a {@code <libc>:itimers} of these times (each row a timer's value_sec, value_usec, interval_sec,
     * interval_usec, as many members as the row has).
     */
    static Checkpoint withTimers(Checkpoint c, long[]... timers) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        int i64 = types.size();
        types.add(I64);
        List<String> names = List.of("value_sec", "value_usec", "interval_sec", "interval_usec");
        List<Field> fields = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        List<String> timerNames = List.of("real", "virtual", "prof");
        for (int t = 0; t < timers.length; t++) {
            long[] row = timers[t];
            int type = types.size();
            types.add(new StructT("struct talent_itimer", 8L * row.length,
                    names.subList(0, row.length).stream().map(n -> new Field(n, i64, 0)).toList()));
            fields.add(new Field(timerNames.get(t), type, 0));
            List<Value> members = new ArrayList<>();
            for (long v : row) members.add(Fixtures.i(v));
            values.add(new Value.StructValue(members));
        }
        types.add(new StructT("struct talent_itimers", 32L * timers.length, fields));
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar(RuntimeContract.ITIMERS_KEY, "interval timers (alarm, setitimer)", "<C library>",
                types.size() - 1, new Value.StructValue(values)));
        return new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static final long[] OFF = {0, 0, 0, 0};

    /** c with a {@code <libc>:sigmask} of this set (unsigned unless {@code member} is signed), in a struct of one member of type {@code member}. */
    static Checkpoint withMask(Checkpoint c, long blocked, TypeDesc member) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        int m = types.size();
        types.add(member);
        types.add(new StructT("struct talent_sigmask", member.size(), List.of(new Field("blocked", m, 0))));
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar(RuntimeContract.SIGMASK_KEY, "blocked signals (sigprocmask)", "<C library>",
                types.size() - 1, new Value.StructValue(List.of(new Value.IntValue(member instanceof SInt
                        ? java.math.BigInteger.valueOf(blocked) : new java.math.BigInteger(Long.toUnsignedString(blocked)))))));
        return new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    static final TypeDesc U64 = new UInt("uint64_t", 8, 64);
    static final TypeDesc I32 = new SInt("int32_t", 4, 32);

    /** c with one more global of this key and type (the last of types) and value. */
    static Checkpoint withGlobal(Checkpoint c, String key, List<TypeDesc> types, Value value) {
        List<TypeDesc> all = new ArrayList<>(c.types());
        int base = all.size();
        for (TypeDesc t : types) all.add(rebase(t, base));
        List<GlobalVar> globals = new ArrayList<>(c.globals());
        globals.add(new GlobalVar(key, key.substring("<libc>:".length()), "<C library>", all.size() - 1, value));
        return new Checkpoint(c.meta(), all, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    /** t with its type references (relative to the list given to withGlobal) made absolute */
    private static TypeDesc rebase(TypeDesc t, int base) {
        return switch (t) {
            case ArrayT a -> new ArrayT(a.name(), a.size(), a.elementType() + base, a.count());
            case StructT s -> new StructT(s.name(), s.size(),
                    s.fields().stream().map(f -> new Field(f.name(), f.type() + base, f.bitWidth())).toList());
            default -> t;
        };
    }

    static Checkpoint withUmask(Checkpoint c, long mask) {
        return withGlobal(c, RuntimeContract.UMASK_KEY, List.of(U32), Fixtures.i(mask));
    }

    static Checkpoint withNice(Checkpoint c, long nice) {
        return withGlobal(c, RuntimeContract.NICE_KEY, List.of(I32), Fixtures.i(nice));
    }

    static Checkpoint withFenv(Checkpoint c, long round, long flags) {
        return withGlobal(c, RuntimeContract.FENV_KEY, List.of(U32, new StructT("struct talent_fenv", 8,
                List.of(new Field("round", 0, 0), new Field("flags", 0, 0)))),
                new Value.StructValue(List.of(Fixtures.i(round), Fixtures.i(flags))));
    }

    /** c with a {@code <libc>:rlimits} of these changed bits, and soft and hard limits (nine each) */
    static Checkpoint withRlimits(Checkpoint c, long changed, long[] cur, long[] max) {
        List<Value> soft = new ArrayList<>(), hard = new ArrayList<>();
        for (long v : cur) soft.add(new Value.IntValue(new java.math.BigInteger(Long.toUnsignedString(v))));
        for (long v : max) hard.add(new Value.IntValue(new java.math.BigInteger(Long.toUnsignedString(v))));
        return withGlobal(c, RuntimeContract.RLIMITS_KEY, List.of(U32, U64,
                new ArrayT("uint64_t[" + cur.length + "]", 8L * cur.length, 1, cur.length),
                new StructT("struct talent_rlimits", 8 + 16L * cur.length, List.of(new Field("changed", 0, 0),
                        new Field("cur", 2, 0), new Field("max", 2, 0)))),
                new Value.StructValue(List.of(Fixtures.i(changed), new Value.ArrayValue(soft),
                        new Value.ArrayValue(hard))));
    }

    /** c with a global of this key holding char[16] of these elements (padded with zeros) */
    static Checkpoint withText(Checkpoint c, String key, long[] text) {
        return withText(c, key, text, RuntimeContract.COMM_MAX);
    }

    /** c with a global of this key holding char[n] of these elements (padded with zeros) */
    static Checkpoint withText(Checkpoint c, String key, long[] text, int n) {
        List<Value> elements = new ArrayList<>();
        for (int i = 0; i < n; i++) elements.add(Fixtures.i(i < text.length ? text[i] : 0));
        return withGlobal(c, key, List.of(CHAR, new ArrayT("char[" + n + "]", n, 0, n)), new Value.ArrayValue(elements));
    }

    /**
     * c with a {@code <libc>:streams} global (streammodes.c's struct talent_streams): the count, then each entry as
     * {stream, mode, size, wide}, the arrays padded with zeros to {@link RuntimeContract#STREAMS_MAX}; no buffer.
     */
    static Checkpoint withStreams(Checkpoint c, long count, long[]... entries) {
        return withStreams(c, List.of(), count, entries);
    }

    /** The same with these buffers (the member buf), padded with null pointers. */
    static Checkpoint withStreams(Checkpoint c, List<Value> buffers, long count, long[]... entries) {
        int n = RuntimeContract.STREAMS_MAX;
        List<List<Value>> arrays = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Value> bufs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            for (int f = 0; f < 4; f++) arrays.get(f).add(Fixtures.i(k < entries.length ? entries[k][f] : 0));
            bufs.add(k < buffers.size() ? buffers.get(k) : Value.NullPointer.INSTANCE);
        }
        return withGlobal(c, RuntimeContract.STREAMS_KEY, List.of(U32, U64, I32,
                new ArrayT("uint32_t[16]", 4L * n, 0, n), new ArrayT("uint64_t[16]", 8L * n, 1, n),
                new ArrayT("int32_t[16]", 4L * n, 2, n), CHAR, new TypeDesc.Ptr("char *", 8, "char", c.types().size() + 6),
                new ArrayT("char *[16]", 8L * n, 7, n),
                new StructT("struct talent_streams", 4 + 4L * n + 4L * n + 8L * n + 4L * n + 8L * n, List.of(
                        new Field("count", 0, 0), new Field("stream", 3, 0), new Field("mode", 3, 0),
                        new Field("size", 4, 0), new Field("wide", 5, 0), new Field("buf", 8, 0)))),
                new Value.StructValue(List.of(Fixtures.i(count), new Value.ArrayValue(arrays.get(0)),
                        new Value.ArrayValue(arrays.get(1)), new Value.ArrayValue(arrays.get(2)),
                        new Value.ArrayValue(arrays.get(3)), new Value.ArrayValue(bufs))));
    }

    /** A pointer to the start of the fixture's global {@code label} (char[6]). */
    static Value label() {
        return Fixtures.ref(Value.ObjectKind.GLOBAL, 10, 0, 0, 0L);
    }

    static final TypeDesc UCHAR = new UInt("unsigned char", 1, 8);

    /** c with a {@code <libc>:ether_aton}: a struct ether_addr whose one member is an array of these elements of type elem */
    static Checkpoint withOctets(Checkpoint c, long[] octets, TypeDesc elem) {
        List<Value> elements = new ArrayList<>();
        for (long o : octets) elements.add(Fixtures.i(o));
        long size = elem.size() * octets.length;
        return withGlobal(c, RuntimeContract.ETHER_ATON_KEY, List.of(elem, new ArrayT(elem.name() + "[" + octets.length
                + "]", size, 0, octets.length), new StructT("struct ether_addr", size, List.of(new Field(
                "ether_addr_octet", 1, 0)))), new Value.StructValue(List.of(new Value.ArrayValue(elements))));
    }

    static final TypeDesc U8 = new UInt("uint8_t", 1, 8);

    /**
     * c with a {@code <libc>:pending} global (pending.c's struct talent_pending): stdout's count, then the bytes
     * (stdout's, then stderr's) as an array of {@code element}.
     */
    static Checkpoint withPending(Checkpoint c, long out, long[] bytes, TypeDesc element) {
        List<Value> elements = new ArrayList<>();
        for (long b : bytes) elements.add(Fixtures.i(b));
        int n = bytes.length;
        return withGlobal(c, RuntimeContract.PENDING_KEY, List.of(U32, element,
                new ArrayT("uint8_t[" + n + "]", n * element.size(), 1, n),
                new StructT("struct talent_pending", 4L + n * element.size(), List.of(new Field("out", 0, 0), new Field("bytes", 2, 0)))),
                new Value.StructValue(List.of(Fixtures.i(out), new Value.ArrayValue(elements))));
    }

    /** n bytes cycling through every value 0 to 255 */
    private static long[] cycling(int n) {
        long[] b = new long[n];
        for (int i = 0; i < n; i++) b[i] = i & 0xff;
        return b;
    }

    private static long[] nine(long v) {
        long[] a = new long[RuntimeContract.RLIMITS_COUNT];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static void valid(Checkpoint base, Map<String, byte[]> out) {
        // a program that changed into a directory under its starting one, one elsewhere
        out.put("libc-cwd-relative.tck", CheckpointWriter.write(withCwd(base, 1, "data/sub dir")));
        out.put("libc-cwd-absolute.tck", CheckpointWriter.write(withCwd(base, 0, "/srv/app")));
        // alarm(30) with a 250 ms ITIMER_PROF at the bounds: ten years, 999999 microseconds
        out.put("libc-itimers.tck", CheckpointWriter.write(withTimers(base, new long[] {29, 999_000, 0, 0}, OFF,
                new long[] {RuntimeContract.ITIMERS_MAX_SEC, RuntimeContract.ITIMERS_USEC_LIMIT - 1, 0, 250_000})));
        // SIGHUP, SIGTERM and SIGRTMIN+31 blocked
        out.put("libc-sigmask.tck", CheckpointWriter.write(withMask(base, 1L | (1L << 14) | (1L << 63), U64)));
        // talent's own signals blocked by the program: SIGUSR1, SIGUSR2, SIGURG, SIGRTMIN+2 (carried since 2026-12-06)
        out.put("libc-sigmask-talents-own.tck", CheckpointWriter.write(withMask(base, (1L << 9) | (1L << 11)
                | (1L << 22) | (1L << 34), U64)));
        // umask(027), RLIMIT_CORE 0/0 and RLIMIT_NOFILE 77/unlimited, upward rounding with divide-by-zero raised,
        // nice 19, a process name of 15 chars, inet_ntoa's longest text: every bound reached
        long[] cur = nine(-1L), max = nine(-1L);
        cur[4] = 0;
        max[4] = 0;
        cur[5] = 77;
        out.put("libc-attributes.tck", CheckpointWriter.write(withText(withText(withNice(withFenv(withRlimits(
                withUmask(base, 0777), (1 << 4) | (1 << 5), cur, max), 3, 31), 19), RuntimeContract.COMM_KEY,
                chars("worker-7-abcdef")), RuntimeContract.INET_NTOA_KEY, chars("255.255.255.255"))));
        out.put("libc-nice-lowest.tck", CheckpointWriter.write(withNice(base, -20)));
        // stdout unbuffered and wide, stderr line-buffered with a size, open stream 0 fully buffered at the largest size
        out.put("libc-streams.tck", CheckpointWriter.write(withStreams(base, 3, new long[] {1, 3, 0, 1},
                new long[] {2, 2, 4096, 0}, new long[] {3, 1, RuntimeContract.STREAMS_MAX_SIZE, -1})));
        // stdout fully buffered in the program's own char label[6], stderr unbuffered
        out.put("libc-streams-buffer.tck", CheckpointWriter.write(withStreams(base, List.of(label()), 2,
                new long[] {1, 1, 6, 0}, new long[] {2, 3, 0, 0})));
        // "p0 p1 " unwritten in stdout, "err" in stderr (with `2>&1` into one file); stdout's alone; every byte value
        out.put("libc-pending.tck", CheckpointWriter.write(withPending(base, 6, chars("p0 p1 err"), U8)));
        out.put("libc-pending-stdout.tck", CheckpointWriter.write(withPending(base, 3, chars("x\n "), U8)));
        out.put("libc-pending-every-byte.tck", CheckpointWriter.write(withPending(base, 256, cycling(512), U8)));
        // l64a's longest text and ether_ntoa's (musl's upper-case, zero-padded form), and l64a(0)'s empty one
        out.put("libc-l64a-ether-ntoa.tck", CheckpointWriter.write(withText(withText(base, RuntimeContract.L64A_KEY,
                chars("zzzzz1"), RuntimeContract.L64A_MAX), RuntimeContract.ETHER_NTOA_KEY, chars("FF:0A:00:1b:c2:7f"),
                RuntimeContract.ETHER_NTOA_MAX)));
        out.put("libc-ecvt-fcvt.tck", CheckpointWriter.write(withText(withText(base, RuntimeContract.ECVT_KEY,
                chars("31415926535897931"), RuntimeContract.ECVT_MAX), RuntimeContract.FCVT_KEY, chars("1".repeat(
                RuntimeContract.FCVT_MAX - 1)), RuntimeContract.FCVT_MAX)));
        // tmpnam's longest text (musl's form) and ether_aton's octets, 0 and 255 among them
        out.put("libc-tmpnam-ether-aton.tck", CheckpointWriter.write(withOctets(withText(base, RuntimeContract.TMPNAM_KEY,
                chars("/tmp/tmpnam_AbCdEf09"), RuntimeContract.TMPNAM_MAX), new long[] {0, 255, 0x5e, 0x10, 0xab, 1},
                UCHAR)));
        // strerror's and strsignal's texts of numbers without one of their own
        out.put("libc-strerror-strsignal.tck", CheckpointWriter.write(withText(withText(base,
                RuntimeContract.STRERROR_KEY, chars("Unknown error -2147483648"), RuntimeContract.UNKNOWN_TEXT_MAX),
                RuntimeContract.STRSIGNAL_KEY, chars("Real-time signal 30"), RuntimeContract.UNKNOWN_TEXT_MAX)));
        out.put("libc-l64a-empty.tck", CheckpointWriter.write(withText(base, RuntimeContract.L64A_KEY, new long[0],
                RuntimeContract.L64A_MAX)));
    }

    static Map<String, byte[]> forged(Checkpoint base) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("global-cwd-relative-2.tck", CheckpointWriter.write(withCwd(base, 2, "data")));
        out.put("global-cwd-unterminated.tck", CheckpointWriter.write(withCwd(base, 0,
                "/" + "a".repeat(RuntimeContract.CWD_MAX - 1))));
        out.put("global-cwd-dotdot.tck", CheckpointWriter.write(withCwd(base, 1, "data/../../etc")));
        out.put("global-cwd-dot.tck", CheckpointWriter.write(withCwd(base, 1, "./data")));
        out.put("global-cwd-empty-component.tck", CheckpointWriter.write(withCwd(base, 1, "data//sub")));
        out.put("global-cwd-relative-slash.tck", CheckpointWriter.write(withCwd(base, 1, "/etc")));
        out.put("global-cwd-relative-trailing-slash.tck", CheckpointWriter.write(withCwd(base, 1, "data/")));
        out.put("global-cwd-absolute-no-slash.tck", CheckpointWriter.write(withCwd(base, 0, "srv/app")));
        out.put("global-cwd-empty.tck", CheckpointWriter.write(withCwd(base, 0, "")));
        out.put("global-cwd-not-a-char.tck", CheckpointWriter.write(withCwd(base, 0, new long[] {'/', 200},
                RuntimeContract.CWD_MAX, U32, new UInt("unsigned char", 1, 8))));
        out.put("global-cwd-short-path.tck", CheckpointWriter.write(withCwd(base, 0, chars("/srv"),
                RuntimeContract.CWD_MAX - 1, U32, CHAR)));
        out.put("global-itimers-usec-1000000.tck", CheckpointWriter.write(withTimers(base,
                new long[] {0, RuntimeContract.ITIMERS_USEC_LIMIT, 0, 0}, OFF, OFF)));
        out.put("global-itimers-negative-sec.tck", CheckpointWriter.write(withTimers(base, OFF, new long[] {-1, 0, 0, 0},
                OFF)));
        out.put("global-itimers-sec-over-bound.tck", CheckpointWriter.write(withTimers(base, OFF, OFF,
                new long[] {0, 0, RuntimeContract.ITIMERS_MAX_SEC + 1L, 0})));
        out.put("global-itimers-negative-usec.tck", CheckpointWriter.write(withTimers(base,
                new long[] {5, 0, 0, -1}, OFF, OFF)));
        out.put("global-itimers-three-members.tck", CheckpointWriter.write(withTimers(base, new long[] {1, 0, 0},
                OFF, OFF)));
        out.put("global-sigmask-sigkill.tck", CheckpointWriter.write(withMask(base, 1L << 8, U64)));
        out.put("global-sigmask-sigstop-and-sigusr1.tck", CheckpointWriter.write(withMask(base, (1L << 18) | (1L << 9),
                U64)));
        out.put("global-sigmask-all-realtime-and-one.tck", CheckpointWriter.write(withMask(base, (1L << 31) | (1L << 33),
                U64)));
        out.put("global-sigmask-negative.tck", CheckpointWriter.write(withMask(base, -1L, I64)));
        out.put("global-streams-count-17.tck", CheckpointWriter.write(withStreams(base, 17, new long[] {1, 3, 0, 0})));
        out.put("global-streams-mode-4.tck", CheckpointWriter.write(withStreams(base, 1, new long[] {1, 4, 0, 0})));
        out.put("global-streams-wide-2.tck", CheckpointWriter.write(withStreams(base, 1, new long[] {1, 0, 0, 2})));
        out.put("global-streams-size-over-bound.tck", CheckpointWriter.write(withStreams(base, 1,
                new long[] {1, 1, RuntimeContract.STREAMS_MAX_SIZE + 1L, 0})));
        out.put("global-streams-size-unbuffered.tck", CheckpointWriter.write(withStreams(base, 1,
                new long[] {1, 3, 512, 0})));
        out.put("global-streams-number-over-bound.tck", CheckpointWriter.write(withStreams(base, 1,
                new long[] {RuntimeContract.STREAMS_MAX_NUMBER + 1L, 3, 0, 0})));
        out.put("global-streams-not-ascending.tck", CheckpointWriter.write(withStreams(base, 2,
                new long[] {2, 3, 0, 0}, new long[] {1, 3, 0, 0})));
        out.put("global-streams-empty-entry.tck", CheckpointWriter.write(withStreams(base, 1, new long[] {1, 0, 0, 0})));
        out.put("global-streams-past-count.tck", CheckpointWriter.write(withStreams(base, 1, new long[] {1, 3, 0, 0},
                new long[] {2, 3, 0, 0})));
        out.put("global-streams-buffer-past-count.tck", CheckpointWriter.write(withStreams(base,
                List.of(Value.NullPointer.INSTANCE, label()), 1, new long[] {1, 1, 6, 0})));
        out.put("global-streams-buffer-unbuffered.tck", CheckpointWriter.write(withStreams(base, List.of(label()), 1,
                new long[] {1, 3, 0, 0})));
        out.put("global-streams-buffer-no-size.tck", CheckpointWriter.write(withStreams(base, List.of(label()), 1,
                new long[] {1, 2, 0, 0})));
        out.put("global-streams-buffer-string.tck", CheckpointWriter.write(withStreams(base,
                List.of(new Value.StringConstant(0, 0)), 1, new long[] {1, 1, 6, 0})));
        out.put("global-streams-buffer-argv.tck", CheckpointWriter.write(withStreams(base,
                List.of(Fixtures.ref(Value.ObjectKind.ARGV_STRING, 1, 0, 0, 0L)), 1, new long[] {1, 1, 2, 0})));
        out.put("global-streams-buffer-indeterminate.tck", CheckpointWriter.write(withStreams(base,
                List.of(Value.Indeterminate.INSTANCE), 1, new long[] {1, 1, 6, 0})));
        out.put("global-pending-out-past-bytes.tck", CheckpointWriter.write(withPending(base, 4, chars("abc"), U8)));
        out.put("global-pending-out-over-bound.tck", CheckpointWriter.write(withPending(base,
                RuntimeContract.PENDING_MAX + 1, cycling(3), U8)));
        out.put("global-pending-stderr-over-bound.tck", CheckpointWriter.write(withPending(base, 0,
                cycling(RuntimeContract.PENDING_MAX + 1), U8)));
        out.put("global-pending-signed-bytes.tck", CheckpointWriter.write(withPending(base, 1, new long[] {-1, 65},
                CHAR)));
        out.put("global-pending-wide-bytes.tck", CheckpointWriter.write(withPending(base, 1, new long[] {1, 2}, U32)));
        out.put("global-umask-over-0777.tck", CheckpointWriter.write(withUmask(base, 01000)));
        out.put("global-nice-20.tck", CheckpointWriter.write(withNice(base, 20)));
        out.put("global-nice-minus-21.tck", CheckpointWriter.write(withNice(base, -21)));
        out.put("global-fenv-round-4.tck", CheckpointWriter.write(withFenv(base, 4, 0)));
        out.put("global-fenv-flags-32.tck", CheckpointWriter.write(withFenv(base, 1, 32)));
        out.put("global-rlimits-changed-bit-9.tck", CheckpointWriter.write(withRlimits(base, 1 << 9, nine(5), nine(5))));
        long[] soft = nine(5);
        soft[2] = 6;
        out.put("global-rlimits-soft-above-hard.tck", CheckpointWriter.write(withRlimits(base, 1 << 2, soft, nine(5))));
        out.put("global-rlimits-eight-limits.tck", CheckpointWriter.write(withRlimits(base, 1, new long[8], new long[8])));
        out.put("global-comm-unterminated.tck", CheckpointWriter.write(withText(base, RuntimeContract.COMM_KEY,
                chars("a".repeat(RuntimeContract.COMM_MAX)))));
        out.put("global-inet-ntoa-letters.tck", CheckpointWriter.write(withText(base, RuntimeContract.INET_NTOA_KEY,
                chars("10.0.0.x"))));
        out.put("global-inet-ntoa-after-nul.tck", CheckpointWriter.write(withText(base, RuntimeContract.INET_NTOA_KEY,
                new long[] {'1', '.', '2', 0, '9'})));
        out.put("global-l64a-not-a-digit.tck", CheckpointWriter.write(withText(base, RuntimeContract.L64A_KEY,
                chars("ab-c"), RuntimeContract.L64A_MAX)));
        out.put("global-l64a-unterminated.tck", CheckpointWriter.write(withText(base, RuntimeContract.L64A_KEY,
                chars("abcdefgh"), RuntimeContract.L64A_MAX)));
        out.put("global-l64a-sixteen-chars.tck", CheckpointWriter.write(withText(base, RuntimeContract.L64A_KEY,
                chars("abc"), RuntimeContract.COMM_MAX)));
        out.put("global-ether-ntoa-after-nul.tck", CheckpointWriter.write(withText(base, RuntimeContract.ETHER_NTOA_KEY,
                new long[] {'a', ':', 'b', 0, 'c'}, RuntimeContract.ETHER_NTOA_MAX)));
        out.put("global-ether-ntoa-not-hex.tck", CheckpointWriter.write(withText(base, RuntimeContract.ETHER_NTOA_KEY,
                chars("1:2:3:4:5:g"), RuntimeContract.ETHER_NTOA_MAX)));
        out.put("global-ecvt-minus.tck", CheckpointWriter.write(withText(base, RuntimeContract.ECVT_KEY,
                chars("-314"), RuntimeContract.ECVT_MAX)));
        out.put("global-fcvt-unterminated.tck", CheckpointWriter.write(withText(base, RuntimeContract.FCVT_KEY,
                chars("9".repeat(RuntimeContract.FCVT_MAX)), RuntimeContract.FCVT_MAX)));
        out.put("global-tmpnam-space.tck", CheckpointWriter.write(withText(base, RuntimeContract.TMPNAM_KEY,
                chars("/tmp/file 123"), RuntimeContract.TMPNAM_MAX)));
        out.put("global-tmpnam-unterminated.tck", CheckpointWriter.write(withText(base, RuntimeContract.TMPNAM_KEY,
                chars("/tmp/" + "a".repeat(RuntimeContract.TMPNAM_MAX - 5)), RuntimeContract.TMPNAM_MAX)));
        out.put("global-tmpnam-after-nul.tck", CheckpointWriter.write(withText(base, RuntimeContract.TMPNAM_KEY,
                new long[] {'/', 't', 0, 'x'}, RuntimeContract.TMPNAM_MAX)));
        out.put("global-strerror-percent.tck", CheckpointWriter.write(withText(base, RuntimeContract.STRERROR_KEY,
                chars("Unknown error %n%n"), RuntimeContract.UNKNOWN_TEXT_MAX)));
        out.put("global-strerror-unterminated.tck", CheckpointWriter.write(withText(base, RuntimeContract.STRERROR_KEY,
                chars("x".repeat(RuntimeContract.UNKNOWN_TEXT_MAX)), RuntimeContract.UNKNOWN_TEXT_MAX)));
        out.put("global-strsignal-after-nul.tck", CheckpointWriter.write(withText(base, RuntimeContract.STRSIGNAL_KEY,
                new long[] {'R', 0, '/'}, RuntimeContract.UNKNOWN_TEXT_MAX)));
        out.put("global-strsignal-sixteen-chars.tck", CheckpointWriter.write(withText(base,
                RuntimeContract.STRSIGNAL_KEY, chars("Unknown signal 9"), RuntimeContract.COMM_MAX)));
        out.put("global-ether-aton-eight-octets.tck", CheckpointWriter.write(withOctets(base,
                new long[] {1, 2, 3, 4, 5, 6, 7, 8}, UCHAR)));
        out.put("global-ether-aton-not-an-octet.tck", CheckpointWriter.write(withOctets(base,
                new long[] {1, 2, 256, 4, 5, 6}, new UInt("unsigned short", 2, 16))));
        return out;
    }
}
