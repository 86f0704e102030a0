package dev.talent.format;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/** Constants of the wire format (docs/FORMAT.md) shared by reader and writer. */
final class Wire {
    static final byte[] MAGIC = "TALENTCK".getBytes(StandardCharsets.US_ASCII);
    /** The major of a file without a section a 1.x reader must not skip; {@link #MAJOR_ERRNO} of one with ERRN. */
    static final int MAJOR = RuntimeContract.FORMAT_MAJOR;
    static final int MAJOR_ERRNO = RuntimeContract.FORMAT_MAJOR_ERRNO;
    /** The major of a file whose TYPE holds a union: every union value names the member that carries it. */
    static final int MAJOR_UNIONS = RuntimeContract.FORMAT_MAJOR_UNIONS;
    /** A union value's member field: the number in these low bits, a byte-order mark in the bit above. */
    static final int UNION_MEMBER_BITS = RuntimeContract.UNION_MEMBER_BITS;
    /** The major of a file holding a {@link Value.Boundary} pointer (otherwise as {@link #MAJOR_UNIONS}). */
    static final int MAJOR_BOUNDARY = RuntimeContract.FORMAT_MAJOR_BOUNDARY;
    /** The major of a file holding a {@link Value.Below} pointer (otherwise as {@link #MAJOR_BOUNDARY}). */
    static final int MAJOR_BELOW = RuntimeContract.FORMAT_MAJOR_BELOW;
    /** The major of a file holding a {@link Value.KeptNumber} pointer (otherwise as {@link #MAJOR_BELOW}). */
    static final int MAJOR_NUMBERS = RuntimeContract.FORMAT_MAJOR_NUMBERS;
    static final int MINOR = 0;
    static final int HEADER_SIZE = 24;
    /** Tag (4) + length (8) + CRC (4): the size of an empty section. */
    static final int SECTION_OVERHEAD = 16;
    static final long U32_NONE = 0xFFFF_FFFFL;

    static final String META = "META";
    static final String TYPE = "TYPE";
    static final String STRS = "STRS";
    static final String GLOB = "GLOB";
    static final String FRAM = "FRAM";
    static final String HEAP = "HEAP";
    /** The sections every file has, in this order. */
    static final List<String> KNOWN_SECTIONS = List.of(META, TYPE, STRS, GLOB, FRAM, HEAP);
    /** Optional sections (at most once each, anywhere among the others). */
    static final String FILE = "FILE";
    static final String WAIT = "WAIT";
    static final String EPOL = "EPOL";
    /** Optional: the EPOL instances' other descriptors (at most once, anywhere). */
    static final String EDUP = "EDUP";
    static final String SIGS = "SIGS";
    static final String ENVI = "ENVI";
    /** Optional: the listen backlog and options of the FILE section's sockets (at most once, anywhere). */
    static final String SOPT = "SOPT";
    /** Optional in version 2.x, where it is required: the program's errno (never in a 1.x file). */
    static final String ERRN = "ERRN";
    /** Optional: the HEAP blocks' ids by increasing address on the writer (at most once, anywhere; FORMAT.md "HORD"). */
    static final String HORD = "HORD";
    /** Optional: the contents of FILE's files without a name (at most once, anywhere; FORMAT.md "TMPF"). */
    static final String TMPF = "TMPF";

    static final int PTR_NULL = RuntimeContract.PTR_NULL;
    static final int PTR_OBJECT = RuntimeContract.PTR_OBJECT;
    static final int PTR_STRING = RuntimeContract.PTR_STRING;
    static final int PTR_STREAM = RuntimeContract.PTR_STREAM;
    static final int PTR_FUNCTION = RuntimeContract.PTR_FUNCTION;
    static final int PTR_OPEN_STREAM = RuntimeContract.PTR_OPEN_STREAM;
    static final int PTR_INDETERMINATE = RuntimeContract.PTR_INDETERMINATE;
    static final int PTR_SIG_IGN = RuntimeContract.PTR_SIG_IGN;
    static final int PTR_SIG_ERR = RuntimeContract.PTR_SIG_ERR;
    static final int PTR_BOUNDARY = RuntimeContract.PTR_BOUNDARY;
    static final int PTR_BELOW = RuntimeContract.PTR_BELOW;
    static final int BELOW_START_BYTES = RuntimeContract.BELOW_START_BYTES;
    static final int PTR_NUMBER = RuntimeContract.PTR_NUMBER;
    static final int NUMBER_PTR_LOW = RuntimeContract.NUMBER_PTR_LOW;
    static final int NUMBER_PTR_HIGH = RuntimeContract.NUMBER_PTR_HIGH;

    /** HEAP block flag bit 0: the element type could not be inferred, the block holds raw bytes. */
    static final int HEAP_UNTYPED = RuntimeContract.HEAP_UNTYPED;
    static final int HEAP_TRAILING = RuntimeContract.HEAP_TRAILING;
    /** HEAP block flag bit 2, only with bit 0: the raw bytes depend on the byte order only. */
    static final int HEAP_BYTE_ORDER = RuntimeContract.HEAP_BYTE_ORDER;

    private Wire() {}

    static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    static int crc32c(java.nio.ByteBuffer data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data.slice(offset, length));
        return (int) crc.getValue();
    }

    static String printable(java.nio.ByteBuffer data, int offset, int length) {
        byte[] b = new byte[length];
        data.get(offset, b);
        return printable(b, 0, length);
    }

    static String hex32(long v) {
        return String.format("0x%08x", v & 0xFFFF_FFFFL);
    }

    /** A tag or other short byte sequence shown printable, non-printable bytes as {@code \xNN}. */
    static String printable(byte[] data, int offset, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = offset; i < offset + length; i++) {
            int b = data[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') sb.append((char) b);
            else sb.append(String.format("\\x%02x", b));
        }
        return sb.toString();
    }
}
