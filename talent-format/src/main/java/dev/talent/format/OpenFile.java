package dev.talent.format;

import java.util.Locale;
import java.util.Objects;

/**
 * One entry of the {@code FILE} section (docs/FORMAT.md, "FILE"): a descriptor or stream the program had open at the
 * checkpoint, reopened at the same number on restart.
 *
 * @param fd descriptor number (u32; at most 0x7FFFFFFF, a C {@code int})
 * @param kind what the entry is
 * @param description entries with equal values share one open file description (made by dup/dup2)
 * @param path kinds DESCRIPTOR and STREAM: absolute path; LISTENING_SOCKET: {@code tcp:<IPv4>:<port>} or
 *     {@code tcp6:[<IPv6>]:<port>} (listening TCP), {@code udp:<IPv4>:<port>} or {@code udp6:[<IPv6>]:<port>}
 *     (unconnected UDP, its bound address); TCP_CONNECTION: {@code tcp:<local>-<peer>} (IPv4) or
 *     {@code tcp6:[<local>]:<port>-[<peer>]:<port>}; otherwise empty. Raw bytes: file names need not be UTF-8
 * @param access read-only, write-only or read-write
 * @param flags bits {@link #APPEND}, {@link #CLOSE_ON_EXEC}, {@link #NONBLOCK}; on a LISTENING_SOCKET also
 *     {@link #V6ONLY} (IPv6 addresses only) and {@link #REUSEPORT}
 * @param stdSource for STANDARD_COPY the standard descriptor (0, 1, 2) it copies; otherwise 0
 * @param mode for STREAM the fopen mode ({@code r}, {@code w+}, {@code ab}...); otherwise empty
 * @param offset kinds DESCRIPTOR, STREAM, STDIN_POSITION: position (u64; a stream's {@code ftello}); TCP_CONNECTION:
 *     0, or the fd + 1 of the listening socket in whose backlog the connection waited (not accepted yet)
 * @param size kinds DESCRIPTOR, STREAM, STDIN_POSITION: file size at the checkpoint (u64; 0 for devices)
 * @param site where it was opened ({@code file.c:line:col}) or how talent met it ({@code read}, {@code stdin})
 */
public record OpenFile(long fd, Kind kind, long description, ByteString path, Access access, int flags, int stdSource,
                       String mode, long offset, long size, String site) {
    /** Flag bit 0: opened with O_APPEND. */
    public static final int APPEND = RuntimeContract.FILE_FLAG_APPEND;
    /** Flag bit 1: close-on-exec. */
    public static final int CLOSE_ON_EXEC = RuntimeContract.FILE_FLAG_CLOEXEC;
    /** Flag bit 2: O_NONBLOCK. */
    public static final int NONBLOCK = RuntimeContract.FILE_FLAG_NONBLOCK;
    /** Flag bit 3, on a socket (LISTENING_SOCKET) with an IPv6 address only: IPV6_V6ONLY was on. */
    public static final int V6ONLY = RuntimeContract.FILE_FLAG_V6ONLY;
    /** Flag bit 4, on a socket (LISTENING_SOCKET) only: SO_REUSEPORT was on. */
    public static final int REUSEPORT = RuntimeContract.FILE_FLAG_REUSEPORT;
    /** Flag bit 5, on a socket (LISTENING_SOCKET) or a connection (TCP_CONNECTION) only: its options are an entry of SOPT. */
    public static final int OPTIONS = RuntimeContract.FILE_FLAG_OPTIONS;
    /**
     * Flag bit 6, on a DESCRIPTOR or a STREAM only: the file had no name left (tmpfile, or unlinked while open); its
     * contents are an entry of TMPF, {@code size} bytes.
     */
    public static final int CONTENTS = RuntimeContract.FILE_FLAG_CONTENTS;
    static final int KNOWN_FLAGS = APPEND | CLOSE_ON_EXEC | NONBLOCK | V6ONLY | REUSEPORT | OPTIONS | CONTENTS;

    public OpenFile {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(path);
        Objects.requireNonNull(access);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(site);
    }

    /** What a {@code FILE} entry describes (the numbers are the file's {@code kind} codes). */
    public enum Kind implements FileCode {
        /** A descriptor from open, creat or dup. */
        DESCRIPTOR(RuntimeContract.FILE_DESCRIPTOR),
        /** A {@code FILE *} from fopen, fdopen or freopen; its descriptor is {@code fd}. */
        STREAM(RuntimeContract.FILE_STREAM),
        /** A listening TCP socket or an unconnected UDP socket (the path's protocol says which). */
        LISTENING_SOCKET(RuntimeContract.FILE_LISTEN),
        /** How far stdin was read when it was a regular file (stdin itself is not reopened). */
        STDIN_POSITION(RuntimeContract.FILE_STDIN),
        /** A copy of a standard descriptor ({@code stdSource}). */
        STANDARD_COPY(RuntimeContract.FILE_STD_DUP),
        /**
         * An established TCP connection, its state carried beside the checkpoint by talent's TCP repair (the path is
         * {@code tcp:<IPv4>:<port>-<IPv4>:<port>} or {@code tcp6:[<IPv6>]:<port>-[<IPv6>]:<port>}, local then peer).
         */
        TCP_CONNECTION(RuntimeContract.FILE_TCP);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }

        /** Lower-case words, for rendering. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** The access mode (the numbers are the file's {@code access} codes, not the declaration order). */
    public enum Access implements FileCode {
        READ_ONLY(RuntimeContract.FILE_ACCESS_READ_ONLY),
        WRITE_ONLY(RuntimeContract.FILE_ACCESS_WRITE_ONLY),
        READ_WRITE(RuntimeContract.FILE_ACCESS_READ_WRITE);

        private final int code;

        Access(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }

        /** {@code read-only}, {@code write-only}, {@code read-write}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
