package dev.talent.format;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Bool;
import dev.talent.format.TypeDesc.Compound;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.FloatT;
import dev.talent.format.TypeDesc.FuncPtr;
import dev.talent.format.TypeDesc.LongDouble;
import dev.talent.format.TypeDesc.Ptr;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import dev.talent.format.TypeDesc.UnionT;
import dev.talent.format.Value.ObjectKind;
import dev.talent.format.Value.ObjectRef;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a checkpoint file (docs/FORMAT.md). Nothing is trusted before it is checked: the header
 * (magic, major version, CRC), every section's length against the file size and its CRC32C, then each payload's
 * structure (lengths, counts, type references, UTF-8, value encodings) and finally every pointer's target.
 * The first problem found is reported as a {@link CorruptCheckpointException}.
 */
public final class CheckpointReader {
    /** Deepest type nesting accepted (docs/FORMAT.md "Validation"); bounds the reader's recursion. */
    static final int MAX_TYPE_DEPTH = 256;
    /** Longest pointer element path (docs/FORMAT.md "Validation"; the C runtime's TL_MAX_PATH). */
    static final int MAX_PATH = 64;
    /** Largest file read (what one mapping holds); the C runtime uses the same limit. */
    static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 64;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private static final Pattern STREAM_MODE = Pattern.compile("[rwa][+bxe]*");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern LONG_DOUBLE = Pattern.compile(
            "-?(?:inf|nan|0[xX](?:[0-9a-fA-F]{1,64}(?:\\.[0-9a-fA-F]{0,64})?|\\.[0-9a-fA-F]{1,64})[pP][+-]?[0-9]{1,6})");

    private CheckpointReader() {}

    /** Reads and validates the checkpoint file at {@code file}; messages name the file as given. */
    public static Checkpoint read(Path file) throws IOException, CorruptCheckpointException {
        return read(file, file.toString());
    }

