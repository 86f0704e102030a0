package dev.talent.format;

import static dev.talent.format.Fixtures.i;
import static dev.talent.format.Fixtures.ref;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import dev.talent.format.Value.ObjectKind;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The shared test vectors of docs/FORMAT.md "Validation": checkpoint files that both readers (this module's Java
 * reader and the C runtime's, talent-runtime's CheckpointCorpusIT) must refuse, and valid ones both must accept. Each
 * forged file has its CRCs recomputed so that it reaches the check it is about. The files are checked in under
 * {@code src/test/resources/} ({@code corpus/valid}, {@code corpus/forged}, {@code corpus/forged-for-program});
 * {@link ForgedCorpusTest} fails when they differ from what this class generates, and rewrites them with
 * {@code -Dtalent.corpus.write=true}.
 *
 * <p>Every file is built from {@link #base()}, a checkpoint of the program the C test driver
 * ({@code talent-runtime/src/test/c/corpus_driver.c}) describes: fingerprint, functions, points and globals match.
 * {@code forged-for-program} holds files that are structurally valid (the Java reader, which knows no program,
 * accepts them) but do not fit that program: the runtime refuses them at validation time, before any restore.
 */
final class ForgedCorpus {
    private ForgedCorpus() {}

    static final int U64 = Fixtures.U128;   // the base replaces the fixture's 128-bit type (the runtime reads up to 64)

    /** Fixtures.full() without types the C runtime does not support (128-bit integers). */
    static Checkpoint base() {
        Checkpoint full = Fixtures.full(3);
        List<TypeDesc> types = new ArrayList<>(full.types());
        types.set(U64, new UInt("unsigned long long", 8, 64));
        List<GlobalVar> globals = new ArrayList<>();
        for (GlobalVar g : full.globals()) {
            globals.add(g.key().equals("huge") ? new GlobalVar("huge", "huge", g.declPos(), U64, new Value.IntValue(BigInteger.ONE.shiftLeft(60))) : g);
        }
        return new Checkpoint(full.meta(), types, full.strings(), globals, full.frames(), full.heap(), full.files(),
                full.pendingWait());
    }

    /** Valid files: both readers accept them. */
    static Map<String, byte[]> valid() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Checkpoint base = base();
        out.put("base.tck", CheckpointWriter.write(base));
        // pointer forms at the edges of what is allowed: one past the end of an array, one past a struct, a byte
        // inside a scalar, the end of a string constant
        Checkpoint edges = withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 0, 3L));
        edges = withGlobal(edges, "grid_end", ref(ObjectKind.GLOBAL, 1, 0, 8, 2L));
        edges = withGlobal(edges, "counter_byte", ref(ObjectKind.GLOBAL, 0, 0, 4));
        edges = withGlobal(edges, "msg", new Value.StringConstant(0, 11));
        out.put("edge-pointers.tck", CheckpointWriter.write(edges));
        // both readings in one object (a member's start, one past the end of the member before it): grid[1].y, grid[1].x + 1
        out.put("boundary-members.tck", CheckpointWriter.write(withGlobal(base, "origin_y", boundary(
                ref(ObjectKind.GLOBAL, 1, 0, 0, 1L, 1L), ref(ObjectKind.GLOBAL, 1, 0, 4, 1L, 0L)))));
        // format major 4: an address that was the start of util.c:count and one past the end of counter (two ints side
        // by side on the writer), both readings
        out.put("boundary-pointer.tck", CheckpointWriter.write(withGlobal(base, "count_ptr", boundary(
                ref(ObjectKind.GLOBAL, 19, 0, 0), ref(ObjectKind.GLOBAL, 0, 0, 4)))));
        // format major 5: pointers below an array's start for indexing from 1 (`msg = label - 16`, the farthest a
        // one-byte element may lie; `origin_y` two struct point below grid[0], 16 bytes on the writer)
        out.put("below-pointer.tck", CheckpointWriter.write(withGlobal(withGlobal(base, "msg",
                below(16, ref(ObjectKind.GLOBAL, 10, 0, 0, 0L))), "origin_y", below(2, ref(ObjectKind.GLOBAL, 1, 0, 0, 0L)))));
        // pointers that pointed nowhere talent knew (stack garbage, a FILE * after fclose): restored as invalid
        Checkpoint indeterminate = withGlobal(base, "origin_y", Value.Indeterminate.INSTANCE);
        indeterminate = withGlobal(indeterminate, "report", Value.Indeterminate.INSTANCE);
        out.put("indeterminate-pointers.tck", CheckpointWriter.write(indeterminate));
        // format major 6: numbers kept in pointers (`msg = (char *)3`, `count_ptr = (int *)-1`), the extremes of both
        out.put("number-pointers.tck", CheckpointWriter.write(withGlobal(withGlobal(withGlobal(base, "msg",
                new Value.KeptNumber(RuntimeContract.NUMBER_PTR_LOW)), "count_ptr", new Value.KeptNumber(-1)), "nothing",
                new Value.KeptNumber(-RuntimeContract.NUMBER_PTR_HIGH))));
        // one struct whose last array was cut to its heap block (a flexible array member), a pointer into that array
        out.put("trailing-array.tck", CheckpointWriter.write(trailing(base)));
        // an untyped block whose bytes depend on the byte order only (bit 2 with bit 0: fixed-width integer views)
        out.put("heap-byte-order-only.tck", CheckpointWriter.write(withHeap(base, 3, b -> new HeapBlock(b.blockId(),
                b.allocPos(), true, b.elementType(), b.elements(), b.tail(), false, true))));
        // an anonymous mapping carried as a heap block (issue 11): its position names the writer's page size
        out.put("heap-mapping.tck", CheckpointWriter.write(withHeap(base, 3, b -> new HeapBlock(b.blockId(),
                "mmap@4096:?", b.untyped(), b.elementType(), b.elements(), b.tail()))));
        // a union carried by its second member (format major 3: the value names it): n.d = 2.5
        out.put("union-second-member.tck", CheckpointWriter.write(withGlobal(base, "n",
                new Value.UnionValue(1, new Value.FloatValue(Double.doubleToLongBits(2.5), 64)))));
        // epoll instances (EPOL): one watching stdin (data.u64), a file (data.fd) and the listener (data.ptr into a
        // global), a disarmed one-shot registration; a second instance, watched by the first
        out.put("epoll.tck", write(withEpoll(base, epoll(List.of(
                reg(0, 0x1, 0, new EventPoll.U64(-1L)),
                reg(3, 0x1 | 0x8000_0000L, 0, new EventPoll.Int32(3)),
                reg(6, 0x1 | 0x4000_0000L, 1, new EventPoll.Pointer(ref(ObjectKind.GLOBAL, 1, 0, 0, 3L))),
                reg(21, 0x1, 0, new EventPoll.Int32(21)))), new EventPoll(21, 0, List.of()))));
        // signal dispositions (SIGS): SIGPIPE ignored, SIGTERM handled by compute() with SA_RESTART | SA_SIGINFO and
        // SIGHUP, SIGINT and SIGRTMIN+7 blocked while it runs
        out.put("signals.tck", write(withSignals(base, ignored(13), handled(15, 3, (1L << 0) | (1L << 1) | (1L << 39), "compute"))));
        // environment and locale changes (ENVI)
        EnvironmentCorpus.valid(base, out);
        // a listening socket with its backlog and options (SOPT)
        SocketOptionsCorpus.valid(base, out);
        TmpfileCorpus.valid(base, out);
        // the C library's state carried as globals: the working directory, the interval timers
        LibcStateCorpus.valid(base, out);
        Int128Corpus.valid(base, out);
        // SIGHUP handled by compute() blocking every real-time signal, as sigfillset sets them
        out.put("signals-all-realtime.tck", write(withSignals(base, handled(1, 0, (1L << 14) | (1L << 31), "compute"))));
        // function pointers holding <signal.h>'s handler constants (a struct sigaction's sa_handler, signal()'s result)
        out.put("signal-constants.tck", write(withGlobal(withGlobal(base, "handler", Value.SignalConstant.IGNORE),
                "no_handler", Value.SignalConstant.ERROR)));
        // a function pointer that held no function at the checkpoint (a struct member not written yet): INDETERMINATE
        out.put("function-pointer-indeterminate.tck", write(withGlobal(base, "handler", Value.Indeterminate.INSTANCE)));
        // more descriptors of the instances (EDUP): 20 also at 22 (close-on-exec) and 30, 21 also at 23, which 20
        // watches (a registration made through a copy's number)
        out.put("epoll-copies.tck", write(withEpoll(base,
                new EventPoll(20, 1, List.of(reg(3, 0x1, 0, new EventPoll.Int32(3)), reg(23, 0x1, 0, new EventPoll.Int32(23))),
                        List.of(new EventPoll.Copy(22, 1), new EventPoll.Copy(30, 0))),
                new EventPoll(21, 0, List.of(), List.of(new EventPoll.Copy(23, 0))))));
        // HORD: the heap blocks' ids by increasing address, not HEAP's order (FORMAT.md "HORD")
        out.put("heap-order.tck", withHeapOrder(base, 12, 3, 1, 2));
        // the program's errno (ERRN, version 2.0): ERANGE, and the highest code
        out.put("errno-erange.tck", write(base.withErrno(34)));
        out.put("errno-highest-code.tck", write(base.withErrno(RuntimeContract.ERRNO_MAX_CODE)));
        return out;
    }

    /** ERRN files both readers refuse (added to forged()). */
    static void forgedErrno(Checkpoint base, Map<String, byte[]> out) {
        Sections errno = Sections.of(write(base.withErrno(34)));
        out.put("errno-code-0.tck", errno.withPayload(Wire.ERRN, p -> bytes(0, 0)).toBytes());
        // 41 is no code (EWOULDBLOCK is EAGAIN, 11); 134 is past the table; 0xFFFF the largest u16
        out.put("errno-code-41.tck", errno.withPayload(Wire.ERRN, p -> bytes(0, 41)).toBytes());
        out.put("errno-code-134.tck", errno.withPayload(Wire.ERRN, p -> bytes(0, 134)).toBytes());
        out.put("errno-code-65535.tck", errno.withPayload(Wire.ERRN, p -> bytes(0xFF, 0xFF)).toBytes());
        out.put("errno-truncated.tck", errno.withPayload(Wire.ERRN, p -> bytes(0)).toBytes());
        out.put("errno-empty.tck", errno.withPayload(Wire.ERRN, p -> new byte[0]).toBytes());
        out.put("errno-left-over-bytes.tck", errno.withPayload(Wire.ERRN, p -> bytes(0, 34, 0)).toBytes());
        out.put("errno-twice.tck", errno.inserting(6, Wire.ERRN, bytes(0, 34)).toBytes());
        // ERRN in a 1.0 file: a 1.x reader would skip it and resume the program with errno 0
        // (first, before the sections whose unions a 1.x reader would read without their member numbers)
        out.put("errno-in-version-1.tck", errno.removing(Wire.ERRN).inserting(0, Wire.ERRN, bytes(0, 34))
                .withVersion(1, 0).toBytes());
        // a 2.0 file without ERRN: not what a writer writes (it would be 1.0, or 3.0 with a union)
        // (of a program without unions, which a 2.x reader reads without member numbers)
        out.put("errno-version-2-without-errn.tck", Sections.of(write(Fixtures.small())).withVersion(2, 0).toBytes());
    }

    static SignalDisposition ignored(int sig) {
        return new SignalDisposition(sig, true, 0, 0, null);
    }

    static SignalDisposition handled(int sig, int flags, long mask, String handler) {
        return new SignalDisposition(sig, false, flags, mask, handler);
    }

    static Checkpoint withSignals(Checkpoint c, SignalDisposition... signals) {
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), c.heap(), c.files(), c.pendingWait(),
                c.epoll(), List.of(signals));
    }

    /** SIGS files both readers refuse (added to forged()). */
    static void forgedSignals(Checkpoint base, Map<String, byte[]> out) {
        out.put("sigs-signal-talent-owns.tck", write(withSignals(base, handled(10, 0, 0, "compute"))));
        out.put("sigs-sigkill.tck", write(withSignals(base, ignored(9))));
        out.put("sigs-out-of-order.tck", write(withSignals(base, ignored(15), ignored(13))));
        out.put("sigs-twice.tck", write(withSignals(base, ignored(13), ignored(13))));
        out.put("sigs-unknown-flag.tck", write(withSignals(base, handled(15, 16, 0, "compute"))));
        out.put("sigs-ignored-with-mask.tck", write(withSignals(base, new SignalDisposition(13, true, 0, 1, null))));
        out.put("sigs-handler-not-a-name.tck", write(withSignals(base, handled(15, 0, 0, "0x401000"))));
        // every real-time signal (bit 31) and SIGRTMIN+1 again: not the form a writer produces
        out.put("sigs-mask-realtime-twice.tck", write(withSignals(base, handled(15, 0, (1L << 31) | (1L << 33), "compute"))));
        byte[] kind = write(withSignals(base, ignored(13)));
        // the kind byte right after signal 13: 3 is no kind
        int at = indexOf(kind, bytes('S', 'I', 'G', 'S')) + 12 + 4 + 1;
        kind[at] = 3;
        out.put("sigs-unknown-kind.tck", reseal(kind, "SIGS"));
        byte[] many = write(withSignals(base, ignored(13)));
        // the count: 2^31, far more than the 31 standard signals
        many[indexOf(many, bytes('S', 'I', 'G', 'S')) + 12] = (byte) 0x80;
        out.put("sigs-count.tck", reseal(many, "SIGS"));
    }

    /** Instance 20 watching fd 3, with the given other descriptors; instance 21 with {@code copies21}. */
    static Checkpoint withCopies(Checkpoint base, List<EventPoll.Copy> copies20, List<EventPoll.Copy> copies21) {
        return withEpoll(base, new EventPoll(20, 1, List.of(reg(3, 0x1, 0, new EventPoll.Int32(3))), copies20),
                new EventPoll(21, 0, List.of(), copies21));
    }

    /** Type ids {@link #trailing} adds after the fixture's. */
    static final int INT3 = Fixtures.UCHAR + 1, VEC = Fixtures.UCHAR + 2;

    /**
     * The base with heap block 20: one {@code struct vec { int n; int d[]; }} whose trailing array holds 3 elements (2
     * tail bytes after them), and {@code count_ptr} pointing to its {@code d[2]} (element 0, field 1, index 2).
     */
    static Checkpoint trailing(Checkpoint c) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        types.add(new ArrayT("int[3]", 12, Fixtures.INT, 3));
        types.add(new StructT("struct vec", 16, List.of(new Field("n", Fixtures.INT, 0), new Field("d", INT3, 0))));
        List<HeapBlock> heap = new ArrayList<>(c.heap());
        heap.add(new HeapBlock(20, "app.c:54:10", false, VEC, List.of(new Value.StructValue(List.of(i(3),
                Fixtures.ints(7, 8, 9)))), ByteString.of(new byte[] {1, 2}), true));
        Checkpoint t = new Checkpoint(c.meta(), types, c.strings(), c.globals(), c.frames(), heap, c.files(), c.pendingWait());
        return withGlobal(t, "count_ptr", ref(ObjectKind.HEAP_BLOCK, 20, 0, 0, 0L, 1L, 2L));
    }

    static EventPoll.Registration reg(long fd, long events, int flags, EventPoll.Data data) {
        return new EventPoll.Registration(fd, events, flags, data);
    }

    static EventPoll epoll(List<EventPoll.Registration> regs) {
        return new EventPoll(20, 1, regs);
    }

    static Checkpoint withEpoll(Checkpoint c, EventPoll... instances) {
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), c.heap(), c.files(), c.pendingWait(),
                List.of(instances));
    }

    /** EPOL files both readers refuse (added to forged()). */
    static void forgedEpoll(Checkpoint base, Map<String, byte[]> out) {
        EventPoll.Registration ok = reg(3, 0x1, 0, new EventPoll.Int32(3));
        out.put("epoll-instance-is-a-file.tck", write(withEpoll(base, new EventPoll(6, 0, List.of()))));
        out.put("epoll-instance-twice.tck", write(withEpoll(base, epoll(List.of(ok)), epoll(List.of()))));
        out.put("epoll-instance-flags.tck", write(withEpoll(base, new EventPoll(20, 2, List.of(ok)))));
        out.put("epoll-watches-unknown-descriptor.tck", write(withEpoll(base, epoll(List.of(reg(9, 0x1, 0,
                new EventPoll.Int32(9)))))));
        out.put("epoll-watches-itself.tck", write(withEpoll(base, epoll(List.of(reg(20, 0x1, 0, new EventPoll.Int32(9)))))));
        out.put("epoll-registrations-out-of-order.tck", write(withEpoll(base, epoll(List.of(reg(4, 0x1, 0,
                new EventPoll.Int32(4)), ok)))));
        out.put("epoll-unknown-event-bits.tck", write(withEpoll(base, epoll(List.of(reg(3, 0x20, 0, new EventPoll.Int32(3)))))));
        out.put("epoll-disarmed-without-oneshot.tck", write(withEpoll(base, epoll(List.of(reg(3, 0x1, 1,
                new EventPoll.Int32(3)))))));
        out.put("epoll-pointer-missing-global.tck", write(withEpoll(base, epoll(List.of(reg(3, 0x1, 0,
                new EventPoll.Pointer(ref(ObjectKind.GLOBAL, 999, 0, 0))))))));
        out.put("epoll-pointer-string-missing.tck", write(withEpoll(base, epoll(List.of(reg(3, 0x1, 0,
                new EventPoll.Pointer(new Value.StringConstant(99, 0))))))));
        byte[] kind = write(withEpoll(base, epoll(List.of(ok))));
        // the data kind byte (1) right after fd 3, events 1 and flags 0 of the only registration: 4 is no kind
        int at = indexOf(kind, bytes(0, 0, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 3)) + 9;
        kind[at] = 4;
        out.put("epoll-unknown-data-kind.tck", resealLast(kind));
        byte[] many = write(withEpoll(base, epoll(List.of(ok))));
        // the instance count: 2^31, far more than the section holds
        int countAt = indexOf(many, bytes('E', 'P', 'O', 'L')) + 12;
        many[countAt] = (byte) 0x80;
        out.put("epoll-instance-count.tck", resealLast(many));

        // EDUP: the other descriptors of the instances
        List<EventPoll.Copy> none = List.of();
        out.put("epoll-copy-is-a-file.tck", write(withCopies(base, List.of(new EventPoll.Copy(6, 0)), none)));
        out.put("epoll-copy-is-an-instance.tck", write(withCopies(base, List.of(new EventPoll.Copy(21, 0)), none)));
        out.put("epoll-copy-is-its-instance.tck", write(withCopies(base, List.of(new EventPoll.Copy(20, 0)), none)));
        out.put("epoll-copy-twice.tck", write(withCopies(base, List.of(new EventPoll.Copy(22, 0)),
                List.of(new EventPoll.Copy(22, 0)))));
        out.put("epoll-copy-flags.tck", write(withCopies(base, List.of(new EventPoll.Copy(22, 2)), none)));
        out.put("epoll-copy-out-of-range.tck", write(withCopies(base, List.of(new EventPoll.Copy(0x8000_0000L, 0)), none)));
        out.put("epoll-watches-its-copy.tck", write(withEpoll(base, new EventPoll(20, 1,
                List.of(reg(3, 0x1, 0, new EventPoll.Int32(3)), reg(22, 0x1, 0, new EventPoll.Int32(22))),
                List.of(new EventPoll.Copy(22, 0))))));
        Sections copies = Sections.of(write(withCopies(base, List.of(new EventPoll.Copy(22, 0), new EventPoll.Copy(30, 0)), none)));
        // a copy of descriptor 25, which is no instance (the writer only writes copies of its instances)
        out.put("epoll-copy-of-no-instance.tck", patch(copies, Wire.EDUP, null, 4 + 4, bytes(0, 0, 0, 25)));
        // the two entries (9 bytes each after the count) swapped: 30 before 22
        out.put("epoll-copies-out-of-order.tck", copies.withPayload(Wire.EDUP, p -> {
            byte[] first = Arrays.copyOfRange(p, 4, 13);
            System.arraycopy(p, 13, p, 4, 9);
            System.arraycopy(first, 0, p, 13, 9);
            return p;
        }).toBytes());
        // the count: 2^31, far more than the section holds
        out.put("epoll-copy-count.tck", patch(copies, Wire.EDUP, null, 0, bytes(0x80, 0, 0, 0)));
        out.put("epoll-copies-twice.tck", copies.inserting(copies.sections().size(), Wire.EDUP,
                copies.sections().get(copies.indexOf(Wire.EDUP)).payload()).toBytes());
        // copies without any epoll instance: EDUP alone
        out.put("epoll-copy-without-epol.tck", copies.removing(Wire.EPOL).toBytes());
    }

    /** The file with its EPOL section's CRC computed again. */
    private static byte[] resealLast(byte[] file) {
        return reseal(file, "EPOL");
    }

    /** The file with the CRC of its section {@code tag} computed again. */
    private static byte[] reseal(byte[] file, String tag) {
        int tagAt = indexOf(file, tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int len = (int) (((file[tagAt + 8] & 0xFFL) << 24) | ((file[tagAt + 9] & 0xFFL) << 16) | ((file[tagAt + 10] & 0xFFL) << 8)
                | (file[tagAt + 11] & 0xFFL));
        int crc = Wire.crc32c(file, tagAt, 12 + len);
        int crcAt = tagAt + 12 + len;
        file[crcAt] = (byte) (crc >>> 24);
        file[crcAt + 1] = (byte) (crc >>> 16);
        file[crcAt + 2] = (byte) (crc >>> 8);
        file[crcAt + 3] = (byte) crc;
        return file;
    }

    /** Files both readers refuse, by category (the file name's prefix). */
    static Map<String, byte[]> forged() {
        Map<String, byte[]> epollFiles = new LinkedHashMap<>();
        forgedEpoll(base(), epollFiles);
        forgedSignals(base(), epollFiles);
        Map<String, byte[]> all = forgedOthers();
        all.putAll(epollFiles);
        all.putAll(EnvironmentCorpus.forged(base()));
        all.putAll(SocketOptionsCorpus.forged(base()));
        all.putAll(TmpfileCorpus.forged(base()));
        all.putAll(LibcStateCorpus.forged(base()));
        Int128Corpus.forged(base(), all);
        return all;
    }

    private static Map<String, byte[]> forgedOthers() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Checkpoint base = base();
        byte[] valid = CheckpointWriter.write(base);
        Sections sections = Sections.of(valid);

        // ---- pointers whose target is not an element the format can name
        out.put("pointer-mid-struct.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 4, 1L))));
        out.put("pointer-mid-array.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 3))));
        out.put("pointer-mid-heap-block.tck", write(withGlobal(base, "head", ref(ObjectKind.HEAP_BLOCK, 1, 0, 3))));
        out.put("pointer-mid-struct-in-heap.tck", write(withGlobal(base, "head", ref(ObjectKind.HEAP_BLOCK, 1, 0, 4, 1L))));
        out.put("pointer-offset-past-scalar.tck", write(withGlobal(base, "counter_byte", ref(ObjectKind.GLOBAL, 0, 0, 5))));
        out.put("pointer-index-out-of-range.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 0, 4L))));
        out.put("pointer-one-past-end-not-last.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 0, 3L, 0L))));
        out.put("pointer-offset-after-one-past-end.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 1, 3L))));
        out.put("pointer-below-scalar.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 0, 0, 0, 0L))));
        out.put("pointer-to-bit-field.tck", write(withGlobal(base, "head", ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 0L, 2L))));
        out.put("pointer-field-out-of-range.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 0, 0, 1L, 2L))));
        out.put("pointer-missing-global.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 99, 0, 0))));
        out.put("pointer-missing-frame-variable.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.FRAME_VARIABLE, 1, 9, 0))));
        out.put("pointer-missing-frame.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.FRAME_VARIABLE, 5, 0, 0))));
        out.put("pointer-missing-heap-block.tck", write(withGlobal(base, "head", ref(ObjectKind.HEAP_BLOCK, 77, 0, 0, 0L))));
        out.put("pointer-missing-argument.tck", write(withGlobal(base, "msg", ref(ObjectKind.ARGV_STRING, 3, 0, 0, 0L))));
        out.put("pointer-argv-array-a-not-0.tck", write(withGlobal(base, "msg", ref(ObjectKind.ARGV_ARRAY, 1, 0, 0, 0L))));
        out.put("pointer-b-not-0.tck", write(withGlobal(base, "origin_y", ref(ObjectKind.GLOBAL, 1, 1, 0, 1L, 1L))));
        out.put("pointer-path-too-long.tck", write(withGlobal(base, "origin_y",
                ref(ObjectKind.GLOBAL, 1, 0, 0, zeros(65)))));
        out.put("pointer-string-past-end.tck", write(withGlobal(base, "msg", new Value.StringConstant(0, 12))));
        out.put("pointer-string-missing.tck", write(withGlobal(base, "msg", new Value.StringConstant(1, 0))));
        out.put("pointer-stream-not-a-stream.tck", write(withGlobal(base, "report", new Value.OpenStream(0))));
        out.put("pointer-stream-missing.tck", write(withGlobal(base, "report", new Value.OpenStream(7))));
        // boundary pointers (major 4): in a file of an older major, a first reading that is not the start of an object,
        // two readings of one object, a reading whose target is not there or not an element the format can name
        Value.Boundary okBoundary = boundary(ref(ObjectKind.GLOBAL, 19, 0, 0), ref(ObjectKind.GLOBAL, 0, 0, 4));
        out.put("pointer-boundary-in-major-3.tck", Sections.of(write(withGlobal(base, "count_ptr", okBoundary)))
                .withVersion(3, 0).toBytes());
        out.put("pointer-boundary-start-not-at-start.tck", write(withGlobal(base, "origin_y", boundary(
                ref(ObjectKind.GLOBAL, 1, 0, 0, 1L), ref(ObjectKind.GLOBAL, 0, 0, 4)))));
        out.put("pointer-boundary-start-byte-offset.tck", write(withGlobal(base, "counter_byte", boundary(
                ref(ObjectKind.GLOBAL, 19, 0, 1), ref(ObjectKind.GLOBAL, 0, 0, 4)))));
        out.put("pointer-boundary-same-member.tck", write(withGlobal(base, "origin_y", boundary(
                ref(ObjectKind.GLOBAL, 1, 0, 0, 1L, 1L), ref(ObjectKind.GLOBAL, 1, 0, 0, 1L, 1L)))));
        out.put("pointer-boundary-same-object.tck", write(withGlobal(base, "count_ptr", boundary(
                ref(ObjectKind.GLOBAL, 0, 0, 0), ref(ObjectKind.GLOBAL, 0, 0, 4)))));
        out.put("pointer-boundary-end-missing-global.tck", write(withGlobal(base, "count_ptr", boundary(
                ref(ObjectKind.GLOBAL, 19, 0, 0), ref(ObjectKind.GLOBAL, 99, 0, 4)))));
        out.put("pointer-boundary-end-past-scalar.tck", write(withGlobal(base, "count_ptr", boundary(
                ref(ObjectKind.GLOBAL, 19, 0, 0), ref(ObjectKind.GLOBAL, 0, 0, 5)))));
        out.put("pointer-boundary-start-missing-frame.tck", write(withGlobal(base, "count_ptr", boundary(
                ref(ObjectKind.FRAME_VARIABLE, 5, 0, 0), ref(ObjectKind.GLOBAL, 0, 0, 4)))));
        // pointers below an array's start (major 5, docs/FORMAT.md "Below an object's start"): in a file of an older
        // major, no element or too many bytes below, below a scalar, a struct's member, an element that is not the
        // first, a byte offset, argv, a missing global, an element of more than 16 bytes
        // numbers kept in pointers (major 6, docs/FORMAT.md "Pointers"): in a file of an older major, 0 (NULL has its
        // own tag), one past either end of the range
        byte[] number = write(withGlobal(base, "msg", new Value.KeptNumber(3)));
        out.put("pointer-number-in-major-5.tck", Sections.of(number).withVersion(5, 0).toBytes());
        byte[] three = bytes(Wire.PTR_NUMBER, 0, 0, 0, 0, 0, 0, 0, 3);
        out.put("pointer-number-0.tck", replace(Sections.of(number), Wire.GLOB, three, bytes(Wire.PTR_NUMBER, 0, 0, 0, 0, 0, 0, 0, 0)));
        out.put("pointer-number-65536.tck", replace(Sections.of(number), Wire.GLOB, three, bytes(Wire.PTR_NUMBER, 0, 0, 0, 0, 0, 1, 0, 0)));
        out.put("pointer-number-minus-4096.tck", replace(Sections.of(number), Wire.GLOB, three,
                bytes(Wire.PTR_NUMBER, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0x00)));
        out.put("pointer-below-in-major-4.tck", Sections.of(write(withGlobal(base, "msg",
                below(1, ref(ObjectKind.GLOBAL, 10, 0, 0, 0L))))).withVersion(4, 0).toBytes());
        out.put("pointer-below-count-0.tck", write(withGlobal(base, "msg", below(0, ref(ObjectKind.GLOBAL, 10, 0, 0, 0L)))));
        out.put("pointer-below-count-17.tck", write(withGlobal(base, "msg", below(17, ref(ObjectKind.GLOBAL, 10, 0, 0, 0L)))));
        out.put("pointer-below-count-huge.tck", write(withGlobal(base, "msg", below(-1L, ref(ObjectKind.GLOBAL, 10, 0, 0, 0L)))));
        out.put("pointer-below-24-bytes.tck", write(withGlobal(base, "origin_y", below(3, ref(ObjectKind.GLOBAL, 1, 0, 0, 0L)))));
        out.put("pointer-below-start-of-scalar.tck", write(withGlobal(base, "counter_byte", below(1, ref(ObjectKind.GLOBAL, 0, 0, 0)))));
        out.put("pointer-below-member.tck", write(withGlobal(base, "origin_y", below(1, ref(ObjectKind.GLOBAL, 1, 0, 0, 0L, 0L)))));
        out.put("pointer-below-second-element.tck", write(withGlobal(base, "msg", below(1, ref(ObjectKind.GLOBAL, 10, 0, 0, 1L)))));
        out.put("pointer-below-byte-offset.tck", write(withGlobal(base, "msg", below(1, ref(ObjectKind.GLOBAL, 10, 0, 1, 0L)))));
        out.put("pointer-below-argv.tck", write(withGlobal(base, "msg", below(1, ref(ObjectKind.ARGV_ARRAY, 0, 0, 0, 0L)))));
        out.put("pointer-below-missing-global.tck", write(withGlobal(base, "msg", below(1, ref(ObjectKind.GLOBAL, 99, 0, 0, 0L)))));
        out.put("pointer-below-large-element.tck", write(withGlobal(base, "head", below(1, ref(ObjectKind.HEAP_BLOCK, 1, 0, 0, 0L)))));
        out.put("pointer-tag-4-for-data.tck", replaceGlobalValueByte(sections, "nothing", 4));
        out.put("pointer-tag-7-unknown.tck", replaceGlobalValueByte(sections, "nothing", 7));
        // FUNCPTR tags are 0, 4, 6 (INDETERMINATE), 7 (SIG_IGN) and 8 (SIG_ERR): 9 is none, 5 (OPEN_STREAM) a data
        // pointer's only
        out.put("value-function-pointer-tag-9.tck", replaceGlobalValueByte(sections, "no_handler", 9));
        out.put("value-function-pointer-tag-5.tck", replaceGlobalValueByte(sections, "no_handler", 5));

        // ---- text: str must be valid UTF-8 without NUL; C strings (argv, STRS, FILE paths) hold no NUL
        out.put("utf8-overlong.tck", replace(sections, Wire.GLOB, ascii("app.c:3:5"), bytes('a', 'p', 0xC0, 0xAF, '.', 'c', ':', '3', ':')));
        out.put("utf8-surrogate.tck", replace(sections, Wire.FRAM, ascii("app.c:28:14"), bytes('a', 'p', 'p', 0xED, 0xA0, 0x80, ':', '2', '8', ':', '4')));
        out.put("utf8-above-10ffff.tck", replace(sections, Wire.TYPE, ascii("struct node"), bytes('s', 't', 0xF4, 0x90, 0x80, 0x80, 't', 'n', 'o', 'd', 'e')));
        out.put("utf8-truncated-sequence.tck", replace(sections, Wire.META, ascii("stop-after"), bytes('s', 't', 'o', 'p', '-', 'a', 'f', 't', 'e', 0xE2)));
        out.put("utf8-lone-continuation.tck", replace(sections, Wire.HEAP, ascii("app.c:50:10"), bytes('a', 'p', 'p', '.', 'c', 0x80, '5', '0', ':', '1', '0')));
        out.put("utf8-in-function-pointer.tck", replace(sections, Wire.GLOB, ascii("compute"), bytes('c', 'o', 'm', 0xFF, 'u', 't', 'e')));
        out.put("utf8-in-stream-mode.tck", replace(sections, Wire.FILE, ascii("a+"), bytes('a', 0xC3)));
        out.put("nul-in-str.tck", replace(sections, Wire.GLOB, ascii("app.c:3:5"), bytes('a', 'p', 'p', 0, 'c', ':', '3', ':', '5')));
        out.put("nul-in-argv.tck", replace(sections, Wire.META, bytes(0, 0, 0, 2, '-', 'n'), bytes(0, 0, 0, 2, '-', 0)));
        out.put("nul-in-string-constant.tck", replace(sections, Wire.STRS, ascii("hello world"), bytes('h', 'e', 'l', 'l', 'o', 0, 'w', 'o', 'r', 'l', 'd')));
        out.put("nul-in-file-path.tck", replace(sections, Wire.FILE, ascii("/data/log.txt"), bytes('/', 'd', 'a', 't', 'a', '/', 'l', 'o', 'g', 0, 't', 'x', 't')));

        // ---- frames: identities that a restore would only discover halfway through
        out.put("frame-duplicate-variable-id.tck", write(withFrames(base, 1, v -> v.varId() == 4
                ? new FrameVar(3, v.name(), v.declPos(), v.type(), v.value()) : v)));
        out.put("frame-innermost-not-meta.tck", write(new Checkpoint(new Meta(base.meta().fingerprint(), "app", "s390x", 64, true,
                base.meta().timeNanos(), 3, "stop-after", 1000, 6, "app.c:42:5", "compute", base.meta().argv()),
                base.types(), base.strings(), base.globals(), base.frames(), base.heap(), base.files(), base.pendingWait())));
        out.put("frame-none.tck", write(new Checkpoint(base.meta(), base.types(), base.strings(), base.globals(),
                List.of(), base.heap(), base.files(), base.pendingWait())));

        // ---- bounds: what the file describes is bounded by its size
        out.put("bounds-heap-2p34-empty-structs.tck", emptyStructHeap(base, 1L << 34));
        out.put("bounds-array-2p40-empty-structs.tck", emptyStructArrayGlobal(base, 1L << 40));
        out.put("bounds-64-deep-empty-struct-nest.tck", doublingNest(base, 64));
        out.put("bounds-type-nesting-300.tck", deepArrays(base, 300));
        out.put("bounds-heap-count-exceeds-bytes.tck", patchHeapCount(sections, "app.c:51:10", 1L << 40));
        out.put("bounds-type-count.tck", patch(sections, Wire.TYPE, null, 0, bytes(0x7F, 0xFF, 0xFF, 0xFF)));
        out.put("bounds-global-count.tck", patch(sections, Wire.GLOB, null, 0, bytes(0x7F, 0xFF, 0xFF, 0xFF)));
        out.put("bounds-string-length.tck", patch(sections, Wire.META, null, 0, bytes(0x7F, 0xFF, 0xFF, 0xFF)));

        // ---- values
        out.put("value-bool-2.tck", replaceGlobalValueByte(sections, "ready", 2));
        // a union's member number (u32) past its members: 2 of "union num"'s two, and 0x7F000000; and 2 with the
        // byte-order mark (the bit above the number), which marks a number and never makes one
        out.put("value-union-member-2.tck", replaceGlobalValueByte(sections, "n", 3, 2));
        out.put("value-union-member-huge.tck", replaceGlobalValueByte(sections, "n", 0, 0x7F));
        out.put("value-union-member-2-marked.tck", replaceGlobalValueBytes(sections, "n", 0, 0x80, 3, 2));
        out.put("value-bit-field-overflow.tck", write(withHeap(base, 1, b -> new HeapBlock(b.blockId(), b.allocPos(), b.untyped(),
                b.elementType(), List.of(b.elements().get(0), new Value.StructValue(List.of(i(2), Value.NullPointer.INSTANCE, i(8)))),
                b.tail()))));
        out.put("value-bit-field-in-union.tck", write(withType(base, Fixtures.NUM, new TypeDesc.UnionT("union num", 8,
                List.of(new Field("i", Fixtures.INT, 1), new Field("d", Fixtures.DOUBLE, 0))))));
        out.put("value-long-double-text.tck", write(withGlobal(base, "third", new Value.LongDoubleValue("0x1p"))));
        out.put("value-long-double-decimal.tck", write(withGlobal(base, "third", new Value.LongDoubleValue("3.14"))));
        out.put("value-function-name-empty.tck", write(withGlobal(base, "handler", new Value.FunctionValue(""))));

        // ---- types
        out.put("type-bit-width-wider-than-type.tck", write(withType(base, Fixtures.NODE, new StructT("struct node", 24,
                List.of(new Field("value", Fixtures.INT, 0), new Field("next", Fixtures.NODE_PTR, 0), new Field("flags", Fixtures.UINT, 33))))));
        out.put("type-bit-field-not-integer.tck", write(withType(base, Fixtures.NODE, new StructT("struct node", 24,
                List.of(new Field("value", Fixtures.INT, 0), new Field("next", Fixtures.NODE_PTR, 3), new Field("flags", Fixtures.UINT, 3))))));

        // ---- sections and tables
        out.put("global-key-twice.tck", write(withGlobalKey(base, "count", "counter")));
        out.put("heap-id-twice.tck", write(withHeap(base, 12, b -> new HeapBlock(2, b.allocPos(), b.untyped(), b.elementType(),
                b.elements(), b.tail()))));
        // the untyped block's element type made SINT (kind 1): bytes are unsigned char only
        out.put("heap-untyped-signed-bytes.tck", sections.withPayload(Wire.TYPE, p -> {
            p[indexOf(p, concat(bytes(0, 0, 0, 13), ascii("unsigned char"))) - 1] = 1;
            return p;
        }).toBytes());
        out.put("heap-tail-whole-element.tck", write(withHeap(base, 12, b -> new HeapBlock(b.blockId(), b.allocPos(), false,
                b.elementType(), b.elements(), ByteString.of(new byte[24])))));
        // an anonymous mapping's position must name a page size: mmap@<P>:?, P a power of two from 4096 to 65536
        for (String[] forged : new String[][] {{"4095", "mmap@4095:?"}, {"2048", "mmap@2048:?"},
                {"131072", "mmap@131072:?"}, {"leading-zero", "mmap@04096:?"}, {"none", "mmap@:?"},
                {"site", "mmap@4096:m.c:3:5"}, {"unended", "mmap@4096"}, {"digits-only", "mmap@65536?"}}) {
            out.put("heap-mapping-page-" + forged[0] + ".tck", write(withHeap(base, 12, b -> new HeapBlock(b.blockId(),
                    forged[1], b.untyped(), b.elementType(), b.elements(), b.tail()))));
        }
        out.put("heap-unknown-flags.tck", patchHeapFlags(sections, "app.c:52:10", 8));
        out.put("heap-unknown-flags-with-byte-order.tck", patchHeapFlags(sections, "app.c:52:10", 0x85));
        // the byte-order-only flag (bit 2) only on an untyped block (bit 0): not on a typed one, not with bit 1
        out.put("heap-byte-order-typed.tck", patchHeapFlags(sections, "app.c:51:10", 4));
        out.put("heap-byte-order-trailing.tck", patchHeapFlags(sections, "app.c:51:10", 6));
        out.put("heap-byte-order-untyped-trailing.tck", patchHeapFlags(sections, "app.c:52:10", 7));
        // the trailing-array flag (bit 1) only on one typed struct whose last member is an array
        out.put("heap-trailing-untyped.tck", patchHeapFlags(sections, "app.c:52:10", 3));
        out.put("heap-trailing-not-a-struct.tck", patchHeapFlags(sections, "app.c:51:10", 2));
        out.put("heap-trailing-last-member-not-an-array.tck", patchHeapFlags(sections, "app.c:50:10", 2));
        out.put("heap-trailing-two-elements.tck", write(withHeap(trailing(base), 20, b -> new HeapBlock(b.blockId(),
                b.allocPos(), false, b.elementType(), List.of(b.elements().get(0), b.elements().get(0)), b.tail(), true))));
        out.put("wait-time-without-wait.tck", sections.withPayload(Wire.WAIT, p -> { p[0] = 0; return p; }).toBytes());
        out.put("wait-flag-2.tck", sections.withPayload(Wire.WAIT, p -> { p[0] = 2; return p; }).toBytes());
        out.put("file-std-source-on-descriptor.tck", write(withFile(base, 0, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                f.path(), f.access(), f.flags(), 1, f.mode(), f.offset(), f.size(), f.site()))));
        out.put("file-path-on-stdin-position.tck", write(withFile(base, 4, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                ByteString.utf8("/etc/shadow"), f.access(), f.flags(), 0, f.mode(), f.offset(), f.size(), f.site()))));
        out.put("file-mode-on-descriptor.tck", write(withFile(base, 0, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                f.path(), f.access(), f.flags(), 0, "w", f.offset(), f.size(), f.site()))));
        out.put("file-second-stdin-position.tck", write(withFile(base, 5, f -> new OpenFile(1, OpenFile.Kind.STDIN_POSITION, 9,
                ByteString.utf8(""), OpenFile.Access.READ_ONLY, 0, 0, "", 0, 0, "stdin"))));
        out.put("file-descriptor-twice.tck", write(withFile(base, 5, f -> new OpenFile(3, f.kind(), f.description(),
                f.path(), f.access(), f.flags(), f.stdSource(), f.mode(), f.offset(), f.size(), f.site()))));
        out.put("file-listen-address-ipv4.tck", write(withFile(base, 3, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                ByteString.utf8("tcp:999.0.0.1:8080"), f.access(), f.flags(), 0, "", 0, 0, f.site()))));
        out.put("file-listen-address-port.tck", write(withFile(base, 3, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                ByteString.utf8("tcp:127.0.0.1:99999"), f.access(), f.flags(), 0, "", 0, 0, f.site()))));
        out.put("file-listen-address-ipv6.tck", write(withFile(base, 3, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                ByteString.utf8("tcp6:[::g]:80"), f.access(), f.flags(), 0, "", 0, 0, f.site()))));
        out.put("file-connection-path.tck", write(withFile(base, 3, f -> new OpenFile(f.fd(), OpenFile.Kind.TCP_CONNECTION,
                f.description(), ByteString.utf8("tcp:127.0.0.1:8080-/etc/passwd"), f.access(), f.flags(), 0, "", 0, 0,
                f.site()))));
        out.put("file-connection-backlog.tck", write(withFile(base, 3, f -> new OpenFile(f.fd(), OpenFile.Kind.TCP_CONNECTION,
                f.description(), ByteString.utf8("tcp:127.0.0.1:8080-127.0.0.1:9"), f.access(), f.flags(), 0, "", 100, 0,
                f.site()))));
        out.put("file-stream-mode.tck", write(withFile(base, 1, f -> new OpenFile(f.fd(), f.kind(), f.description(),
                f.path(), f.access(), f.flags(), 0, "q", f.offset(), f.size(), f.site()))));
        out.put("meta-pointer-bits.tck", write(new Checkpoint(new Meta(base.meta().fingerprint(), "app", "s390x", 48, true,
                base.meta().timeNanos(), 3, "stop-after", 1000, 7, "app.c:42:5", "compute", base.meta().argv()),
                base.types(), base.strings(), base.globals(), base.frames(), base.heap(), base.files(), base.pendingWait())));

        // ---- framing
        out.put("framing-tag-not-printable.tck", sections.inserting(6, "X\u0001YZ", new byte[0]).toBytes());
        out.put("framing-left-over-bytes-minor-1.tck", sections.withVersion(3, 1)
                .withPayload(Wire.WAIT, p -> Arrays.copyOf(p, p.length + 1)).toBytes());
        out.put("framing-trailing-bytes.tck", Arrays.copyOf(valid, valid.length + 3));
        out.put("framing-section-missing.tck", sections.removing(Wire.HEAP).toBytes());
        out.put("framing-out-of-order.tck", sections.swapping(3, 4).toBytes());
        out.put("framing-truncated.tck", Arrays.copyOf(valid, valid.length - 1));
        out.put("framing-crc.tck", flip(valid, valid.length / 2));
        out.put("framing-major-7.tck", sections.withVersion(7, 0).toBytes());
        forgedErrno(base, out);
        // ---- HORD: every HEAP block's id exactly once (the base's blocks are 1, 2, 3 and 12)
        out.put("heap-order-duplicate-id.tck", withHeapOrder(base, 12, 3, 12, 2));
        out.put("heap-order-unknown-id.tck", withHeapOrder(base, 12, 3, 1, 7));
        out.put("heap-order-count.tck", withHeapOrder(base, 12, 3, 1));
        out.put("heap-order-twice.tck", Sections.of(withHeapOrder(base, 12, 3, 1, 2))
                .inserting(0, Wire.HORD, heapOrder(1, 2, 3, 12)).toBytes());
        out.put("heap-order-truncated.tck", Sections.of(valid).inserting(6, Wire.HORD,
                Arrays.copyOf(heapOrder(12, 3, 1, 2), 14)).toBytes());
        return out;
    }

    /** Structurally valid files that do not fit the C driver's program (refused by the runtime only). */
    static Map<String, byte[]> forgedForProgram() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Checkpoint base = base();
        out.put("program-fingerprint.tck", write(new Checkpoint(new Meta("fedcba9876543210fedcba9876543210", "app", "s390x", 64, true,
                base.meta().timeNanos(), 3, "stop-after", 1000, 7, "app.c:42:5", "compute", base.meta().argv()),
                base.types(), base.strings(), base.globals(), base.frames(), base.heap(), base.files(), base.pendingWait())));
        out.put("program-signal-handler-unknown.tck", write(withSignals(base, handled(15, 0, 0, "no_such_handler"))));
        out.put("program-unknown-global.tck", write(withGlobalKey(base, "count", "no_such_global")));
        out.put("program-unknown-function-pointer.tck", write(withGlobal(base, "handler", new Value.FunctionValue("system"))));
        out.put("program-frame-function-id.tck", write(withFrame(base, 0, f -> new Frame(f.function(), 1, f.point(), f.pointPos(), f.vars()))));
        out.put("program-frame-variable-missing.tck", write(withFrames(base, 1, v -> v.varId() == 4
                ? new FrameVar(9, v.name(), v.declPos(), v.type(), v.value()) : v)));
        out.put("program-frame-point.tck", write(withFrame(base, 0, f -> new Frame(f.function(), f.functionId(), 7, f.pointPos(), f.vars()))));
        return out;
    }

    // ------------------------------------------------------------------ building blocks

    private static Value.Below below(long count, Value.ObjectRef element) {
        return new Value.Below(count, element);
    }

    private static Value.Boundary boundary(Value.ObjectRef start, Value.ObjectRef end) {
        return new Value.Boundary(start, end);
    }

    private static Checkpoint withGlobal(Checkpoint c, String key, Value value) {
        List<GlobalVar> globals = c.globals().stream()
                .map(g -> g.key().equals(key) ? new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), value) : g).toList();
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static Checkpoint withGlobalKey(Checkpoint c, String key, String newKey) {
        List<GlobalVar> globals = c.globals().stream()
                .map(g -> g.key().equals(key) ? new GlobalVar(newKey, g.name(), g.declPos(), g.type(), g.value()) : g).toList();
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static Checkpoint withType(Checkpoint c, int id, TypeDesc t) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        types.set(id, t);
        return new Checkpoint(c.meta(), types, c.strings(), c.globals(), c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    private static Checkpoint withFrame(Checkpoint c, int index, UnaryOperator<Frame> change) {
        List<Frame> frames = new ArrayList<>(c.frames());
        frames.set(index, change.apply(frames.get(index)));
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), frames, c.heap(), c.files(), c.pendingWait());
    }

    private static Checkpoint withFrames(Checkpoint c, int index, UnaryOperator<FrameVar> change) {
        return withFrame(c, index, f -> new Frame(f.function(), f.functionId(), f.point(), f.pointPos(),
                f.vars().stream().map(change).toList()));
    }

    private static Checkpoint withHeap(Checkpoint c, long id, UnaryOperator<HeapBlock> change) {
        List<HeapBlock> heap = c.heap().stream().map(b -> b.blockId() == id ? change.apply(b) : b).toList();
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), heap, c.files(), c.pendingWait());
    }

    private static Checkpoint withFile(Checkpoint c, int index, UnaryOperator<OpenFile> change) {
        List<OpenFile> files = new ArrayList<>(c.files());
        files.set(index, change.apply(files.get(index)));
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), c.heap(), files, c.pendingWait());
    }

    private static Long[] zeros(int n) {
        Long[] out = new Long[n];
        Arrays.fill(out, 0L);
        return out;
    }

    private static byte[] write(Checkpoint c) {
        return CheckpointWriter.write(c);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** HORD's payload: the count, then the ids. */
    static byte[] heapOrder(long... ids) {
        byte[] p = new byte[4 + 4 * ids.length];
        long[] all = new long[ids.length + 1];
        all[0] = ids.length;
        System.arraycopy(ids, 0, all, 1, ids.length);
        for (int k = 0; k < all.length; k++) {
            for (int b = 0; b < 4; b++) p[4 * k + b] = (byte) (all[k] >>> (24 - 8 * b));
        }
        return p;
    }

    /** c written, with an HORD section after its six known ones naming the ids in that order. */
    static byte[] withHeapOrder(Checkpoint c, long... ids) {
        return Sections.of(write(c)).inserting(6, Wire.HORD, heapOrder(ids)).toBytes();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int k = 0; k < values.length; k++) b[k] = (byte) values[k];
        return b;
    }

    private static int indexOf(byte[] data, byte[] find) {
        outer:
        for (int k = 0; k + find.length <= data.length; k++) {
            for (int j = 0; j < find.length; j++) if (data[k + j] != find[j]) continue outer;
            return k;
        }
        throw new IllegalArgumentException("not found: " + new String(find, StandardCharsets.ISO_8859_1));
    }

    /** Replaces the first occurrence of {@code find} in a section's payload by as many bytes; CRCs resealed. */
    private static byte[] replace(Sections s, String tag, byte[] find, byte[] with) {
        if (find.length != with.length) throw new IllegalArgumentException("lengths differ");
        return s.withPayload(tag, p -> {
            System.arraycopy(with, 0, p, indexOf(p, find), with.length);
            return p;
        }).toBytes();
    }

    /** Overwrites bytes at {@code after} past the end of marker {@code find} (or at offset {@code after} without one). */
    private static byte[] patch(Sections s, String tag, byte[] find, int after, byte[] with) {
        return s.withPayload(tag, p -> {
            int at = (find == null ? 0 : indexOf(p, find) + find.length) + after;
            System.arraycopy(with, 0, p, at, with.length);
            return p;
        }).toBytes();
    }

    /** The byte right after a global's type id: the first byte of its value. */
    private static byte[] replaceGlobalValueByte(Sections s, String key, int value) {
        return replaceGlobalValueByte(s, key, 0, value);
    }

    /** The byte at offset {@code offset} of a global's value, the global found by its key. */
    private static byte[] replaceGlobalValueByte(Sections s, String key, int offset, int value) {
        return replaceGlobalValueBytes(s, key, offset, value);
    }

    /** Bytes of a global's value, the global found by its key: pairs of an offset in the value and a byte. */
    private static byte[] replaceGlobalValueBytes(Sections s, String key, int... offsetsAndValues) {
        byte[] name = ascii(key);
        return s.withPayload(Wire.GLOB, p -> {
            int at = indexOf(p, concat(bytes(0, 0, 0, name.length), name)) + 4 + name.length; // key
            at += 4 + name.length;                                                                  // name
            at += 4 + u32(p, at);                                                                   // decl_pos
            at += 4;                                                                                // type
            for (int i = 0; i + 1 < offsetsAndValues.length; i += 2) p[at + offsetsAndValues[i]] = (byte) offsetsAndValues[i + 1];
            return p;
        }).toBytes();
    }

    /** A heap block's count field (the u64 after its element type), found by its allocation position. */
    private static byte[] patchHeapCount(Sections s, String allocPos, long count) {
        return s.withPayload(Wire.HEAP, p -> {
            int at = indexOf(p, ascii(allocPos)) + allocPos.length() + 1 + 4;
            for (int k = 0; k < 8; k++) p[at + k] = (byte) (count >>> (56 - 8 * k));
            return p;
        }).toBytes();
    }

    private static byte[] patchHeapFlags(Sections s, String allocPos, int flags) {
        return s.withPayload(Wire.HEAP, p -> {
            p[indexOf(p, ascii(allocPos)) + allocPos.length()] = (byte) flags;
            return p;
        }).toBytes();
    }

    private static int u32(byte[] p, int at) {
        return ((p[at] & 0xFF) << 24) | ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] flip(byte[] data, int at) {
        byte[] out = data.clone();
        out[at] ^= 0x10;
        return out;
    }

    /** The base plus an empty struct type, and heap block 2 made of {@code count} of them (patched after writing). */
    private static byte[] emptyStructHeap(Checkpoint base, long count) {
        List<TypeDesc> types = new ArrayList<>(base.types());
        int empty = types.size();
        types.add(new StructT("struct empty", 0, List.of()));
        List<HeapBlock> heap = base.heap().stream().map(b -> b.blockId() == 2
                ? new HeapBlock(2, "app.c:51:10", empty, List.of(new Value.StructValue(List.of()))) : b).toList();
        Checkpoint c = new Checkpoint(base.meta(), types, base.strings(), base.globals(), base.frames(), heap, base.files(),
                base.pendingWait());
        return patchHeapCount(Sections.of(write(c)), "app.c:51:10", count);
    }

    /** A global of type {@code struct empty[count]}. */
    private static byte[] emptyStructArrayGlobal(Checkpoint base, long count) {
        List<TypeDesc> types = new ArrayList<>(base.types());
        int empty = types.size();
        types.add(new StructT("struct empty", 0, List.of()));
        types.add(new ArrayT("struct empty[]", 0, empty, 1));
        List<GlobalVar> globals = new ArrayList<>(base.globals());
        globals.add(new GlobalVar("nothing_much", "nothing_much", "app.c:25:14", empty + 1,
                new Value.ArrayValue(List.of(new Value.StructValue(List.of())))));
        byte[] file = write(new Checkpoint(base.meta(), types, base.strings(), globals, base.frames(), base.heap(), base.files(),
                base.pendingWait()));
        // the array's count: the u64 after its element type id in its TYPE entry
        return Sections.of(file).withPayload(Wire.TYPE, p -> {
            int at = indexOf(p, ascii("struct empty[]")) + "struct empty[]".length() + 4 + 4;
            for (int k = 0; k < 8; k++) p[at + k] = (byte) (count >>> (56 - 8 * k));
            return p;
        }).toBytes();
    }

    /** struct s0 {}; struct sK { struct sK-1 a, b; } up to {@code levels}: 2^levels empty leaves in one global. */
    private static byte[] doublingNest(Checkpoint base, int levels) {
        List<TypeDesc> types = new ArrayList<>(base.types());
        int first = types.size();
        types.add(new StructT("struct s0", 0, List.of()));
        for (int k = 1; k < levels; k++) {
            int prev = first + k - 1;
            types.add(new StructT("struct s" + k, 0, List.of(new Field("a", prev, 0), new Field("b", prev, 0))));
        }
        // the model cannot hold 2^63 values: write the global with a 2-level value, then retype it to the top
        List<GlobalVar> globals = new ArrayList<>(base.globals());
        Value s0 = new Value.StructValue(List.of());
        globals.add(new GlobalVar("nest", "nest", "app.c:26:11", first + 1, new Value.StructValue(List.of(s0, s0))));
        byte[] file = write(new Checkpoint(base.meta(), types, base.strings(), globals, base.frames(), base.heap(), base.files(),
                base.pendingWait()));
        int top = first + levels - 1;
        return Sections.of(file).withPayload(Wire.GLOB, p -> {
            int at = indexOf(p, ascii("app.c:26:11")) + "app.c:26:11".length();
            p[at] = (byte) (top >>> 24);
            p[at + 1] = (byte) (top >>> 16);
            p[at + 2] = (byte) (top >>> 8);
            p[at + 3] = (byte) top;
            return p;
        }).toBytes();
    }

    /** int[1][1]...[1], {@code depth} levels, in one global. */
    private static byte[] deepArrays(Checkpoint base, int depth) {
        List<TypeDesc> types = new ArrayList<>(base.types());
        int prev = Fixtures.INT;
        Value v = i(1);
        for (int k = 1; k < depth; k++) {
            types.add(new ArrayT("int" + "[1]".repeat(k), 4, prev, 1));
            prev = types.size() - 1;
            v = new Value.ArrayValue(List.of(v));
        }
        List<GlobalVar> globals = new ArrayList<>(base.globals());
        globals.add(new GlobalVar("deep", "deep", "app.c:27:5", prev, v));
        return write(new Checkpoint(base.meta(), types, base.strings(), globals, base.frames(), base.heap(), base.files(),
                base.pendingWait()));
    }
}
