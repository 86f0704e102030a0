package dev.talent.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code TMPF} files of the shared corpus ({@link ForgedCorpus}): files without a name (a tmpfile stream at
 * descriptor 9, a descriptor the program unlinked at 10) carried with their contents, which both readers accept, and
 * forged ones both refuse, each reaching the rule it is about (docs/FORMAT.md "FILE" bit 6, "TMPF", "Validation").
 */
final class TmpfileCorpus {
    private TmpfileCorpus() {}

    static final byte[] SCRATCH = "a\nbc\ndef\nXY".getBytes(StandardCharsets.US_ASCII);
    static final byte[] UNLINKED = {0, 0, 0, 42, 0, 0, 0, 7};

    /** The base with a tmpfile stream (fd 9, description 9) and an unlinked descriptor (fd 10, description 10). */
    static Sections flagged(Checkpoint base, long size9, int flags10, OpenFile.Kind kind10) {
        List<OpenFile> files = new ArrayList<>(base.files());
        files.add(new OpenFile(9, OpenFile.Kind.STREAM, 9, ByteString.utf8("/tmp/#41 (deleted)"), OpenFile.Access.READ_WRITE,
                OpenFile.CONTENTS, 0, "w+b", 5, size9, "ed.c:12:9"));
        files.add(new OpenFile(10, kind10, 10, ByteString.utf8(kind10 == OpenFile.Kind.LISTENING_SOCKET
                ? "tcp:127.0.0.1:9999" : "/work/scratch.bin (deleted)"), OpenFile.Access.READ_WRITE, flags10, 0, "",
                12, UNLINKED.length, "scratch.c:9:14"));
        Checkpoint c = new Checkpoint(base.meta(), base.types(), base.strings(), base.globals(), base.frames(), base.heap(),
                files, base.pendingWait(), base.epoll(), base.signals(), base.environment(), base.errno());
        return Sections.of(CheckpointWriter.write(c));
    }

    static Sections flagged(Checkpoint base) {
        return flagged(base, SCRATCH.length, OpenFile.CONTENTS, OpenFile.Kind.DESCRIPTOR);
    }

    static byte[] payload(int count, byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u32(count));
        for (byte[] e : entries) out.writeBytes(e);
        return out.toByteArray();
    }

    /** An entry: description, then the contents as {@code bytes} (declared length {@code length}). */
    static byte[] entry(long description, long length, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(u32(description));
        out.writeBytes(u32(length));
        out.writeBytes(contents);
        return out.toByteArray();
    }

    static byte[] entry(long description, byte[] contents) {
        return entry(description, contents.length, contents);
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] good() {
        return payload(2, entry(9, SCRATCH), entry(10, UNLINKED));
    }

    static void valid(Checkpoint base, Map<String, byte[]> out) {
        Sections s = flagged(base);
        out.put("tmpfile-contents.tck", s.inserting(s.sections().size(), Wire.TMPF, good()).toBytes());
        // an empty tmpfile, and a position past its end (a program may seek there before writing)
        Sections e = flagged(base, 0, OpenFile.CONTENTS, OpenFile.Kind.DESCRIPTOR);
        out.put("tmpfile-empty.tck", e.inserting(3, Wire.TMPF, payload(2, entry(9, new byte[0]), entry(10, UNLINKED)))
                .toBytes());
    }

    static Map<String, byte[]> forged(Checkpoint base) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Sections s = flagged(base);
        int end = s.sections().size();
        out.put("file-contents-without-tmpf.tck", s.toBytes());
        out.put("tmpf-one-missing.tck", s.inserting(end, Wire.TMPF, payload(1, entry(9, SCRATCH))).toBytes());
        out.put("tmpf-count-zero.tck", s.inserting(end, Wire.TMPF, payload(0)).toBytes());
        out.put("tmpf-count-exceeds-bytes.tck", s.inserting(end, Wire.TMPF, payload(100000, entry(9, SCRATCH),
                entry(10, UNLINKED))).toBytes());
        out.put("tmpf-out-of-order.tck", s.inserting(end, Wire.TMPF, payload(2, entry(10, UNLINKED), entry(9, SCRATCH)))
                .toBytes());
        out.put("tmpf-description-twice.tck", s.inserting(end, Wire.TMPF, payload(3, entry(9, SCRATCH), entry(9, SCRATCH),
                entry(10, UNLINKED))).toBytes());
        out.put("tmpf-size-differs.tck", s.inserting(end, Wire.TMPF, payload(2, entry(9, new byte[] {'a'}),
                entry(10, UNLINKED))).toBytes());
        out.put("tmpf-contents-truncated.tck", s.inserting(end, Wire.TMPF, payload(2, entry(9, SCRATCH),
                entry(10, 4096, UNLINKED))).toBytes());
        out.put("tmpf-past-limit.tck", s.inserting(end, Wire.TMPF, payload(2, entry(9, SCRATCH),
                entry(10, RuntimeContract.TMPF_MAX, UNLINKED))).toBytes());
        out.put("tmpf-unknown-description.tck", s.inserting(end, Wire.TMPF, payload(3, entry(9, SCRATCH),
                entry(10, UNLINKED), entry(77, UNLINKED))).toBytes());
        // description 1: fd 4 (a stream) and 5 (a descriptor) of the base, without the flag
        out.put("tmpf-without-flag.tck", s.inserting(end, Wire.TMPF, payload(3, entry(1, new byte[0]), entry(9, SCRATCH),
                entry(10, UNLINKED))).toBytes());
        out.put("tmpf-twice.tck", s.inserting(end, Wire.TMPF, good()).inserting(end, Wire.TMPF, good()).toBytes());
        out.put("tmpf-left-over.tck", s.inserting(end, Wire.TMPF, concat(good(), new byte[] {0})).toBytes());
        Sections socket = flagged(base, SCRATCH.length, OpenFile.CONTENTS, OpenFile.Kind.LISTENING_SOCKET);
        out.put("file-contents-on-socket.tck", socket.inserting(end, Wire.TMPF, good()).toBytes());
        Sections big = flagged(base, RuntimeContract.TMPF_MAX + 1L, OpenFile.CONTENTS, OpenFile.Kind.DESCRIPTOR);
        out.put("file-contents-size-past-limit.tck", big.inserting(end, Wire.TMPF, good()).toBytes());
        // the flag on fd 10 only: its TMPF entry is refused (no flag), so is fd 9's flag without one
        Sections one = flagged(base, SCRATCH.length, 0, OpenFile.Kind.DESCRIPTOR);
        out.put("tmpf-entry-for-unflagged.tck", one.inserting(end, Wire.TMPF, good()).toBytes());
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