    /**
     * Reads and validates the checkpoint file at {@code file}; messages name it {@code fileName}. The file is mapped,
     * not copied onto the heap, and large arrays of plain scalars stay in the mapping (decoded when an element is
     * asked for), so that inspecting a checkpoint of hundreds of megabytes takes little heap.
     */
    static Checkpoint read(Path file, String fileName) throws IOException, CorruptCheckpointException {
        // only a regular file: a FIFO (or a device) named like a checkpoint must not block the reader
        if (!Files.isRegularFile(file)) {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new java.nio.file.NoSuchFileException(file.toString());
            throw new CorruptCheckpointException(file.toString(), null, 0, "not a regular file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new CorruptCheckpointException(file.toString(), null, 0,
                    "file is " + size + " bytes, larger than this reader supports (2 GiB)");
        }
        ByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long mappedSize = channel.size();
            if (mappedSize > MAX_FILE_SIZE) {
                throw new CorruptCheckpointException(fileName, null, 0, "file is " + mappedSize
                        + " bytes, larger than this reader supports (2 GiB)");
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, mappedSize);
        }
        try {
            return new Decoding(mapped, fileName).checkpoint();
        } catch (InternalError e) {
            // the JVM's answer to SIGBUS: the file shrank while it was being read
            throw new CorruptCheckpointException(fileName, null, 0, "the file changed while it was read (" + e.getMessage() + ")");
        }
    }

    /** Reads and validates a checkpoint held in memory; messages name it {@code <checkpoint>}. */
    public static Checkpoint read(byte[] data) throws CorruptCheckpointException {
        return read(data, "<checkpoint>");
    }

    /**
     * Reads and validates a checkpoint held in memory; messages name it {@code fileName}. Large scalar arrays of the
     * result are decoded from {@code data} when asked for: do not change it afterwards.
     */
    public static Checkpoint read(byte[] data, String fileName) throws CorruptCheckpointException {
        return new Decoding(ByteBuffer.wrap(data), fileName).checkpoint();
    }

    /** The state of one read. */
    private static final class Decoding {
        private final ByteBuffer data;
        private final int size;
        private final String file;
        /** Values the file may still expand to (docs/FORMAT.md "Validation"): empty aggregates encode to nothing. */
        private long valueBudget;
        /** Per type id: the values one value of it expands to (saturating at Long.MAX_VALUE). */
        private long[] nodes;
        /** Per type id: its fixed encoded width, or -1 ({@link LazyElements#widths}). */
        private int[] widths;
        /** Per type id: whether its encoding holds a _Bool or a bit-field (values to check). */
        private boolean[] scan;

        private Meta meta;
        private List<TypeDesc> types;
        private int[] minBytes;
        private List<ByteString> strings;
        private List<GlobalVar> globals;
        private List<Frame> frames;
        private List<HeapBlock> heap;
        /** Null until a FILE section is read. */
        private List<OpenFile> files;
        /** Null until a WAIT section is read. */
        private PendingWait pendingWait;
        /** Null until an EPOL section is read. */
        private List<EventPoll> epoll;
        /** Null until a SIGS section is read. */
        private List<SignalDisposition> signals;
        private long epollOffset;
        /** Null until an ENVI section is read. */
        private EnvironmentChanges environment;
        /** The header's major version ({@link Wire#MAJOR} or {@link Wire#MAJOR_ERRNO}). */
        private int major;
        /** -1 until an ERRN section is read: the program's errno as a format code. */
        private int errno = -1;
        /** Null until an EDUP section is read: the instances' other descriptors, by increasing number. */
        private List<EpollCopy> epollCopies;
        private long epollCopiesOffset;
        /** Null until an SOPT section is read: the backlog and options of the sockets of FILE kinds 3 and 6. */
        private List<SocketOptionsSection.Entry> socketOptions;
        /** Null until an HORD section is read: block ids by increasing address, with where each was read. */
        private long[] heapOrder;
        private long[] heapOrderAt;
        private long heapOrderOffset;
        private long filesOffset;
        private final List<PointerSite> pointers = new ArrayList<>();
        private final List<StreamSite> streamPointers = new ArrayList<>();
        private final List<BelowSite> belowPointers = new ArrayList<>();
        private long framesOffset;

        /** Null until a TMPF section is read: the contents of FILE's files without a name. */
        private List<ContentsEntry> contents;

        /** A TMPF entry: the contents of description {@code description}, {@code length} bytes, read at {@code at}. */
        private record ContentsEntry(long description, long length, long at) {}

        /** An EDUP entry: descriptor {@code fd} is another descriptor of EPOL instance {@code instance}. */
        private record EpollCopy(long fd, long instance, int flags) {}

        /** Where an object pointer was read, for checking its target once every section is read. */
        private record PointerSite(String section, long offset, ObjectRef ref) {}

        /** A BELOW pointer: its OBJECT payload (checked as any) and how many elements below what it names. */
        private record BelowSite(PointerSite site, long count) {}

        /** Where an OPEN_STREAM pointer was read: FILE may come after the section holding it. */
        private record StreamSite(String section, long offset, String where, int index) {}

        Decoding(ByteBuffer data, String file) {
            this.data = data;
            this.size = data.capacity();
            this.file = file;
            this.valueBudget = 16L * size + (1 << 20);
        }

        private CorruptCheckpointException error(String section, long offset, String problem) {
            return new CorruptCheckpointException(file, section, offset, problem);
        }

        Checkpoint checkpoint() throws CorruptCheckpointException {
            int sectionCount = header();
            int pos = Wire.HEADER_SIZE;
            int nextKnown = 0;
            for (int i = 0; i < sectionCount; i++) {
                int remaining = size - pos;
                if (remaining < Wire.SECTION_OVERHEAD) {
                    throw error(null, pos, "truncated: section " + (i + 1) + " of " + sectionCount + " needs at least "
                            + Wire.SECTION_OVERHEAD + " bytes but only " + remaining + " remain");
                }
                String tag = Wire.printable(data, pos, 4);
                long length = u64At(pos + 4);
                long available = (long) remaining - Wire.SECTION_OVERHEAD;
                if (Long.compareUnsigned(length, available) > 0) {
                    throw error(tag, pos, "truncated: section " + tag + " declares " + Long.toUnsignedString(length)
                            + " bytes but only " + available + " remain at offset " + (pos + 12));
                }
                int payloadStart = pos + 12;
                int payloadEnd = payloadStart + (int) length;
                int stored = (int) u32At(payloadEnd);
                int computed = Wire.crc32c(data, pos, 12 + (int) length);
                if (stored != computed) {
                    throw error(tag, pos, "CRC32C mismatch (stored " + Wire.hex32(stored) + ", computed "
                            + Wire.hex32(computed) + ")");
                }
                for (int k = 0; k < 4; k++) {
                    int b = data.get(pos + k) & 0xFF;
                    if (b < 0x21 || b > 0x7E) {
                        throw error(tag, pos, "section tag must be 4 printable ASCII characters, found \"" + tag + "\"");
                    }
                }
                int known = Wire.KNOWN_SECTIONS.indexOf(tag);
                if (tag.equals(Wire.EPOL)) {
                    // optional, at most once, anywhere; its descriptors are checked against FILE once both are read
                    if (epoll != null) throw error(tag, pos, "section " + tag + " appears twice");
                    if (strings == null) {
                        throw error(tag, pos, "section EPOL before STRS: its pointers may name string constants");
                    }
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    epollOffset = pos;
                    epoll = epoll(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.SIGS)) {
                    if (signals != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    signals = signals(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.ENVI)) {
                    // optional, at most once, anywhere: the environment and locale the program changed
                    if (environment != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    environment = EnvironmentSection.read(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.ERRN)) {
                    // optional, at most once, anywhere; only in a 2.x file, which must hold it (FORMAT.md "Header")
                    if (errno >= 0) throw error(tag, pos, "section " + tag + " appears twice");
                    if (major < Wire.MAJOR_ERRNO) {
                        throw error(tag, pos, "section ERRN in a version 1.x file (a 1.x reader would skip it: a file"
                                + " with ERRN is version " + Wire.MAJOR_ERRNO + ".x)");
                    }
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    int at = in.offset();
                    int code = in.u16("errno code");
                    in.expectEnd();
                    if (!ErrnoNames.isCode(code)) {
                        throw in.error(at, "errno code " + code + " is no errno value of the format (1 to "
                                + RuntimeContract.ERRNO_MAX_CODE + ", docs/FORMAT.md \"ERRN\")");
                    }
                    errno = code;
                } else if (tag.equals(Wire.SOPT)) {
                    // optional, at most once, anywhere; checked against FILE once every section is read
                    if (socketOptions != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    socketOptions = SocketOptionsSection.read(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.TMPF)) {
                    // optional, at most once, anywhere; checked against FILE once every section is read
                    if (contents != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    contents = contents(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.HORD)) {
                    // optional, at most once, anywhere; checked against HEAP once every section is read
                    if (heapOrder != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    heapOrderOffset = pos;
                    int n = in.count("block count", 4);
                    heapOrder = new long[n];
                    heapOrderAt = new long[n];
                    for (int k = 0; k < n; k++) {
                        heapOrderAt[k] = in.offset();
                        heapOrder[k] = in.u32("block id");
                    }
                    in.expectEnd();
                } else if (tag.equals(Wire.EDUP)) {
                    // optional, at most once, anywhere; checked against EPOL and FILE once every section is read
                    if (epollCopies != null) throw error(tag, pos, "section " + tag + " appears twice");
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    epollCopiesOffset = pos;
                    epollCopies = epollCopies(in);
                    in.expectEnd();
                } else if (tag.equals(Wire.FILE) || tag.equals(Wire.WAIT)) {
                    // Optional sections: at most once each, anywhere (FORMAT.md).
                    boolean isFile = tag.equals(Wire.FILE);
                    if (isFile ? files != null : pendingWait != null) {
                        throw error(tag, pos, "section " + tag + " appears twice");
                    }
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    if (isFile) {
                        filesOffset = pos;
                        files = openFiles(in);
                    }
                    else pendingWait = pendingWait(in);
                    in.expectEnd();
                } else if (known >= 0) {
                    if (known != nextKnown) {
                        // Known sections are accepted only in order, so an earlier one seen again is a duplicate.
                        throw error(tag, pos, known < nextKnown
                                ? "section " + tag + " appears twice"
                                : "expected section " + Wire.KNOWN_SECTIONS.get(nextKnown) + " before " + tag);
                    }
                    PayloadReader in = new PayloadReader(data, file, tag, payloadStart, payloadEnd);
                    switch (tag) {
                        case Wire.META -> meta = meta(in);
                        case Wire.TYPE -> {
                            types = types(in);
                            widest = null;
                        }
                        case Wire.STRS -> strings = strings(in);
                        case Wire.GLOB -> globals = globals(in);
                        case Wire.FRAM -> { framesOffset = pos; frames = frames(in); }
                        case Wire.HEAP -> heap = heap(in);
                        default -> throw new IllegalStateException(tag);
                    }
                    in.expectEnd();
                    nextKnown++;
                }
                // Unknown tags (added by a later minor version) are skipped once their CRC is checked.
                pos = payloadEnd + 4;
            }
            if (pos != size) {
                throw error(null, pos, (size - pos) + " bytes after the last of the " + sectionCount
                        + " sections declared by the header");
            }
            if (nextKnown < Wire.KNOWN_SECTIONS.size()) {
                throw error(null, pos, "section " + Wire.KNOWN_SECTIONS.get(nextKnown) + " is missing (the header declares "
                        + sectionCount + " sections)");
            }
            if (major == Wire.MAJOR_ERRNO && errno < 0) {
                throw error(null, 8, "version " + major + ".x without an ERRN section (the writer would have written"
                        + " version " + Wire.MAJOR + ".x)");
            }
            if (errno < 0) errno = 0;
            if (files == null) files = List.of();
            if (pendingWait == null) pendingWait = PendingWait.NONE;
            if (epoll == null) epoll = List.of();
            if (signals == null) signals = List.of();
            if (environment == null) environment = EnvironmentChanges.NONE;
            if (epollCopies == null) epollCopies = List.of();
            SocketOptionsSection.Problem p = SocketOptionsSection.check(
                    socketOptions == null ? List.of() : socketOptions, files);
            if (p != null) {
                throw p.offset() < 0 ? error(Wire.FILE, filesOffset, p.message()) : error(Wire.SOPT, p.offset(), p.message());
            }
            contentsChecks();
            heapOrderChecks();
            crossChecks();
            epollChecks();
            return new Checkpoint(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment,
                    errno, socketOptions == null ? List.of() : SocketOptionsSection.model(socketOptions), fileContents());
        }

        /**
         * TMPF (FORMAT.md): {@code u32} count, at least 1, then by strictly increasing description a {@code u32}
         * description and the contents as {@code bytes}, at most {@link RuntimeContract#TMPF_MAX} bytes in all.
         */
        private List<ContentsEntry> contents(PayloadReader in) throws CorruptCheckpointException {
            int countAt = in.offset();
            int n = in.count("contents count", 8);
            if (n == 0) throw in.error(countAt, "a TMPF section has at least one entry");
            List<ContentsEntry> list = new ArrayList<>(n);
            long total = 0;
            for (int k = 0; k < n; k++) {
                int at = in.offset();
                long description = in.u32("description of contents " + k);
                if (k > 0 && description <= list.get(k - 1).description()) {
                    throw in.error(at, "description " + description + " after " + list.get(k - 1).description()
                            + " (they increase strictly)");
                }
                long length = in.u32("length of contents " + k);
                total += length;
                if (total > RuntimeContract.TMPF_MAX) {
                    throw in.error(at, "contents past the " + RuntimeContract.TMPF_MAX + " bytes a checkpoint carries of them");
                }
                in.skip(length, "contents " + k);
                list.add(new ContentsEntry(description, length, at));
            }
            return list;
        }

        /** The TMPF entries as the model keeps them: digest and first bytes (their bytes follow the u32 description and length). */
        private List<FileContents> fileContents() {
            if (contents == null) return List.of();
            List<FileContents> out = new ArrayList<>(contents.size());
            for (ContentsEntry c : contents) {
                int start = Math.toIntExact(c.at() + 8);
                int length = Math.toIntExact(c.length());
                ByteBuffer bytes = data.slice(start, length);
                MessageDigest sha;
                try {
                    sha = MessageDigest.getInstance("SHA-256");
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("every Java platform has SHA-256", e);
                }
                sha.update(bytes.duplicate());
                byte[] head = new byte[Math.min(length, FileContents.HEAD_MAX)];
                bytes.get(0, head);
                out.add(new FileContents(c.description(), length, HexFormat.of().formatHex(sha.digest()),
                        ByteString.of(head)));
            }
            return List.copyOf(out);
        }

        /**
         * TMPF against FILE: each entry's description is that of FILE descriptors or streams, all with the CONTENTS
         * flag and the contents' length as their size; each entry FILE flags has its contents.
         */
        private void contentsChecks() throws CorruptCheckpointException {
            Map<Long, ContentsEntry> byDescription = new HashMap<>();
            for (ContentsEntry c : contents == null ? List.<ContentsEntry>of() : contents) {
                boolean matched = false;
                for (OpenFile f : files) {
                    if (f.description() != c.description()
                            || (f.kind() != OpenFile.Kind.DESCRIPTOR && f.kind() != OpenFile.Kind.STREAM)) continue;
                    if ((f.flags() & OpenFile.CONTENTS) == 0 || f.size() != c.length()) {
                        throw error(Wire.TMPF, c.at(), "contents of " + c.length() + " bytes for descriptor " + f.fd()
                                + ", whose FILE entry " + ((f.flags() & OpenFile.CONTENTS) == 0
                                ? "has no CONTENTS flag" : "has another size"));
                    }
                    matched = true;
                }
                if (!matched) {
                    throw error(Wire.TMPF, c.at(), "contents for description " + c.description()
                            + ", which no descriptor or stream of FILE has");
                }
                byDescription.put(c.description(), c);
            }
            for (OpenFile f : files) {
                if ((f.flags() & OpenFile.CONTENTS) != 0 && !byDescription.containsKey(f.description())) {
                    throw error(Wire.FILE, filesOffset, "descriptor " + f.fd() + " has the CONTENTS flag but no TMPF entry"
                            + " carries its contents");
                }
            }
        }

        /** HORD (FORMAT.md): every HEAP block's id exactly once. */
        private void heapOrderChecks() throws CorruptCheckpointException {
            if (heapOrder == null) return;
            if (heapOrder.length != heap.size()) {
                throw error(Wire.HORD, heapOrderOffset, heapOrder.length + " blocks in address order, but HEAP has "
                        + heap.size());
            }
            Set<Long> ids = new HashSet<>();
            for (HeapBlock b : heap) ids.add(b.blockId());
            Set<Long> seen = new HashSet<>();
            for (int k = 0; k < heapOrder.length; k++) {
                if (!ids.contains(heapOrder[k])) {
                    throw error(Wire.HORD, heapOrderAt[k], "block id " + heapOrder[k] + " is not a block of HEAP");
                }
                if (!seen.add(heapOrder[k])) {
                    throw error(Wire.HORD, heapOrderAt[k], "block id " + heapOrder[k] + " appears twice");
                }
            }
        }

        /** Checks the header; returns the section count. */
        private int header() throws CorruptCheckpointException {
            if (size < Wire.HEADER_SIZE) {
                if (size >= 8 && !magic()) {
                    throw badMagic();
                }
                throw error(null, 0, "truncated: the header needs " + Wire.HEADER_SIZE + " bytes but the file has "
                        + size);
            }
            if (!magic()) throw badMagic();
            int major = (int) ((u32At(8) >>> 16) & 0xFFFF);
            int minor = (int) (u32At(8) & 0xFFFF);
            int stored = (int) u32At(20);
            int computed = Wire.crc32c(data, 0, 20);
            if (major != Wire.MAJOR && major != Wire.MAJOR_ERRNO && major != Wire.MAJOR_UNIONS
                    && major != Wire.MAJOR_BOUNDARY && major != Wire.MAJOR_BELOW && major != Wire.MAJOR_NUMBERS) {
                throw error(null, 8, "unsupported major version " + major + "." + minor + " (this reader reads "
                        + Wire.MAJOR + ".x, " + Wire.MAJOR_ERRNO + ".x, " + Wire.MAJOR_UNIONS + ".x, "
                        + Wire.MAJOR_BOUNDARY + ".x, " + Wire.MAJOR_BELOW + ".x and " + Wire.MAJOR_NUMBERS + ".x)"
                        + (stored == computed ? ""
                                : "; the header CRC does not match either: the file is probably damaged"));
            }
            this.major = major;
            if (stored != computed) {
                throw error(null, 20, "header CRC32C mismatch (stored " + Wire.hex32(stored) + ", computed "
                        + Wire.hex32(computed) + ")");
            }
            long count = u32At(12);
            // Flags (offset 16) are reserved: written as 0, ignored by 1.x readers.
            long fit = ((long) size - Wire.HEADER_SIZE) / Wire.SECTION_OVERHEAD;
            if (count > fit) {
                throw error(null, 12, "truncated: the header declares " + count + " sections but the "
                        + (size - Wire.HEADER_SIZE) + " bytes after it can hold at most " + fit);
            }
            return (int) count;
        }

        private boolean magic() {
            for (int i = 0; i < 8; i++) if (data.get(i) != Wire.MAGIC[i]) return false;
            return true;
        }

        private CorruptCheckpointException badMagic() {
            return error(null, 0, "not a talent checkpoint: expected magic \"TALENTCK\", found \""
                    + Wire.printable(data, 0, Math.min(8, size)) + "\"");
        }

        private long u32At(int at) {
            long v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | (data.get(at + i) & 0xFF);
            return v;
        }

        private long u64At(int at) {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (data.get(at + i) & 0xFF);
            return v;
        }

        // ------------------------------------------------------------------ META

        private Meta meta(PayloadReader in) throws CorruptCheckpointException {
            int at = in.offset();
            String fingerprint = in.str("fingerprint");
            if (!FINGERPRINT.matcher(fingerprint).matches()) {
                throw in.error(at, "fingerprint: expected 32 hex digits, found \"" + fingerprint + "\"");
            }
            String program = in.str("program");
            String platform = in.str("platform");
            at = in.offset();
            int pointerBits = in.u8("pointer_bits");
            if (pointerBits != 32 && pointerBits != 64) {
                throw in.error(at, "pointer_bits: expected 32 or 64, found " + pointerBits);
            }
            at = in.offset();
            int bigEndian = in.u8("big_endian");
            if (bigEndian > 1) throw in.error(at, "big_endian: expected 0 or 1, found " + bigEndian);
            long timeNanos = in.u64("time_ns");
            long sequence = in.u64("sequence");
            String reason = in.str("reason");
            long visits = in.u64("visits");
            long point = in.u32("point");
            String pointPos = in.str("point_pos");
            String function = in.str("function");
            int argc = in.count("argc", 4);
            List<ByteString> argv = new ArrayList<>(argc);
            for (int i = 0; i < argc; i++) argv.add(in.cString("argv[" + i + "]"));
            return new Meta(fingerprint, program, platform, pointerBits, bigEndian == 1, timeNanos, sequence, reason,
                    visits, point, pointPos, function, argv);
        }

        // ------------------------------------------------------------------ TYPE

        private List<TypeDesc> types(PayloadReader in) throws CorruptCheckpointException {
            int count = in.count("type count", 9);
            List<TypeDesc> list = new ArrayList<>(count);
            int[] depth = new int[count];
            minBytes = new int[count];
            nodes = new long[count];
            for (int id = 0; id < count; id++) {
                int at = in.offset();
                int kind = in.u8("kind of type " + id);
                String name = in.str("name of type " + id);
                long size = in.u32("size of type " + id);
                String what = "type " + id + " (" + name + ")";
                TypeDesc t = switch (kind) {
                    case 1, 2 -> {
                        int bitsAt = in.offset();
                        int bits = in.u8("bits of " + what);
                        if (bits != 8 && bits != 16 && bits != 32 && bits != 64 && bits != 128) {
                            throw in.error(bitsAt, what + ": integer bits must be 8, 16, 32, 64 or 128, found " + bits);
                        }
                        yield kind == 1 ? new SInt(name, size, bits) : new UInt(name, size, bits);
                    }
                    case 3 -> new Bool(name, size);
                    case 4 -> {
                        int bitsAt = in.offset();
                        int bits = in.u8("bits of " + what);
                        if (bits != 32 && bits != 64) throw in.error(bitsAt, what + ": FLOAT bits must be 32 or 64, found " + bits);
                        yield new FloatT(name, size, bits);
                    }
                    case 5 -> new LongDouble(name, size);
                    case 6 -> {
                        String pointee = in.str("pointee of " + what);
                        int refAt = in.offset();
                        long pointeeType = in.u32("pointee_type of " + what);
                        if (pointeeType != Wire.U32_NONE && pointeeType >= count) {
                            throw in.error(refAt, what + ": pointee_type " + pointeeType + " is not a type id (there are "
                                    + count + " types) nor 0xFFFFFFFF");
                        }
                        yield new Ptr(name, size, pointee, pointeeType == Wire.U32_NONE ? TypeDesc.UNKNOWN_TYPE : (int) pointeeType);
                    }
                    case 7 -> new FuncPtr(name, size);
                    case 8 -> {
                        int element = backwardRef(in, id, what + ": element_type");
                        long n = in.u64("count of " + what);
                        yield new ArrayT(name, size, element, n);
                    }
                    case 9, 10 -> {
                        int nfields = in.count("nfields of " + what, 9);
                        List<Field> fields = new ArrayList<>(nfields);
                        for (int f = 0; f < nfields; f++) {
                            String fieldName = in.str("name of field " + f + " of " + what);
                            String fieldWhat = what + ", field " + f + " (" + fieldName + ")";
                            int fieldType = backwardRef(in, id, fieldWhat + ": type");
                            int widthAt = in.offset();
                            int bitWidth = in.u8("bit_width of " + fieldWhat);
                            if (bitWidth > 0) {
                                int max = switch (list.get(fieldType)) {
                                    case SInt s -> s.bits();
                                    case UInt u -> u.bits();
                                    case Bool b -> 1;
                                    default -> 0;
                                };
                                if (max == 0) {
                                    throw in.error(widthAt, fieldWhat + ": a bit-field must have an integer or _Bool type, found "
                                            + TypeDesc.kindName(list.get(fieldType).kindCode()));
                                }
                                if (max > 64) {
                                    // a bit-field is carried through a 64-bit value (talent_field.get_bits), as both readers take it
                                    throw in.error(widthAt, fieldWhat + ": a bit-field's type has at most 64 bits, found " + max);
                                }
                                if (bitWidth > max) {
                                    throw in.error(widthAt, fieldWhat + ": bit_width " + bitWidth + " exceeds the " + max
                                            + " bits of its type");
                                }
                            }
                            fields.add(new Field(fieldName, fieldType, bitWidth));
                        }
                        yield kind == 9 ? new StructT(name, size, fields) : new UnionT(name, size, fields);
                    }
                    default -> throw in.error(at, "type " + id + ": kind must be 1..10, found " + kind);
                };
                depth[id] = switch (t) {
                    case ArrayT a -> depth[a.elementType()] + 1;
                    case Compound c -> 1 + c.fields().stream().mapToInt(f -> depth[f.type()]).max().orElse(0);
                    default -> 1;
                };
                if (depth[id] > MAX_TYPE_DEPTH) {
                    throw in.error(at, what + " nests " + depth[id] + " levels deep; this reader accepts " + MAX_TYPE_DEPTH);
                }
                minBytes[id] = minimumEncodedBytes(t);
                nodes[id] = switch (t) {
                    case ArrayT a -> saturatingAdd(1, saturatingMultiply(a.count(), nodes[a.elementType()]));
                    case StructT c -> c.fields().stream().mapToLong(f -> nodes[f.type()]).reduce(1, CheckpointReader::saturatingAdd);
                    case UnionT u -> u.fields().isEmpty() ? 1 : saturatingAdd(1, major >= Wire.MAJOR_UNIONS
                            ? u.fields().stream().mapToLong(f -> nodes[f.type()]).max().orElse(0)
                            : nodes[u.fields().getFirst().type()]);
                    default -> 1;
                };
                list.add(t);
            }
            widths = LazyElements.widths(list, major >= Wire.MAJOR_UNIONS);
            scan = new boolean[count];
            for (int id = 0; id < count; id++) {
                scan[id] = switch (list.get(id)) {
                    case Bool b -> true;
                    case ArrayT a -> scan[a.elementType()];
                    case StructT c -> c.fields().stream().anyMatch(f -> f.bitWidth() > 0 || scan[f.type()]);
                    // a union of a major 3 file: its member number is checked value by value
                    case UnionT u -> !u.fields().isEmpty() && (major >= Wire.MAJOR_UNIONS
                            || u.fields().getFirst().bitWidth() > 0 || scan[u.fields().getFirst().type()]);
                    default -> false;
                };
            }
            return list;
        }

        private int backwardRef(PayloadReader in, int id, String what) throws CorruptCheckpointException {
            int at = in.offset();
            long ref = in.u32(what);
            if (ref >= id) {
                throw in.error(at, what + " refers to type " + ref + ", expected an id smaller than " + id);
            }
            return (int) ref;
        }

        /** The fewest bytes a value of {@code t} can take (saturating at Integer.MAX_VALUE). */
        private int minimumEncodedBytes(TypeDesc t) {
            long n = switch (t) {
                case SInt s -> s.bits() / 8;
                case UInt u -> u.bits() / 8;
                case Bool b -> 1;
                case FloatT f -> f.bits() / 8;
                case LongDouble l -> 4 + 3;
                case Ptr p -> 1;
                case FuncPtr f -> 1;
                case ArrayT a -> Long.compareUnsigned(a.count(), Integer.MAX_VALUE) >= 0
                        ? (minBytes[a.elementType()] == 0 ? 0 : Integer.MAX_VALUE)
                        : Math.min(Integer.MAX_VALUE, a.count() * minBytes[a.elementType()]);
                case StructT s -> Math.min(Integer.MAX_VALUE,
                        s.fields().stream().mapToLong(f -> minBytes[f.type()]).sum());
                case UnionT u -> u.fields().isEmpty() ? 0 : major >= Wire.MAJOR_UNIONS
                        ? 4 + u.fields().stream().mapToLong(f -> minBytes[f.type()]).min().orElse(0)
                        : minBytes[u.fields().getFirst().type()];
            };
            return (int) n;
        }

        // ------------------------------------------------------------------ STRS

        private List<ByteString> strings(PayloadReader in) throws CorruptCheckpointException {
            int count = in.count("string count", 4);
            List<ByteString> list = new ArrayList<>(count);
            for (int i = 0; i < count; i++) list.add(in.cString("string " + i));
            return list;
        }

        // ------------------------------------------------------------------ GLOB

        private List<GlobalVar> globals(PayloadReader in) throws CorruptCheckpointException {
            int count = in.count("global count", 16);
            List<GlobalVar> list = new ArrayList<>(count);
            Map<String, Integer> keys = new HashMap<>();
            for (int i = 0; i < count; i++) {
                int at = in.offset();
                String key = in.str("key of global " + i);
                Integer previous = keys.putIfAbsent(key, i);
                if (previous != null) {
                    throw in.error(at, "global " + i + " has key \"" + key + "\", already used by global " + previous);
                }
                String name = in.str("name of global " + i);
                String declPos = in.str("decl_pos of global " + i);
                int type = typeRef(in, "type of global " + i + " (" + name + ")");
                spend(in, nodes[type], "global " + name);
                if (CHECKED_LIBC_KEYS.contains(key) && widestInteger(type, 0) > 64) {
                    throw in.error(at, "global " + key + " holds an integer type wider than 64 bits");
                }
                Value value = value(in, type, "global " + name);
                if (key.equals(RuntimeContract.ITIMERS_KEY)) checkItimers(in, at, value);
                if (key.equals(RuntimeContract.CWD_KEY)) checkCwd(in, at, value);
                if (key.equals(RuntimeContract.SIGMASK_KEY)) checkSigmask(in, at, value);
                if (key.equals(RuntimeContract.STREAMS_KEY)) checkStreams(in, at, value);
                if (key.equals(RuntimeContract.PENDING_KEY)) checkPending(in, at, types.get(type), value);
                checkAttribute(in, at, key, value);
                list.add(new GlobalVar(key, name, declPos, type, value));
            }
            return list;
        }

        /**
         * The C library's state whose globals both readers check by structure and value: built of integers of at most 64
         * bits (the runtime's checks read them so), a 128-bit one anywhere in their type refuses the file.
         */
        private static final java.util.Set<String> CHECKED_LIBC_KEYS = java.util.Set.of(RuntimeContract.ITIMERS_KEY,
                RuntimeContract.CWD_KEY, RuntimeContract.SIGMASK_KEY, RuntimeContract.STREAMS_KEY, RuntimeContract.PENDING_KEY,
                RuntimeContract.UMASK_KEY, RuntimeContract.RLIMITS_KEY, RuntimeContract.FENV_KEY, RuntimeContract.NICE_KEY,
                RuntimeContract.COMM_KEY, RuntimeContract.INET_NTOA_KEY, RuntimeContract.L64A_KEY, RuntimeContract.ETHER_NTOA_KEY,
                RuntimeContract.ECVT_KEY, RuntimeContract.FCVT_KEY, RuntimeContract.TMPNAM_KEY, RuntimeContract.STRERROR_KEY,
                RuntimeContract.STRSIGNAL_KEY, RuntimeContract.ETHER_ATON_KEY);

        private int[] widest;

        /**
         * The most bits of an integer anywhere in type {@code id} (arrays, members; their ids are smaller: the
         * recursion ends), each type's once.
         */
        private int widestInteger(int id, int depth) {
            if (widest == null) {
                widest = new int[types.size()];
                java.util.Arrays.fill(widest, -1);
            }
            if (widest[id] >= 0 || depth > 256) return Math.max(widest[id], 0);
            int w = switch (types.get(id)) {
                case SInt s -> s.bits();
                case UInt u -> u.bits();
                case TypeDesc.ArrayT a -> widestInteger(a.elementType(), depth + 1);
                case TypeDesc.StructT st -> st.fields().stream().mapToInt(f -> widestInteger(f.type(), depth + 1)).max().orElse(0);
                case TypeDesc.UnionT un -> un.fields().stream().mapToInt(f -> widestInteger(f.type(), depth + 1)).max().orElse(0);
                default -> 0;
            };
            widest[id] = w;
            return w;
        }

        private static final List<String> ITIMERS = List.of("real", "virtual", "prof");
        private static final List<String> ITIMER_FIELDS = List.of("value_sec", "value_usec", "interval_sec", "interval_usec");

        /**
         * The interval timers the runtime carries (itimers.c, {@code struct talent_itimers}): three structs of four
         * integers each (value and interval, seconds and microseconds), seconds 0 to {@link
         * RuntimeContract#ITIMERS_MAX_SEC}, microseconds below {@link RuntimeContract#ITIMERS_USEC_LIMIT}. Checked by
         * structure and value, as the runtime's decoder (members by position, any integer type that holds the value)
         * and restore check them: both readers accept the same files.
         */
        private static void checkItimers(PayloadReader in, int at, Value value) throws CorruptCheckpointException {
            String what = "global " + RuntimeContract.ITIMERS_KEY;
            if (!(value instanceof Value.StructValue timers) || timers.fields().size() != ITIMERS.size()) {
                throw in.error(at, what + " is not a struct of three timers (real, virtual, prof)");
            }
            for (int t = 0; t < ITIMERS.size(); t++) {
                if (!(timers.fields().get(t) instanceof Value.StructValue timer)
                        || timer.fields().size() != ITIMER_FIELDS.size()) {
                    throw in.error(at, what + ": " + ITIMERS.get(t) + " is not a struct of four integers");
                }
                for (int f = 0; f < ITIMER_FIELDS.size(); f++) {
                    BigInteger v = switch (timer.fields().get(f)) {
                        case Value.IntValue i -> i.value();
                        case Value.BoolValue b -> b.value() ? BigInteger.ONE : BigInteger.ZERO;
                        default -> throw in.error(at, what + ": " + ITIMERS.get(t) + "." + ITIMER_FIELDS.get(f)
                                + " is not an integer");
                    };
                    long limit = f % 2 == 0 ? RuntimeContract.ITIMERS_MAX_SEC : RuntimeContract.ITIMERS_USEC_LIMIT - 1L;
                    if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(limit)) > 0) {
                        throw in.error(at, what + ": " + ITIMERS.get(t) + "." + ITIMER_FIELDS.get(f) + " is " + v
                                + " (0 to " + limit + ")");
                    }
                }
            }
        }

        /**
         * The blocked signals the runtime carries (sigdisp.c, {@code struct talent_sigmask}): a struct of one unsigned
         * 64-bit integer, talent's portable signal set (FORMAT.md "Signal sets"), naming neither SIGKILL nor SIGSTOP
         * ({@link RuntimeContract#SIGMASK_NEVER}: talent's own signals are carried since 2026-12-06) and not "every
         * real-time signal" together with some of them again, as the runtime's load check (libc_check.c, tl_libc_check_sigmask): both readers accept the same
         * files.
         */
        private static void checkSigmask(PayloadReader in, int at, Value value) throws CorruptCheckpointException {
            String what = "global " + RuntimeContract.SIGMASK_KEY;
            if (!(value instanceof Value.StructValue mask) || mask.fields().size() != 1) {
                throw in.error(at, what + " is not a struct of one signal set");
            }
            // an integer type as the runtime's load check takes it (libc_check.c: no bool)
            BigInteger v = mask.fields().getFirst() instanceof Value.IntValue i ? i.value() : null;
            if (v == null || v.signum() < 0 || v.bitLength() > 64) {
                throw in.error(at, what + ": blocked is not an unsigned 64-bit integer");
            }
            long bits = v.longValue();
            boolean allRealtime = (bits & (1L << RuntimeContract.SIGSET_ALL_REALTIME_BIT)) != 0;
            if ((bits & RuntimeContract.SIGMASK_NEVER) != 0 || (allRealtime && (bits >>> 32) != 0)) {
                throw in.error(at, what + ": blocked names SIGKILL or SIGSTOP, or every real-time signal and some of"
                        + " them again");
            }
        }

        /**
         * The working directory the runtime carries (cwd.c, {@code struct talent_cwd}): a flag {@code relative} 0 or 1
         * and a {@code path} of exactly {@link RuntimeContract#CWD_MAX} chars, NUL-terminated; an absolute path starts
         * with {@code /}, a relative one is not empty, neither starts nor ends with {@code /} and has no empty,
         * {@code .} or {@code ..} component. Checked by structure and value, as the runtime's decoder (members by
         * position, any integer type that holds the value: 0..1 for the flag, a signed char for each byte) and its
         * load check (cwd.c, tl_cwd_valid_value) take it: both readers accept the same files.
         */
        private static void checkCwd(PayloadReader in, int at, Value value) throws CorruptCheckpointException {
            String what = "global " + RuntimeContract.CWD_KEY;
            if (!(value instanceof Value.StructValue cwd) || cwd.fields().size() != 2) {
                throw in.error(at, what + " is not a struct of a flag and a path");
            }
            BigInteger relative = integer(cwd.fields().get(0));
            if (relative == null || relative.signum() < 0 || relative.compareTo(BigInteger.ONE) > 0) {
                throw in.error(at, what + ": relative is not an integer 0 or 1");
            }
            if (!(cwd.fields().get(1) instanceof Value.ArrayValue path)
                    || path.elements().size() != RuntimeContract.CWD_MAX) {
                throw in.error(at, what + ": path is not an array of " + RuntimeContract.CWD_MAX + " chars");
            }
            byte[] bytes = new byte[RuntimeContract.CWD_MAX];
            for (int i = 0; i < bytes.length; i++) {
                BigInteger c = integer(path.elements().get(i));
                // the runtime's char is signed (it is always built with -fsigned-char)
                if (c == null || c.compareTo(BigInteger.valueOf(Byte.MIN_VALUE)) < 0
                        || c.compareTo(BigInteger.valueOf(Byte.MAX_VALUE)) > 0) {
                    throw in.error(at, what + ": path holds a value that is not a char at index " + i);
                }
                bytes[i] = c.byteValue();
            }
            int n = 0;
            while (n < bytes.length && bytes[n] != 0) n++;
            if (n == bytes.length) throw in.error(at, what + ": path is not NUL-terminated");
            String problem = cwdPathProblem(new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1),
                    relative.signum() != 0);
            if (problem != null) throw in.error(at, what + ": " + problem);
        }

        /**
         * The process's attributes the runtime carries (libc_state.c: {@code <libc>:umask}, {@code <libc>:rlimits},
         * {@code <libc>:fenv}, {@code <libc>:nice}, {@code <libc>:comm}) and the C library results kept in the runtime's storage (foreign.c: {@code
         * <libc>:inet_ntoa}, {@code l64a}, {@code ether_ntoa}, {@code ecvt}, {@code fcvt}, {@code tmpnam}, {@code
         * ether_aton}), checked by structure and value with the bounds of {@link RuntimeContract} as the runtime's
         * load check (libc_check.c, tl_libc_check_attribute) and its restore take them: both readers accept the same
         * files.
         */
        private static void checkAttribute(PayloadReader in, int at, String key, Value value)
                throws CorruptCheckpointException {
            String what = "global " + key;
            switch (key) {
                case RuntimeContract.UMASK_KEY -> {
                    if (!inRange(integer(value), 0, RuntimeContract.UMASK_MAX)) {
                        throw in.error(at, what + " is not an integer 0 to 0777");
                    }
                }
                case RuntimeContract.NICE_KEY -> {
                    if (!inRange(integer(value), -RuntimeContract.NICE_LIMIT, RuntimeContract.NICE_LIMIT - 1L)) {
                        throw in.error(at, what + " is not an integer -20 to 19");
                    }
                }
                case RuntimeContract.FENV_KEY -> {
                    if (!(value instanceof Value.StructValue fe) || fe.fields().size() != 2) {
                        throw in.error(at, what + " is not a struct of a rounding mode and exception flags");
                    }
                    if (!inRange(integer(fe.fields().get(0)), 0, RuntimeContract.FENV_ROUND_MAX)) {
                        throw in.error(at, what + ": round is not an integer 0 to 3");
                    }
                    if (!inRange(integer(fe.fields().get(1)), 0, RuntimeContract.FENV_FLAGS)) {
                        throw in.error(at, what + ": flags is not an integer 0 to 31");
                    }
                }
                case RuntimeContract.RLIMITS_KEY -> checkRlimits(in, at, what, value);
                case RuntimeContract.COMM_KEY -> text(in, at, what, value);
                case RuntimeContract.INET_NTOA_KEY -> textOf(in, at, what, value, RuntimeContract.INET_NTOA_MAX,
                        RuntimeContract.INET_NTOA_DIGITS, "not a dotted address (digits and dots, NULs after)");
                case RuntimeContract.L64A_KEY -> textOf(in, at, what, value, RuntimeContract.L64A_MAX,
                        RuntimeContract.L64A_DIGITS, "not a text of l64a's digits (./0-9A-Za-z, NULs after)");
                case RuntimeContract.ETHER_NTOA_KEY -> textOf(in, at, what, value, RuntimeContract.ETHER_NTOA_MAX,
                        RuntimeContract.ETHER_NTOA_DIGITS, "not an Ethernet address's text (hex digits and colons, NULs after)");
                case RuntimeContract.ECVT_KEY -> textOf(in, at, what, value, RuntimeContract.ECVT_MAX,
                        RuntimeContract.CVT_DIGITS, "not a text of digits (or inf, nan), NULs after");
                case RuntimeContract.FCVT_KEY -> textOf(in, at, what, value, RuntimeContract.FCVT_MAX,
                        RuntimeContract.CVT_DIGITS, "not a text of digits (or inf, nan), NULs after");
                case RuntimeContract.TMPNAM_KEY -> textOf(in, at, what, value, RuntimeContract.TMPNAM_MAX,
                        RuntimeContract.TMPNAM_CHARS, "not a path of tmpnam's characters (/_0-9A-Za-z, NULs after)");
                case RuntimeContract.STRERROR_KEY, RuntimeContract.STRSIGNAL_KEY -> textOf(in, at, what, value,
                        RuntimeContract.UNKNOWN_TEXT_MAX, RuntimeContract.UNKNOWN_TEXT_CHARS,
                        "not a text of letters, spaces, digits and '-' (NULs after)");
                case RuntimeContract.ETHER_ATON_KEY -> {
                    if (!(value instanceof Value.StructValue st) || st.fields().size() != 1
                            || !(st.fields().getFirst() instanceof Value.ArrayValue a)
                            || a.elements().size() != RuntimeContract.ETHER_ATON_SIZE) {
                        throw in.error(at, what + " is not a struct ether_addr of six octets");
                    }
                    for (Value octet : a.elements()) {
                        if (!inRange(integer(octet), 0, 255)) {
                            throw in.error(at, what + " holds a value that is not an octet (0 to 255)");
                        }
                    }
                }
                default -> { }
            }
        }

        /** A text of n chars whose characters before the NUL are all in allowed, NULs after (libc_check.c's ck_text_of). */
        private static void textOf(PayloadReader in, int at, String what, Value value, int n, String allowed,
                String problem) throws CorruptCheckpointException {
            byte[] p = text(in, at, what, value, n);
            int len = 0;
            while (p[len] != 0) len++;
            for (int k = 0; k < n; k++) {
                boolean ok = k < len ? allowed.indexOf(p[k]) >= 0 : p[k] == 0;
                if (!ok) throw in.error(at, what + ": " + problem);
            }
        }

        private static boolean inRange(BigInteger v, long lo, long hi) {
            return v != null && v.compareTo(BigInteger.valueOf(lo)) >= 0 && v.compareTo(BigInteger.valueOf(hi)) <= 0;
        }

        /** struct talent_rlimits: changed (nine bits), then nine soft and nine hard limits, soft at most hard where changed. */
        private static void checkRlimits(PayloadReader in, int at, String what, Value value)
                throws CorruptCheckpointException {
            int n = RuntimeContract.RLIMITS_COUNT;
            if (!(value instanceof Value.StructValue rl) || rl.fields().size() != 3) {
                throw in.error(at, what + " is not a struct of a set of changed limits, soft limits and hard limits");
            }
            BigInteger changed = integer(rl.fields().get(0));
            if (!inRange(changed, 0, (1L << n) - 1)) {
                throw in.error(at, what + ": changed is not an integer 0 to 511");
            }
            BigInteger[][] limits = new BigInteger[2][n];
            for (int f = 1; f < 3; f++) {
                if (!(rl.fields().get(f) instanceof Value.ArrayValue a) || a.elements().size() != n) {
                    throw in.error(at, what + ": a limit array is not an array of nine unsigned integers");
                }
                for (int k = 0; k < n; k++) {
                    // as the runtime's decoder takes a uint64_t: an integer type (no bool), not negative, 64 bits at most
                    if (!(a.elements().get(k) instanceof Value.IntValue i) || i.value().signum() < 0
                            || i.value().bitLength() > 64) {
                        throw in.error(at, what + ": a limit array is not an array of nine unsigned integers");
                    }
                    limits[f - 1][k] = i.value();
                }
            }
            for (int k = 0; k < n; k++) {
                if (changed.testBit(k) && limits[0][k].compareTo(limits[1][k]) > 0) {
                    throw in.error(at, what + ": a changed soft limit is above its hard limit");
                }
            }
        }

        /** Whether a stream's buffer may be in the object r names: a global, a frame's variable or a heap block. */
        private static boolean bufferObject(Value.ObjectRef r) {
            return r.kind() == ObjectKind.GLOBAL || r.kind() == ObjectKind.FRAME_VARIABLE
                    || r.kind() == ObjectKind.HEAP_BLOCK;
        }

        /**
         * The streams' buffering modes and orientations the runtime carries (streammodes.c, {@code struct
         * talent_streams}): a count 0 to {@link RuntimeContract#STREAMS_MAX}, four arrays of that many integers,
         * {@code stream} (0 to {@link RuntimeContract#STREAMS_MAX_NUMBER}, strictly ascending), {@code mode} (0 to 3),
         * {@code size} (0 to {@link RuntimeContract#STREAMS_MAX_SIZE}, 0 unless the mode is full or line) and {@code
         * wide} (-1 to 1), and an array of that many pointers {@code buf} (the program's own buffer: null, or to an
         * object, only with a full or line mode and a size); an entry has a mode or an orientation, and every entry
         * past the count is zero and null. As the runtime's load check (libc_check.c, tl_libc_check_streams): both
         * readers accept the same files. Whether the buffer's bytes lie in the object is checked by the restore, in
         * the target's sizes.
         */
        private static void checkStreams(PayloadReader in, int at, Value value) throws CorruptCheckpointException {
            String what = "global " + RuntimeContract.STREAMS_KEY;
            int n = RuntimeContract.STREAMS_MAX;
            if (!(value instanceof Value.StructValue st) || st.fields().size() != 6) {
                throw in.error(at, what + " is not a struct of a count and five arrays (stream, mode, size, wide, buf)");
            }
            BigInteger count = integer(st.fields().get(0));
            if (!inRange(count, 0, n)) {
                throw in.error(at, what + ": count is not an integer 0 to " + n);
            }
            String[] names = {"stream", "mode", "size", "wide"};
            long[] lo = {0, 0, 0, -1};
            long[] hi = {RuntimeContract.STREAMS_MAX_NUMBER, RuntimeContract.STREAMS_NONE, RuntimeContract.STREAMS_MAX_SIZE, 1};
            long[][] v = new long[4][n];
            for (int f = 0; f < 4; f++) {
                if (!(st.fields().get(f + 1) instanceof Value.ArrayValue a) || a.elements().size() != n) {
                    throw in.error(at, what + ": " + names[f] + " is not an array of " + n + " integers");
                }
                for (int k = 0; k < n; k++) {
                    BigInteger e = integer(a.elements().get(k));
                    if (!inRange(e, lo[f], hi[f])) {
                        throw in.error(at, what + ": " + names[f] + " is not an array of " + n + " integers " + lo[f]
                                + " to " + hi[f]);
                    }
                    v[f][k] = e.longValue();
                }
            }
            boolean[] buf = new boolean[n];
            if (!(st.fields().get(5) instanceof Value.ArrayValue bufs) || bufs.elements().size() != n) {
                throw in.error(at, what + ": buf is not an array of " + n + " pointers");
            }
            for (int k = 0; k < n; k++) {
                switch (bufs.elements().get(k)) {
                    case Value.NullPointer _ -> buf[k] = false;
                    case Value.ObjectRef r when bufferObject(r) -> buf[k] = true;
                    case Value.Boundary b when bufferObject(b.start()) -> buf[k] = true;
                    default -> throw in.error(at, what + ": buf holds a pointer that is not null or to a global, a "
                            + "frame's variable or a heap block");
                }
            }
            int used = count.intValue();
            for (int k = 0; k < n; k++) {
                if (k >= used) {
                    if (v[0][k] != 0 || v[1][k] != 0 || v[2][k] != 0 || v[3][k] != 0 || buf[k]) {
                        throw in.error(at, what + ": an entry past count is not all zero");
                    }
                } else if (k > 0 && v[0][k] <= v[0][k - 1]) {
                    throw in.error(at, what + ": the streams are not in strictly ascending order");
                } else if (v[1][k] == 0 && v[3][k] == 0) {
                    throw in.error(at, what + ": an entry with neither a mode nor an orientation");
                } else if (v[2][k] != 0 && v[1][k] != RuntimeContract.STREAMS_FULL && v[1][k] != RuntimeContract.STREAMS_LINE) {
                    throw in.error(at, what + ": a size without a buffered mode");
                } else if (buf[k] && (v[2][k] == 0 || (v[1][k] != RuntimeContract.STREAMS_FULL
                        && v[1][k] != RuntimeContract.STREAMS_LINE))) {
                    throw in.error(at, what + ": a buffer without a buffered mode and a size");
                }
            }
        }

        /**
         * The bytes stdout and stderr held unwritten at the checkpoint (pending.c, {@code struct talent_pending}): a
         * count {@code out} 0 to {@link RuntimeContract#PENDING_MAX} and an array of 1 to twice that many unsigned
         * 8-bit integers, stdout's {@code out} bytes then stderr's, at most {@link RuntimeContract#PENDING_MAX} of each.
         * As the runtime's load check (libc_check.c, tl_libc_check_pending): both readers accept the same files.
         */
        private void checkPending(PayloadReader in, int at, TypeDesc type, Value value)
                throws CorruptCheckpointException {
            String what = "global " + RuntimeContract.PENDING_KEY;
            int max = RuntimeContract.PENDING_MAX;
            if (!(value instanceof Value.StructValue st) || st.fields().size() != 2) {
                throw in.error(at, what + " is not a struct of a count and an array of bytes");
            }
            BigInteger out = integer(st.fields().get(0));
            if (!inRange(out, 0, max)) {
                throw in.error(at, what + ": out is not an integer 0 to " + max);
            }
            if (!(st.fields().get(1) instanceof Value.ArrayValue a) || a.elements().isEmpty()
                    || a.elements().size() > 2 * max) {
                throw in.error(at, what + ": bytes is not an array of 1 to " + 2 * max + " bytes");
            }
            if (!(type instanceof TypeDesc.StructT s) || !(types.get(s.fields().get(1).type()) instanceof TypeDesc.ArrayT arr)
                    || !(types.get(arr.elementType()) instanceof TypeDesc.UInt u) || u.bits() != 8) {
                throw in.error(at, what + ": bytes is not an array of unsigned 8-bit integers");
            }
            long n = a.elements().size();
            if (out.longValue() > n || n - out.longValue() > max) {
                throw in.error(at, what + ": more than " + max + " bytes of one stream, or a count past the bytes");
            }
        }

        /** An array of exactly {@link RuntimeContract#COMM_MAX} chars (signed), NUL-terminated: its bytes. */
        private static byte[] text(PayloadReader in, int at, String what, Value value) throws CorruptCheckpointException {
            return text(in, at, what, value, RuntimeContract.COMM_MAX);
        }

        /** An array of exactly n chars, NUL-terminated, as libc_check.c's ck_text takes it. */
        private static byte[] text(PayloadReader in, int at, String what, Value value, int n)
                throws CorruptCheckpointException {
            if (!(value instanceof Value.ArrayValue a) || a.elements().size() != n) {
                throw in.error(at, what + " is not an array of " + n + " chars");
            }
            byte[] p = new byte[n];
            boolean nul = false;
            for (int i = 0; i < n; i++) {
                if (!inRange(integer(a.elements().get(i)), Byte.MIN_VALUE, Byte.MAX_VALUE)) {
                    throw in.error(at, what + " holds a value that is not a char at index " + i);
                }
                p[i] = integer(a.elements().get(i)).byteValue();
                nul |= p[i] == 0;
            }
            if (!nul) throw in.error(at, what + " is not NUL-terminated");
            return p;
        }

        /** What is wrong with a carried working directory (cwd.c's valid_path), or null. */
        private static String cwdPathProblem(String p, boolean relative) {
            if (p.isEmpty()) return "path is empty";
            if (!relative) return p.charAt(0) == '/' ? null : "an absolute path that does not start with '/'";
            if (p.charAt(0) == '/' || p.charAt(p.length() - 1) == '/') {
                return "a relative path that starts or ends with '/'";
            }
            for (String component : p.split("/", -1)) {
                if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                    return "a relative path with an empty, '.' or '..' component";
                }
            }
            return null;
        }

        /** An integer or bool value as a number, or null for any other value. */
        private static BigInteger integer(Value v) {
            return switch (v) {
                case Value.IntValue i -> i.value();
                case Value.BoolValue b -> b.value() ? BigInteger.ONE : BigInteger.ZERO;
                default -> null;
            };
        }

        private int typeRef(PayloadReader in, String what) throws CorruptCheckpointException {
            int at = in.offset();
            long ref = in.u32(what);
            if (ref >= types.size()) {
                throw in.error(at, what + ": type id " + ref + " out of range (there are " + types.size() + " types)");
            }
            return (int) ref;
        }

        // ------------------------------------------------------------------ FRAM

        private List<Frame> frames(PayloadReader in) throws CorruptCheckpointException {
            int count = in.count("frame count", 20);
            List<Frame> list = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String function = in.str("function of frame " + i);
                long functionId = in.u32("function_id of frame " + i);
                long point = in.u32("point of frame " + i);
                String pointPos = in.str("point_pos of frame " + i);
                int nvars = in.count("nvars of frame " + i, 16);
                List<FrameVar> vars = new ArrayList<>(nvars);
                Set<Long> ids = new HashSet<>();
                for (int v = 0; v < nvars; v++) {
                    int at = in.offset();
                    long varId = in.u32("var_id of variable " + v + " of frame " + i);
                    if (!ids.add(varId)) {
                        throw in.error(at, "frame " + i + " (" + function + "): variable id " + varId + " appears twice");
                    }
                    String name = in.str("name of variable " + varId + " of frame " + i);
                    String declPos = in.str("decl_pos of variable " + name + " of frame " + i);
                    int type = typeRef(in, "type of variable " + name + " of frame " + i);
                    spend(in, nodes[type], "frame#" + i + ":" + name);
                    Value value = value(in, type, "frame#" + i + ":" + name);
                    vars.add(new FrameVar(varId, name, declPos, type, value));
                }
                list.add(new Frame(function, functionId, point, pointPos, vars));
            }
            return list;
        }

        // ------------------------------------------------------------------ HEAP

        private List<HeapBlock> heap(PayloadReader in) throws CorruptCheckpointException {
            // block_id, alloc_pos length, flags, element_type, count, tail length: 4 + 4 + 1 + 4 + 8 + 4 bytes.
            int count = in.count("heap block count", 25);
            List<HeapBlock> list = new ArrayList<>(count);
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < count; i++) {
                int at = in.offset();
                long blockId = in.u32("block_id of heap block " + i);
                if (!ids.add(blockId)) throw in.error(at, "heap block id " + blockId + " appears twice");
                String what = "heap block " + blockId;
                int posAt = in.offset();
                String allocPos = in.str("alloc_pos of " + what);
                if (allocPos.startsWith(MAPPING_PREFIX) && mappingPage(allocPos) < 0) {
                    throw in.error(posAt, what + ": alloc_pos " + ValueText.quote(allocPos.getBytes(
                            StandardCharsets.UTF_8), 0) + " is an anonymous mapping's but does not name"
                            + " a page size (mmap@<P>:?, P a power of two from 4096 to 65536 without a leading zero)");
                }
                int flagsAt = in.offset();
                int flags = in.u8("flags of " + what);
                if ((flags & ~(Wire.HEAP_UNTYPED | Wire.HEAP_TRAILING | Wire.HEAP_BYTE_ORDER)) != 0) {
                    throw in.error(flagsAt, what + ": flags " + String.format("0x%02x", flags)
                            + " has unknown bits set (only bit 0, untyped, bit 1, trailing array, and bit 2, byte order"
                            + " only, are defined)");
                }
                boolean untyped = (flags & Wire.HEAP_UNTYPED) != 0;
                boolean byteOrderOnly = (flags & Wire.HEAP_BYTE_ORDER) != 0;
                if (byteOrderOnly && !untyped) {
                    throw in.error(flagsAt, what + ": flags " + String.format("0x%02x", flags)
                            + " mark the block as bytes of one byte order (bit 2) but not as untyped (bit 0)");
                }
                boolean trailing = (flags & Wire.HEAP_TRAILING) != 0;
                int typeAt = in.offset();
                int elementType = typeRef(in, "element_type of " + what);
                TypeDesc element = types.get(elementType);
                if (untyped && !(element instanceof UInt u && u.bits() == 8)) {
                    throw in.error(typeAt, what + " is untyped, so its element type must be an 8-bit UINT, found type "
                            + elementType + " (" + element.name() + ", " + TypeDesc.kindName(element.kindCode())
                            + (element instanceof UInt u ? " " + u.bits() + " bits" : "") + ")");
                }
                int countAt = in.offset();
                long n = in.u64("count of " + what);
                if (trailing) trailingBlock(in, what, untyped, element, n, typeAt, countAt);
                spend(in, saturatingMultiply(n, nodes[elementType]), what);
                List<Value> elements = elements(in, elementType, n, "heap#" + blockId);
                int tailAt = in.offset();
                ByteString tail = in.byteString("tail of " + what);
                if (element.size() > 0 && tail.length() >= element.size()) {
                    throw in.error(tailAt, what + ": tail of " + tail.length() + " bytes holds a whole element of "
                            + element.name() + " (" + element.size() + " bytes on the writer); expected fewer");
                }
                list.add(new HeapBlock(blockId, allocPos, untyped, elementType, elements, tail, trailing,
                        byteOrderOnly));
            }
            return list;
        }

        /** The position of an anonymous mapping carried as a heap block (FORMAT.md "HEAP": "mmap@<P>:?"). */
        private static final String MAPPING_PREFIX = "mmap@";

        /**
         * The page size a mapping's alloc_pos names, or -1 when it is not {@code mmap@<P>:?} with P a power of two from
         * 4096 to 65536 in at most 5 digits without a leading zero (as the C reader checks it, heap_mapping.c).
         */
        static int mappingPage(String pos) {
            int start = MAPPING_PREFIX.length();
            int i = start;
            int p = 0;
            while (i < pos.length() && i < start + 5 && pos.charAt(i) >= '0' && pos.charAt(i) <= '9') {
                p = p * 10 + (pos.charAt(i) - '0');
                i++;
            }
            boolean valid = i > start && pos.charAt(start) != '0' && pos.length() == i + 2 && pos.charAt(i) == ':'
                    && pos.charAt(i + 1) == '?' && p >= 4096 && p <= 65536 && Integer.bitCount(p) == 1;
            return valid ? p : -1;
        }

        /**
         * A block flagged as one struct with a trailing array (FORMAT.md "HEAP"): typed, one element, a struct whose
         * last member is an array that is not a bit-field. Its length is bounded by the value budget like any array's.
         */
        private void trailingBlock(PayloadReader in, String what, boolean untyped, TypeDesc element, long count,
                                   int typeAt, int countAt) throws CorruptCheckpointException {
            String flagged = what + " is flagged as one struct with a trailing array but ";
            if (untyped) throw in.error(typeAt, flagged + "is untyped");
            if (!(element instanceof TypeDesc.StructT s) || s.fields().isEmpty()) {
                throw in.error(typeAt, flagged + "its element type " + element.name() + " is not a struct with members");
            }
            TypeDesc.Field last = s.fields().getLast();
            if (last.bitWidth() != 0 || !(types.get(last.type()) instanceof TypeDesc.ArrayT)) {
                throw in.error(typeAt, flagged + "the last member of " + element.name() + " is not an array");
            }
            if (count != 1) throw in.error(countAt, flagged + "its count is " + Long.toUnsignedString(count) + ", not 1");
        }

        // ------------------------------------------------------------------ FILE

        private List<OpenFile> openFiles(PayloadReader in) throws CorruptCheckpointException {
            // fd 4, kind 1, description 4, path 4, access 1, flags 1, std_source 1, mode 4, offset 8, size 8, site 4.
            int count = in.count("open file count", 40);
            List<OpenFile> list = new ArrayList<>(count);
            Map<Long, Integer> descriptors = new HashMap<>();
            int stdinEntry = -1;
            for (int i = 0; i < count; i++) {
                String what = "open file " + i;
                int fdAt = in.offset();
                long fd = in.u32("fd of " + what);
                if (fd > Integer.MAX_VALUE) {
                    throw in.error(fdAt, what + ": descriptor " + fd + " is out of range (at most " + Integer.MAX_VALUE + ")");
                }
                what = "open file " + i + " (fd " + fd + ")";
                int kindAt = in.offset();
                int kindCode = in.u8("kind of " + what);
                OpenFile.Kind kind = FileCode.of(OpenFile.Kind.class, kindCode);
                if (kind == null) throw in.error(kindAt, what + ": kind must be 1..6, found " + kindCode);
                long description = in.u32("description of " + what);
                int pathAt = in.offset();
                ByteString path = in.cString("path of " + what);
                switch (kind) {
                    case DESCRIPTOR, STREAM -> {
                        if (path.length() == 0) throw in.error(pathAt, what + ": a " + kind.label() + " needs a path");
                    }
                    case LISTENING_SOCKET -> {
                        String text = path.toLenientString();
                        if (!path.isUtf8() || !listenAddress(text)) {
                            throw in.error(pathAt, what + ": a socket's path must be tcp:<IPv4>:<port>, "
                                    + "tcp6:[<IPv6>]:<port>, udp:<IPv4>:<port> or udp6:[<IPv6>]:<port>, found "
                                    + ValueText.quote(path.toByteArray(), 0));
                        }
                    }
                    case TCP_CONNECTION -> {
                        String text = path.toLenientString();
                        if (!path.isUtf8() || !connection(text)) {
                            throw in.error(pathAt, what + ": a connection's path must be tcp:<IPv4>:<port>-<IPv4>:<port> "
                                    + "or tcp6:[<IPv6>]:<port>-[<IPv6>]:<port>, found " + ValueText.quote(path.toByteArray(), 0));
                        }
                    }
                    case STDIN_POSITION, STANDARD_COPY -> {
                        if (path.length() != 0) {
                            throw in.error(pathAt, what + ": a " + kind.label() + " entry has no path, found "
                                    + ValueText.quote(path.toByteArray(), 0));
                        }
                    }
                }
                int accessAt = in.offset();
                int accessCode = in.u8("access of " + what);
                OpenFile.Access access = FileCode.of(OpenFile.Access.class, accessCode);
                if (access == null) throw in.error(accessAt, what + ": access must be 0..2, found " + accessCode);
                int flagsAt = in.offset();
                int flags = in.u8("flags of " + what);
                if ((flags & ~OpenFile.KNOWN_FLAGS) != 0) {
                    throw in.error(flagsAt, what + ": flags " + String.format("0x%02x", flags)
                            + " has unknown bits set (only bits 0..6 are defined)");
                }
                if ((flags & OpenFile.CONTENTS) != 0 && kind != OpenFile.Kind.DESCRIPTOR && kind != OpenFile.Kind.STREAM) {
                    throw in.error(flagsAt, what + ": only a descriptor or a stream has the CONTENTS flag, found it on a "
                            + kind.label());
                }
                if ((flags & (OpenFile.V6ONLY | OpenFile.REUSEPORT)) != 0 && kind != OpenFile.Kind.LISTENING_SOCKET) {
                    throw in.error(flagsAt, what + ": only a socket has the V6ONLY or REUSEPORT flag, found it on a "
                            + kind.label());
                }
                if ((flags & OpenFile.OPTIONS) != 0 && kind != OpenFile.Kind.LISTENING_SOCKET
                        && kind != OpenFile.Kind.TCP_CONNECTION) {
                    throw in.error(flagsAt, what + ": only a socket or a connection has the OPTIONS flag, found it on a "
                            + kind.label());
                }
                if ((flags & OpenFile.V6ONLY) != 0) {
                    String address = path.toLenientString();
                    if (!address.startsWith("tcp6:") && !address.startsWith("udp6:")) {
                        throw in.error(flagsAt, what + ": the V6ONLY flag on a socket whose address is not IPv6");
                    }
                }
                int sourceAt = in.offset();
                int stdSource = in.u8("std_source of " + what);
                if (kind == OpenFile.Kind.STANDARD_COPY ? stdSource > 2 : stdSource != 0) {
                    throw in.error(sourceAt, what + ": std_source must be "
                            + (kind == OpenFile.Kind.STANDARD_COPY ? "0..2" : "0 for a " + kind.label()) + ", found " + stdSource);
                }
                int modeAt = in.offset();
                String mode = in.str("mode of " + what);
                if (kind == OpenFile.Kind.STREAM ? !STREAM_MODE.matcher(mode).matches() : !mode.isEmpty()) {
                    throw in.error(modeAt, what + ": " + (kind == OpenFile.Kind.STREAM
                            ? "stream mode must be r, w or a followed by any of +bxe"
                            : "a " + kind.label() + " has no mode") + ", found \"" + mode + "\"");
                }
                int offsetAt = in.offset();
                long offset = in.u64("offset of " + what);
                long size = in.u64("size of " + what);
                String site = in.str("site of " + what);
                if ((flags & OpenFile.CONTENTS) != 0 && (Long.compareUnsigned(offset, RuntimeContract.TMPF_MAX) > 0
                        || Long.compareUnsigned(size, RuntimeContract.TMPF_MAX) > 0)) {
                    throw in.error(offsetAt, what + ": a file carried with its contents has a size or offset past "
                            + RuntimeContract.TMPF_MAX + " bytes");
                }
                if (kind == OpenFile.Kind.TCP_CONNECTION
                        && (Long.compareUnsigned(offset, 0x8000_0000L) > 0 || size != 0 || access != OpenFile.Access.READ_WRITE)) {
                    throw in.error(offsetAt, what + ": a connection's offset (its listener's fd + 1, or 0) must be at most "
                            + "2147483648, its size 0 and its access read-write");
                }
                if (kind == OpenFile.Kind.STDIN_POSITION) {
                    if (stdinEntry >= 0) {
                        throw in.error(fdAt, what + ": a second stdin position (the first is open file " + stdinEntry + ")");
                    }
                    stdinEntry = i;
                } else {
                    Integer previous = descriptors.putIfAbsent(fd, i);
                    if (previous != null) {
                        throw in.error(fdAt, what + ": descriptor " + fd + " is already listed by open file " + previous);
                    }
                }
                list.add(new OpenFile(fd, kind, description, path, access, flags, stdSource,
                        mode, offset, size, site));
            }
            // a connection carried from a backlog names a listening TCP socket of the checkpoint
            java.util.Set<Long> listeners = new java.util.HashSet<>();
            for (OpenFile l : list) {
                if (l.kind() == OpenFile.Kind.LISTENING_SOCKET && l.path().toLenientString().startsWith("tcp")) listeners.add(l.fd());
            }
            for (OpenFile f : list) {
                if (f.kind() != OpenFile.Kind.TCP_CONNECTION || f.offset() == 0) continue;
                if (!listeners.contains(f.offset() - 1)) {
                    throw in.error(in.offset(), "open file (fd " + f.fd() + "): a connection in the backlog of descriptor "
                            + (f.offset() - 1) + ", which is not a listening TCP socket of the checkpoint");
                }
            }
            return list;
        }

        // ------------------------------------------------------------------ SIGS

        /** Longest handler name accepted (a C identifier; the C reader looks it up in the program's table). */
        private static final int MAX_HANDLER_NAME = 4096;

        private List<SignalDisposition> signals(PayloadReader in) throws CorruptCheckpointException {
            int at = in.offset();
            long n = in.u32("signal count");
            if (n < 1 || n > RuntimeContract.SIGS_MAX_SIGNAL) {
                throw in.error(at, n + " signal dispositions (1 to " + RuntimeContract.SIGS_MAX_SIGNAL + ")");
            }
            List<SignalDisposition> out = new ArrayList<>((int) n);
            int last = 0;
            for (int i = 0; i < n; i++) {
                int eat = in.offset();
                int sig = in.u8("signal");
                int kind = in.u8("disposition of signal " + sig);
                int flags = in.u8("flags of signal " + sig);
                long mask = in.u64("mask of signal " + sig);
                if (!SignalSet.canonical(mask)) {
                    throw in.error(eat, "signal " + sig + ": mask has every real-time signal and some of them again");
                }
                if (!SignalDisposition.carried(sig) || sig <= last) {
                    throw in.error(eat, "signal " + sig + " is not one talent carries, or not in ascending order");
                }
                last = sig;
                if (kind == RuntimeContract.SIGS_IGNORE) {
                    if (flags != 0 || mask != 0) throw in.error(eat, "ignored signal " + sig + " with flags " + flags + " or a mask");
                    out.add(new SignalDisposition(sig, true, 0, 0, null));
                } else if (kind == RuntimeContract.SIGS_HANDLER) {
                    if ((flags & ~RuntimeContract.SIGS_FLAGS) != 0) {
                        throw in.error(eat, "signal " + sig + ": unknown flag bits " + Integer.toHexString(flags & ~RuntimeContract.SIGS_FLAGS));
                    }
                    String name = in.str("handler of signal " + sig);
                    if (name.isEmpty() || name.length() > MAX_HANDLER_NAME || !isIdentifier(name)) {
                        throw in.error(eat, "signal " + sig + ": handler name is not a C identifier");
                    }
                    out.add(new SignalDisposition(sig, false, flags, mask, name));
                } else {
                    throw in.error(eat, "signal " + sig + ": unknown disposition kind " + kind);
                }
            }
            return out;
        }

        private static boolean isIdentifier(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
                if (!ok) return false;
            }
            return true;
        }

        // ------------------------------------------------------------------ EPOL

        /** Linux's EPOLL* bits (FORMAT.md "EPOL"), the same on every ISA. */
        private static final long EPOLL_EVENTS = 0xF000_27DFL;
        private static final long EPOLLONESHOT = 1L << 30;

        private List<EventPoll> epoll(PayloadReader in) throws CorruptCheckpointException {
            int at = in.offset();
            long n = in.u32("instance count");
            if (n > RuntimeContract.EPOLL_MAX_INSTANCES || n > in.remaining() / 9) {
                throw in.error(at, n + " epoll instances (at most " + RuntimeContract.EPOLL_MAX_INSTANCES
                        + ", and each takes 9 bytes or more)");
            }
            List<EventPoll> out = new ArrayList<>((int) n);
            long total = 0;
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int instAt = in.offset();
                String what = "epoll instance " + i;
                long fd = in.u32("fd of " + what);
                int flags = in.u8("flags of " + what);
                long nregs = in.u32("registration count of " + what);
                if (fd > 0x7FFF_FFFFL) throw in.error(instAt, what + ": descriptor " + fd + " out of range");
                if ((flags & ~RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0) {
                    throw in.error(instAt, what + ": flags " + flags + " out of range (only bit 0 is defined)");
                }
                if (!seen.add(fd)) throw in.error(instAt, what + ": epoll instance " + fd + " listed twice");
                if (nregs > RuntimeContract.EPOLL_MAX_WATCHES - total || nregs > in.remaining() / 14) {
                    throw in.error(instAt, what + ": " + nregs + " registrations (at most " + RuntimeContract.EPOLL_MAX_WATCHES
                            + " in all, and each takes 14 bytes or more)");
                }
                total += nregs;
                List<EventPoll.Registration> regs = new ArrayList<>((int) nregs);
                long previous = -1;
                for (int j = 0; j < nregs; j++) {
                    int regAt = in.offset();
                    String rw = what + " registration " + j;
                    long rfd = in.u32("fd of " + rw);
                    long events = in.u32("events of " + rw);
                    int rflags = in.u8("flags of " + rw);
                    int kind = in.u8("data kind of " + rw);
                    if (rfd > 0x7FFF_FFFFL || rfd == fd) {
                        throw in.error(regAt, rw + ": registered descriptor " + rfd + " out of range or the instance itself");
                    }
                    if (rfd <= previous) {
                        throw in.error(regAt, rw + ": registered descriptors not in increasing order (" + rfd + " after "
                                + previous + ")");
                    }
                    previous = rfd;
                    if ((events & ~EPOLL_EVENTS) != 0) {
                        throw in.error(regAt, rw + ": unknown event bits " + Long.toHexString(events & ~EPOLL_EVENTS));
                    }
                    if ((rflags & ~RuntimeContract.EPOLL_REG_DISARMED) != 0
                            || ((rflags & RuntimeContract.EPOLL_REG_DISARMED) != 0 && (events & EPOLLONESHOT) == 0)) {
                        throw in.error(regAt, rw + ": registration flags " + rflags + " out of range (disarmed needs EPOLLONESHOT)");
                    }
                    EventPoll.Data d = switch (kind) {
                        case RuntimeContract.EPOLL_DATA_INT32 -> new EventPoll.Int32(in.u32("data of " + rw));
                        case RuntimeContract.EPOLL_DATA_U64 -> new EventPoll.U64(in.u64("data of " + rw));
                        case RuntimeContract.EPOLL_DATA_POINTER -> new EventPoll.Pointer(pointer(in, "data.ptr of " + rw));
                        default -> throw in.error(regAt, rw + ": unknown data kind " + kind);
                    };
                    regs.add(new EventPoll.Registration(rfd, events, rflags, d));
                }
                out.add(new EventPoll(fd, flags, regs));
            }
            return out;
        }

        /** EDUP's own fields: a bounded count, numbers in range and strictly increasing, flags only bit 0. */
        private List<EpollCopy> epollCopies(PayloadReader in) throws CorruptCheckpointException {
            int at = in.offset();
            long n = in.u32("descriptor count");
            if (n > RuntimeContract.EPOLL_MAX_COPIES || n > in.remaining() / 9) {
                throw in.error(at, n + " descriptors of epoll instances (at most " + RuntimeContract.EPOLL_MAX_COPIES
                        + ", and each takes 9 bytes)");
            }
            List<EpollCopy> out = new ArrayList<>((int) n);
            long previous = -1;
            for (int i = 0; i < n; i++) {
                int entryAt = in.offset();
                String what = "descriptor " + i;
                long fd = in.u32("fd of " + what);
                long instance = in.u32("instance of " + what);
                int flags = in.u8("flags of " + what);
                if (fd > 0x7FFF_FFFFL || instance > 0x7FFF_FFFFL || fd == instance) {
                    throw in.error(entryAt, what + ": descriptor " + fd + " of epoll instance " + instance
                            + " out of range or the instance itself");
                }
                if (fd <= previous) {
                    throw in.error(entryAt, what + ": descriptors not in increasing order (" + fd + " after " + previous + ")");
                }
                previous = fd;
                if ((flags & ~RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0) {
                    throw in.error(entryAt, what + ": flags " + flags + " out of range (only bit 0 is defined)");
                }
                out.add(new EpollCopy(fd, instance, flags));
            }
            return out;
        }

        /**
         * Instance numbers are no FILE descriptors; each EDUP descriptor copies an EPOL instance and is neither an
         * instance nor a FILE descriptor; every registered descriptor is one the checkpoint carries, and neither the
         * instance itself nor another descriptor of it. The copies are then attached to their instances.
         */
        private void epollChecks() throws CorruptCheckpointException {
            java.util.Set<Long> carried = new java.util.HashSet<>(List.of(0L, 1L, 2L));
            java.util.Map<Long, List<EventPoll.Copy>> copiesOf = new java.util.HashMap<>();
            for (EventPoll in : epoll) copiesOf.put(in.fd(), new ArrayList<>());
            java.util.Map<Long, Long> copyInstance = new java.util.HashMap<>();
            for (EpollCopy c : epollCopies) {
                List<EventPoll.Copy> of = copiesOf.get(c.instance());
                if (of == null) {
                    throw error(Wire.EDUP, epollCopiesOffset, "descriptor " + c.fd() + " is a copy of " + c.instance()
                            + ", which is no epoll instance of EPOL");
                }
                of.add(new EventPoll.Copy(c.fd(), c.flags()));
                copyInstance.put(c.fd(), c.instance());
            }
            for (EventPoll in : epoll) {
                Long of = copyInstance.get(in.fd());
                if (of != null) {
                    throw error(Wire.EDUP, epollCopiesOffset, "descriptor " + in.fd() + " is both an epoll instance and a copy of " + of);
                }
            }
            for (OpenFile f : files) {
                if (f.kind() == OpenFile.Kind.STDIN_POSITION) continue;
                if (copiesOf.containsKey(f.fd())) {
                    throw error(Wire.EPOL, epollOffset, "descriptor " + f.fd() + " is both an epoll instance and a FILE entry");
                }
                Long of = copyInstance.get(f.fd());
                if (of != null) {
                    throw error(Wire.EDUP, epollCopiesOffset, "descriptor " + f.fd() + " is both a copy of epoll instance " + of
                            + " and a FILE entry");
                }
                carried.add(f.fd());
            }
            carried.addAll(copiesOf.keySet());
            carried.addAll(copyInstance.keySet());
            for (EventPoll in : epoll) {
                for (EventPoll.Registration r : in.registrations()) {
                    if (Long.valueOf(in.fd()).equals(copyInstance.get(r.fd()))) {
                        throw error(Wire.EPOL, epollOffset, "epoll instance " + in.fd() + " watches descriptor " + r.fd()
                                + ", a copy of itself");
                    }
                    if (!carried.contains(r.fd())) {
                        throw error(Wire.EPOL, epollOffset, "epoll instance " + in.fd() + " watches descriptor " + r.fd()
                                + ", which the checkpoint does not carry");
                    }
                }
            }
            if (!epollCopies.isEmpty()) {
                List<EventPoll> withCopies = new ArrayList<>(epoll.size());
                for (EventPoll in : epoll) {
                    withCopies.add(new EventPoll(in.fd(), in.flags(), in.registrations(), copiesOf.get(in.fd())));
                }
                epoll = withCopies;
            }
        }

        // ------------------------------------------------------------------ WAIT

        private PendingWait pendingWait(PayloadReader in) throws CorruptCheckpointException {
            int at = in.offset();
            int has = in.u8("has_remaining");
            if (has > 1) throw in.error(at, "has_remaining must be 0 or 1, found " + has);
            int nsAt = in.offset();
            long remaining = in.u64("remaining_ns");
            if (has == 0 && remaining != 0) {
                throw in.error(nsAt, "remaining_ns is " + Long.toUnsignedString(remaining)
                        + " but has_remaining is 0 (expected 0)");
            }
            return new PendingWait(has == 1, remaining);
        }

        // ------------------------------------------------------------------ values

        private List<Value> elements(PayloadReader in, int elementType, long count, String where)
                throws CorruptCheckpointException {
            int min = minBytes[elementType];
            if (min > 0 && Long.compareUnsigned(count, in.remaining() / min) > 0) {
                throw in.error(in.offset(), "truncated: " + where + " has " + Long.toUnsignedString(count)
                        + " elements of at least " + min + " bytes each but only " + in.remaining()
                        + " bytes remain in the section");
            }
            int width = widths[elementType];
            if (width > 0 && Long.compareUnsigned(count, LazyElements.THRESHOLD) >= 0) {
                // checked above: count x width fits in the bytes left, so count is an int
                int start = in.skip(count * width, where);
                if (scan[elementType]) {
                    // _Bool values and bit-fields are checked element by element; the values are not kept
                    for (int i = 0; i < count; i++) {
                        value(new PayloadReader(in.buffer(), file, in.tag(), start + i * width, start + (i + 1) * width),
                                elementType, where);
                    }
                }
                return new LazyElements(in.buffer(), start, (int) count, elementType, types, widths);
            }
            List<Value> out = new ArrayList<>((int) Math.min(count & Long.MAX_VALUE, 1 << 16));
            for (long i = 0; Long.compareUnsigned(i, count) < 0; i++) {
                out.add(value(in, elementType, where));
            }
            return out;
        }

        /** Charges {@code n} values against the file's budget before any of them is read. */
        private void spend(PayloadReader in, long n, String where) throws CorruptCheckpointException {
            if (Long.compareUnsigned(n, valueBudget) > 0) {
                throw in.error(in.offset(), where + " expands to " + (n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n))
                        + " values, more than a file of " + size + " bytes may describe ("
                        + (16L * size + (1 << 20)) + ")");
            }
            valueBudget -= n;
        }

        private Value value(PayloadReader in, int typeId, String where) throws CorruptCheckpointException {
            int at = in.offset();
            TypeDesc t = types.get(typeId);
            return switch (t) {
                case SInt s -> new Value.IntValue(new BigInteger(in.bytes(s.bits() / 8, where)));
                case UInt u -> new Value.IntValue(new BigInteger(1, in.bytes(u.bits() / 8, where)));
                case Bool b -> {
                    int v = in.u8(where);
                    if (v > 1) throw in.error(at, where + ": BOOL value must be 0 or 1, found " + v);
                    yield new Value.BoolValue(v == 1);
                }
                case FloatT f -> f.bits() == 32
                        ? new Value.FloatValue(in.u32(where), 32)
                        : new Value.FloatValue(in.u64(where), 64);
                case LongDouble l -> {
                    String text = in.str(where);
                    if (!LONG_DOUBLE.matcher(text).matches()) {
                        throw in.error(at, where + ": long double must be C99 hexadecimal notation, inf, -inf, nan or -nan, found \""
                                + text + "\"");
                    }
                    yield new Value.LongDoubleValue(text);
                }
                case Ptr p -> pointer(in, where);
                case FuncPtr f -> {
                    int tag = in.u8(where);
                    if (tag == Wire.PTR_NULL) yield new Value.FunctionValue(null);
                    if (tag == Wire.PTR_SIG_IGN) yield Value.SignalConstant.IGNORE;
                    if (tag == Wire.PTR_SIG_ERR) yield Value.SignalConstant.ERROR;
                    // a member not written yet at the checkpoint (no function there): restored as a trap
                    if (tag == Wire.PTR_INDETERMINATE) yield Value.Indeterminate.INSTANCE;
                    if (tag != Wire.PTR_FUNCTION) {
                        throw in.error(at, where + ": function pointer tag must be 0 (NULL), 4 (FUNCTION), 6 (INDETERMINATE), 7 (SIG_IGN) or 8 (SIG_ERR), found " + tag);
                    }
                    int nameAt = in.offset();
                    String name = in.str(where + " function name");
                    if (name.isEmpty()) throw in.error(nameAt, where + ": empty function name");
                    yield new Value.FunctionValue(name);
                }
                case ArrayT a -> new Value.ArrayValue(elements(in, a.elementType(), a.count(), where));
                case StructT s -> {
                    List<Value> fields = new ArrayList<>(s.fields().size());
                    for (Field f : s.fields()) fields.add(member(in, f, where + "." + f.name()));
                    // a pthread_mutex_t (talent-runtime mutextype.c): its one member is its kind, 0 to MUTEX_KIND_MAX
                    if (s.name().equals(RuntimeContract.MUTEX_TYPE_NAME) && fields.size() == 1
                            && s.fields().getFirst().bitWidth() > 0 && fields.getFirst() instanceof Value.IntValue(BigInteger k)
                            && k.compareTo(BigInteger.valueOf(RuntimeContract.MUTEX_KIND_MAX)) > 0) {
                        throw in.error(at, where + ": a pthread_mutex_t of kind " + k
                                + ", which is none (0 default, 1 recursive, 2 error-checking)");
                    }
                    yield new Value.StructValue(fields);
                }
                case UnionT u -> {
                    if (u.fields().isEmpty()) yield new Value.UnionValue(null);
                    if (major < Wire.MAJOR_UNIONS) {
                        yield new Value.UnionValue(member(in, u.fields().getFirst(), where + "." + u.fields().getFirst().name()));
                    }
                    // major 3: the number of the member that carries the union, then that member
                    // (its low bits; the bit above them marks a value only the writer's byte order restores)
                    int memberAt = in.offset();
                    long word = in.u32(where + " union member");
                    long m = word & ((1L << Wire.UNION_MEMBER_BITS) - 1);
                    if (m >= u.fields().size()) {
                        throw in.error(memberAt, where + ": union member " + m + " of '" + SafeText.escape(u.name())
                                + "', which has " + u.fields().size() + " members");
                    }
                    Field f = u.fields().get((int) m);
                    yield new Value.UnionValue((int) m, member(in, f, where + "." + f.name()),
                            word >>> Wire.UNION_MEMBER_BITS != 0);
                }
            };
        }

        private Value member(PayloadReader in, Field f, String where) throws CorruptCheckpointException {
            int at = in.offset();
            Value v = value(in, f.type(), where);
            if (f.bitWidth() > 0 && v instanceof Value.IntValue(BigInteger n)) {
                boolean signed = types.get(f.type()) instanceof SInt;
                BigInteger min = signed ? BigInteger.ONE.shiftLeft(f.bitWidth() - 1).negate() : BigInteger.ZERO;
                BigInteger max = signed ? BigInteger.ONE.shiftLeft(f.bitWidth() - 1).subtract(BigInteger.ONE)
                        : BigInteger.ONE.shiftLeft(f.bitWidth()).subtract(BigInteger.ONE);
                if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
                    throw in.error(at, where + ": value " + n + " does not fit a " + f.bitWidth() + "-bit "
                            + (signed ? "signed" : "unsigned") + " bit-field");
                }
            }
            return v;
        }

        /** An OBJECT pointer's payload after its tag (tag at {@code at}); its target is checked across sections. */
        private ObjectRef objectRef(PayloadReader in, String where, int at) throws CorruptCheckpointException {
            int kindAt = in.offset();
            int kindCode = in.u8(where + " object_kind");
            ObjectKind kind = FileCode.of(ObjectKind.class, kindCode);
            if (kind == null) throw in.error(kindAt, where + ": object_kind must be 1..6, found " + kindCode);
            int aAt = in.offset();
            long a = in.u32(where + " a");
            int bAt = in.offset();
            long b = in.u32(where + " b");
            if (kind == ObjectKind.ARGV_ARRAY && a != 0) {
                throw in.error(aAt, where + ": a must be 0 for the argv array, found " + a);
            }
            if (kind != ObjectKind.FRAME_VARIABLE && b != 0) {
                throw in.error(bAt, where + ": b must be 0 for object kind " + kind + ", found " + b);
            }
            int pathAt = in.offset();
            int pathLength = in.u16(where + " path_length");
            if (pathLength > MAX_PATH) {
                throw in.error(pathAt, where + ": element path of " + pathLength + " steps (at most " + MAX_PATH + ")");
            }
            Long[] path = new Long[pathLength];
            for (int i = 0; i < pathLength; i++) path[i] = in.u64(where + " path[" + i + "]");
            long byteOffset = in.u64(where + " byte_offset");
            ObjectRef ref = new ObjectRef(kind, a, b, List.of(path), byteOffset);
            pointers.add(new PointerSite(in.tag(), at, ref));
            return ref;
        }

        private Value.PointerValue pointer(PayloadReader in, String where) throws CorruptCheckpointException {
            int at = in.offset();
            int tag = in.u8(where);
            return switch (tag) {
                case Wire.PTR_NULL -> Value.NullPointer.INSTANCE;
                case Wire.PTR_OBJECT -> objectRef(in, where, at);
                case Wire.PTR_BOUNDARY -> {
                    if (major < Wire.MAJOR_BOUNDARY) {
                        throw in.error(at, where + ": a boundary pointer (tag " + tag + ") in a file of major version "
                                + major + " (only " + Wire.MAJOR_BOUNDARY + ".x and later have them)");
                    }
                    ObjectRef start = objectRef(in, where + " (start)", at);
                    ObjectRef end = objectRef(in, where + " (end)", at);
                    if (start.kind() == end.kind() && start.a() == end.a() && start.b() == end.b()) {
                        // one object: the start of a member and one past the end of the member before it
                        if (start.path().isEmpty() || end.path().isEmpty()
                                || (start.path().equals(end.path()) && start.byteOffset() == end.byteOffset())) {
                            throw in.error(at, where + ": a boundary pointer's two readings in one object are not two members");
                        }
                    } else if (!start.path().isEmpty() || start.byteOffset() != 0) {
                        throw in.error(at, where + ": a boundary pointer's first reading is not the start of an object");
                    }
                    yield new Value.Boundary(start, end);
                }
                case Wire.PTR_BELOW -> {
                    if (major < Wire.MAJOR_BELOW) {
                        throw in.error(at, where + ": a pointer below an object's start (tag " + tag + ") in a file of "
                                + "major version " + major + " (only " + Wire.MAJOR_BELOW + ".x has them)");
                    }
                    int countAt = in.offset();
                    long count = in.u64(where + " elements below");
                    if (count < 1 || count > Wire.BELOW_START_BYTES) {
                        throw in.error(countAt, where + ": " + Long.toUnsignedString(count) + " elements below an "
                                + "object's start (1 to " + Wire.BELOW_START_BYTES + ")");
                    }
                    ObjectRef element = objectRef(in, where, at);
                    belowPointers.add(new BelowSite(new PointerSite(in.tag(), at, element), count));
                    yield new Value.Below(count, element);
                }
                case Wire.PTR_STRING -> {
                    int indexAt = in.offset();
                    long index = in.u32(where + " string");
                    if (index >= strings.size()) {
                        throw in.error(indexAt, where + ": string constant " + index + " out of range (STRS has "
                                + strings.size() + ")");
                    }
                    int offsetAt = in.offset();
                    long offset = in.u64(where + " offset");
                    int length = strings.get((int) index).length();
                    if (Long.compareUnsigned(offset, length) > 0) {
                        throw in.error(offsetAt, where + ": offset " + Long.toUnsignedString(offset) + " is past the end of string constant "
                                + index + " (" + length + " bytes + NUL)");
                    }
                    yield new Value.StringConstant((int) index, offset);
                }
                case Wire.PTR_STREAM -> {
                    int streamAt = in.offset();
                    int stream = in.u8(where + " stream");
                    Value.Stream std = FileCode.of(Value.Stream.class, stream);
                    if (std == null) throw in.error(streamAt, where + ": stream must be 0..2, found " + stream);
                    yield new Value.StdStream(std);
                }
                case Wire.PTR_OPEN_STREAM -> {
                    int indexAt = in.offset();
                    long index = in.u32(where + " open stream");
                    if (index > Integer.MAX_VALUE) {
                        throw in.error(indexAt, where + ": open stream " + index + " out of range");
                    }
                    streamPointers.add(new StreamSite(in.tag(), indexAt, where, (int) index));
                    yield new Value.OpenStream((int) index);
                }
                case Wire.PTR_INDETERMINATE -> Value.Indeterminate.INSTANCE;
                case Wire.PTR_NUMBER -> {
                    if (major < Wire.MAJOR_NUMBERS) {
                        throw in.error(at, where + ": a number kept in a pointer (tag " + tag + ") in a file of "
                                + "major version " + major + " (only " + Wire.MAJOR_NUMBERS + ".x has them)");
                    }
                    int numberAt = in.offset();
                    long number = in.u64(where + " number");
                    if (number == 0 || number > Wire.NUMBER_PTR_LOW || number < -Wire.NUMBER_PTR_HIGH) {
                        throw in.error(numberAt, where + ": a number kept in a pointer is " + number + " (1 to "
                                + Wire.NUMBER_PTR_LOW + " or -" + Wire.NUMBER_PTR_HIGH + " to -1)");
                    }
                    yield new Value.KeptNumber(number);
                }
                default -> throw in.error(at, where + ": pointer tag must be 0, 1, 2, 3, 5, 6, 9, 10 or 11, found " + tag);
            };
        }

        // ------------------------------------------------------------------ checks across sections

        private void crossChecks() throws CorruptCheckpointException {
            if (frames.isEmpty()) {
                throw error(Wire.FRAM, framesOffset, "no frames: a checkpoint holds at least main's frame");
            }
            Frame innermost = frames.getLast();
            if (innermost.point() != meta.point() || !innermost.function().equals(meta.function())) {
                throw error(Wire.FRAM, framesOffset, "innermost frame is " + innermost.function() + " at point "
                        + innermost.point() + ", but META says the checkpoint was taken in " + meta.function()
                        + " at point " + meta.point());
            }
            Map<Long, HeapBlock> blocks = new HashMap<>();
            for (HeapBlock b : heap) blocks.put(b.blockId(), b);
            for (PointerSite site : pointers) checkTarget(site, blocks);
            for (BelowSite below : belowPointers) checkBelow(below, blocks);
            for (StreamSite site : streamPointers) {
                if (site.index() >= files.size()) {
                    throw error(site.section(), site.offset(), site.where() + ": open stream " + site.index()
                            + " does not exist (FILE has " + files.size() + " entries)");
                }
                OpenFile target = files.get(site.index());
                if (target.kind() != OpenFile.Kind.STREAM) {
                    throw error(site.section(), site.offset(), site.where() + ": open stream " + site.index()
                            + " is a " + target.kind().label() + " (fd " + target.fd() + "), not a stream");
                }
            }
        }

        /** Something a path can walk through: a described type, or an array the format defines implicitly. */
        private sealed interface Shape {}

        private record Described(int typeId) implements Shape {}

        private record ImplicitArray(long count, Shape element) implements Shape {}

        private record ImplicitScalar(long size) implements Shape {}

        private void checkTarget(PointerSite site, Map<Long, HeapBlock> blocks) throws CorruptCheckpointException {
            ObjectRef ref = site.ref();
            Shape shape = switch (ref.kind()) {
                case GLOBAL -> {
                    if (ref.a() >= globals.size()) {
                        throw targetError(site, "global " + ref.a() + " does not exist (GLOB has " + globals.size() + ")");
                    }
                    yield new Described(globals.get((int) ref.a()).type());
                }
                case FRAME_VARIABLE -> {
                    if (ref.a() >= frames.size()) {
                        throw targetError(site, "frame " + ref.a() + " does not exist (FRAM has " + frames.size() + ")");
                    }
                    Frame frame = frames.get((int) ref.a());
                    FrameVar var = frame.var(ref.b()).orElseThrow(() -> targetError(site,
                            "frame " + ref.a() + " (" + frame.function() + ") has no variable with id " + ref.b()));
                    yield new Described(var.type());
                }
                case HEAP_BLOCK -> {
                    HeapBlock block = blocks.get(ref.a());
                    if (block == null) throw targetError(site, "heap block " + ref.a() + " does not exist");
                    yield new ImplicitArray(block.elements().size(), new Described(block.elementType()));
                }
                case ARGV_ARRAY -> new ImplicitArray(meta.argv().size() + 1L, new ImplicitScalar(meta.pointerBits() / 8));
                case ARGV_STRING -> {
                    if (ref.a() >= meta.argv().size()) {
                        throw targetError(site, "argv[" + ref.a() + "] does not exist (argc is " + meta.argv().size() + ")");
                    }
                    yield new ImplicitArray(meta.argv().get((int) ref.a()).length() + 1L, new ImplicitScalar(1));
                }
            };
            List<Long> path = ref.path();
            for (int i = 0; i < path.size(); i++) {
                long step = path.get(i);
                boolean last = i == path.size() - 1;
                long count;
                Shape next;
                switch (shape) {
                    case ImplicitArray(long n, Shape element) -> { count = n; next = element; }
                    case ImplicitScalar s -> throw targetError(site, "path step " + i + " goes into a scalar");
                    case Described(int id) -> {
                        switch (types.get(id)) {
                            case ArrayT a -> { count = a.count(); next = new Described(a.elementType()); }
                            case Compound c -> {
                                if (Long.compareUnsigned(step, c.fields().size()) >= 0) {
                                    throw targetError(site, "path step " + i + ": field " + Long.toUnsignedString(step)
                                            + " of " + c.name() + ", which has " + c.fields().size() + " fields");
                                }
                                Field f = c.fields().get((int) step);
                                if (f.bitWidth() > 0) {
                                    throw targetError(site, "path step " + i + ": field " + f.name() + " of " + c.name()
                                            + " is a bit-field, which has no address");
                                }
                                shape = new Described(f.type());
                                continue;
                            }
                            default -> throw targetError(site, "path step " + i + " goes into scalar type "
                                    + types.get(id).name());
                        }
                    }
                }
                int cmp = Long.compareUnsigned(step, count);
                if (cmp > 0 || (cmp == 0 && !last)) {
                    throw targetError(site, "path step " + i + ": index " + Long.toUnsignedString(step)
                            + " out of range for " + Long.toUnsignedString(count) + " elements"
                            + (cmp == 0 ? " (one past the end is allowed only as the last step)" : ""));
                }
                if (cmp == 0) {
                    if (ref.byteOffset() != 0) {
                        throw targetError(site, "byte_offset " + Long.toUnsignedString(ref.byteOffset())
                                + " after a one-past-the-end index (expected 0)");
                    }
                    return;
                }
                shape = next;
            }
            long offset = ref.byteOffset();
            switch (shape) {
                case ImplicitScalar(long size) -> {
                    if (Long.compareUnsigned(offset, size) > 0) {
                        throw targetError(site, "byte_offset " + Long.toUnsignedString(offset) + " exceeds the "
                                + size + " bytes of the element reached");
                    }
                }
                case ImplicitArray a -> {
                    if (offset != 0) throw targetError(site, "byte_offset " + Long.toUnsignedString(offset)
                            + " at the start of an array (expected 0)");
                }
                case Described(int id) -> {
                    TypeDesc t = types.get(id);
                    boolean aggregate = t instanceof ArrayT || t instanceof Compound;
                    if (aggregate ? offset != 0 && offset != t.size() : Long.compareUnsigned(offset, t.size()) > 0) {
                        throw targetError(site, "byte_offset " + Long.toUnsignedString(offset) + " in " + t.name()
                                + " of size " + t.size() + " (expected " + (aggregate ? "0 or " + t.size() : "at most " + t.size()) + ")");
                    }
                }
            }
        }

        /**
         * A BELOW pointer (its target checked by {@link #checkTarget}): the first element of an array object (a global,
         * a frame variable or a heap block: every step 0, byte offset 0), {@code count} of the writer's elements below
         * it at most {@link Wire#BELOW_START_BYTES} bytes in all (FORMAT.md "Pointers"). The C reader checks the same.
         */
        private void checkBelow(BelowSite below, Map<Long, HeapBlock> blocks) throws CorruptCheckpointException {
            PointerSite site = below.site();
            ObjectRef ref = site.ref();
            List<Long> path = ref.path();
            if (path.isEmpty() || ref.byteOffset() != 0 || path.stream().anyMatch(step -> step != 0)) {
                throw targetError(site, "a pointer below an object's start does not name the element at its start");
            }
            int type;
            int step = 0;
            switch (ref.kind()) {
                case GLOBAL -> type = globals.get((int) ref.a()).type();
                case FRAME_VARIABLE -> type = frames.get((int) ref.a()).var(ref.b()).orElseThrow().type();
                case HEAP_BLOCK -> {
                    type = blocks.get(ref.a()).elementType();
                    step = 1;
                }
                default -> throw targetError(site, "a pointer below an object's start names no global, frame "
                        + "variable or heap block");
            }
            for (; step < path.size(); step++) {
                if (!(types.get(type) instanceof ArrayT a)) {
                    throw targetError(site, "a pointer below an object's start names something other than an "
                            + "array element");
                }
                type = a.elementType();
            }
            long size = types.get(type).size();
            if (size < 1 || size > Wire.BELOW_START_BYTES || below.count() * size > Wire.BELOW_START_BYTES) {
                throw targetError(site, Long.toUnsignedString(below.count()) + " elements of " + size
                        + " bytes below an object's start (1 to " + Wire.BELOW_START_BYTES + " bytes)");
            }
        }

        private CorruptCheckpointException targetError(PointerSite site, String problem) {
            return error(site.section(), site.offset(), "pointer to " + site.ref().kind() + " " + site.ref().a()
                    + (site.ref().kind() == ObjectKind.FRAME_VARIABLE ? ":" + site.ref().b() : "") + ": " + problem);
        }
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    static long saturatingMultiply(long count, long each) {
        if (count == 0 || each == 0) return 0;
        if (count < 0 || Math.multiplyHigh(count, each) != 0 || count * each < 0) return Long.MAX_VALUE;
        return count * each;
    }

    /** {@code tcp:<IPv4>:<port>-<IPv4>:<port>} or {@code tcp6:[<IPv6>]:<port>-[<IPv6>]:<port>} (local, then peer). */
    static boolean connection(String text) {
        int dash = text.indexOf('-');
        if (dash < 0 || text.indexOf('-', dash + 1) >= 0) return false;
        String proto = text.startsWith("tcp6:") ? "tcp6:" : text.startsWith("tcp:") ? "tcp:" : null;
        if (proto == null) return false;
        return listenAddress(text.substring(0, dash)) && listenAddress(proto + text.substring(dash + 1));
    }

    /**
     * {@code tcp:<IPv4>:<port>} or {@code tcp6:[<IPv6>]:<port>} (a listening TCP socket), {@code udp:<IPv4>:<port>} or
     * {@code udp6:[<IPv6>]:<port>} (an unconnected UDP socket), port 0..65535 (docs/FORMAT.md FILE).
     */
    static boolean listenAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0 || !PORT.matcher(text.substring(colon + 1)).matches()
                || Integer.parseInt(text.substring(colon + 1)) > 65535) {
            return false;
        }
        String host = text.substring(0, colon);
        // a bound UDP socket has the same grammar with "udp"
        if (host.startsWith("udp")) host = "tcp" + host.substring(3);
        if (host.startsWith("tcp:")) return IPV4.matcher(host.substring(4)).matches();
        if (host.startsWith("tcp6:[") && host.endsWith("]")) return ipv6(host.substring(6, host.length() - 1));
        return false;
    }

    /** RFC 4291 text form (as inet_pton accepts it): 8 groups, or fewer around one {@code ::}, an IPv4 tail allowed. */
    private static boolean ipv6(String s) {
        if (s.isEmpty() || s.length() > 45) return false;
        int dbl = s.indexOf("::");
        if (dbl < 0) return groups(s, true) == 8;
        if (s.indexOf("::", dbl + 1) >= 0) return false;
        int left = dbl == 0 ? 0 : groups(s.substring(0, dbl), false);
        int right = dbl + 2 == s.length() ? 0 : groups(s.substring(dbl + 2), true);
        return left >= 0 && right >= 0 && left + right <= 7;
    }

    /** The number of 16-bit groups in {@code a:b:c} (an IPv4 tail counting 2), or -1 when malformed. */
    private static int groups(String s, boolean ipv4Tail) {
        String[] parts = s.split(":", -1);
        int n = 0;
        for (int k = 0; k < parts.length; k++) {
            String g = parts[k];
            if (ipv4Tail && k == parts.length - 1 && g.contains(".")) {
                if (!IPV4.matcher(g).matches()) return -1;
                n += 2;
            } else if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return -1;
            } else {
                n++;
            }
        }
        return n;
    }
}
