package dev.talent.format;

import java.util.regex.Pattern;

/**
 * What the Java side and the C runtime must agree on, in one place: the runtime's exit statuses, the {@code TALENT_*}
 * environment keys, the words and limits of the event lines, the checkpoint file name, and the pointer tags, object
 * kinds and FILE entry codes of the checkpoint format (docs/FORMAT.md). The runtime's copy is
 * {@code talent-runtime/src/main/c/contract.h}: each {@code TL_<NAME>} there is the {@code <NAME>} here, and
 * talent-runtime's RuntimeContractHeaderTest fails when the two differ in a name or a value. Java code refers to
 * these constants, C code to the header's; neither writes the numbers or strings again.
 */
public final class RuntimeContract {

    // Exit statuses of a program built with talent (sysexits.h values)
    /** Malformed TALENT_* configuration. */
    public static final int EXIT_USAGE = 64;
    /** The checkpoint cannot be restored here. */
    public static final int EXIT_DATAERR = 65;
    /** No valid checkpoint found. */
    public static final int EXIT_NOINPUT = 66;
    /** Internal error, or a state talent cannot checkpoint. */
    public static final int EXIT_SOFTWARE = 70;
    /** The program's output cannot be flushed (before a checkpoint or exit 75). */
    public static final int EXIT_IOERR = 74;
    /** A checkpoint was written and the program stopped at it. */
    public static final int EXIT_CHECKPOINT = 75;

    // Environment keys the runtime reads
    public static final String ENV_CHECKPOINT_DIR = "TALENT_CHECKPOINT_DIR";
    public static final String ENV_STOP_AFTER = "TALENT_STOP_AFTER";
    public static final String ENV_RESTART = "TALENT_RESTART";
    public static final String ENV_KEEP = "TALENT_KEEP";
    public static final String ENV_EVERY_VISITS = "TALENT_EVERY_VISITS";
    public static final String ENV_EVERY_SECONDS = "TALENT_EVERY_SECONDS";
    public static final String ENV_VERBOSE = "TALENT_VERBOSE";
    public static final String ENV_PLATFORM = "TALENT_PLATFORM";
    public static final String ENV_EVENT_FILE = "TALENT_EVENT_FILE";
    public static final String ENV_RESTORE_FILE = "TALENT_RESTORE_FILE";
    public static final String ENV_FAULT = "TALENT_FAULT";
    public static final String ENV_FSYNC = "TALENT_FSYNC";
    public static final String ENV_PRECOPY = "TALENT_PRECOPY";
    public static final String ENV_DIRTY = "TALENT_DIRTY";
    public static final String ENV_CONFIG = "TALENT_CONFIG";
    /** Set by {@code talent exec} when a checkpoint request arrived before the program started. */
    public static final String ENV_EARLY_REQUEST = "TALENT_EARLY_REQUEST";
    /** The runtime's own: marks a process re-executed below its stack limit for a restore. */
    public static final String ENV_RESTORE_BELOW = "TALENT_RESTORE_BELOW";
    /** Set by the orchestrator only: a restart started ahead waits for its go on this FIFO (talent run's pre-start). */
    public static final String ENV_AWAIT_GO = "TALENT_AWAIT_GO";
    /** The word of the one line ("go\n") that releases a restart waiting on {@link #ENV_AWAIT_GO}. */
    public static final String GO_MESSAGE = "go";
    /** A line before the go ("base pre-000003.tck\n") naming the pre-copy image put in the checkpoint directory. */
    public static final String GO_BASE_WORD = "base";
    /**
     * What a restart waiting for its go does meanwhile: populate (default: the large globals' pages made present),
     * base (populate, and restore each base named on the FIFO ahead) or off.
     */
    public static final String ENV_AHEAD = "TALENT_AHEAD";
    /** The values of {@link #ENV_AHEAD}. */
    public static final String AHEAD_POPULATE = "populate";
    public static final String AHEAD_BASE = "base";
    public static final String AHEAD_OFF = "off";

    // Event lines (talent-runtime README, "Events"): "<word> <fields>", printable ASCII, one write each
    public static final String EVENT_STARTED = "started";
    public static final String EVENT_READY = "ready";
    public static final String EVENT_CHECKPOINT = "checkpoint";
    public static final String EVENT_CHECKPOINT_FAILED = "checkpoint-failed";
    public static final String EVENT_EXITING = "exiting";
    /** A pre-copy round's child wrote its image (precopy.c): {@code precopy <round> <image> <bytes> [<delta> <bytes>]}. */
    public static final String EVENT_PRECOPY = "precopy";
    /** A restart started ahead restored a base ahead (ahead.c): {@code ahead <image> <bytes>} (0 bytes: not usable). */
    public static final String EVENT_AHEAD = "ahead";
    /** The longest line the orchestrator accepts, newline excluded. */
    public static final int EVENT_MAX_LINE = 256;

    // Checkpoint files: CKPT_PREFIX + the sequence in at least CKPT_MIN_DIGITS digits + CKPT_SUFFIX
    public static final String CKPT_PREFIX = "ckpt-";
    public static final String CKPT_SUFFIX = ".tck";
    public static final String DELTA_SUFFIX = ".tdl";
    public static final int CKPT_MIN_DIGITS = 6;
    /** A checkpoint being written, renamed to its final name once complete: "." + final name + this. */
    public static final String CKPT_TEMP_SUFFIX = ".tmp";

    // Pointer tags of a pointer value (docs/FORMAT.md)
    public static final int PTR_NULL = 0;
    public static final int PTR_OBJECT = 1;
    public static final int PTR_STRING = 2;
    public static final int PTR_STREAM = 3;
    public static final int PTR_FUNCTION = 4;
    public static final int PTR_OPEN_STREAM = 5;
    public static final int PTR_INDETERMINATE = 6;
    /** FUNCPTR values only (never data pointer tags): the C library's handler constants, which are no function. */
    public static final int PTR_SIG_IGN = 7;
    public static final int PTR_SIG_ERR = 8;
    /**
     * Format major 4 only: an address that is both the start of one object and one past the end of another (two
     * separate objects side by side on the writer), written as both readings.
     */
    public static final int PTR_BOUNDARY = 9;
    /**
     * Format major 5 only: an address in no object just below the start of an array object (a global, a frame
     * variable or a heap block), {@code count} elements of the element its OBJECT payload names below that element.
     */
    public static final int PTR_BELOW = 10;
    /** How far below an array's start a {@link #PTR_BELOW} pointer may lie, in the writer's bytes. */
    public static final int BELOW_START_BYTES = 16;
    /**
     * Format major 6 only: a number kept in a pointer ({@code (void *)3}, a {@code (void *)-1} sentinel), never an
     * address on any supported platform: an i64, 1 to {@link #NUMBER_PTR_LOW} or -{@link #NUMBER_PTR_HIGH} to -1.
     */
    public static final int PTR_NUMBER = 11;
    /** The largest number a {@link #PTR_NUMBER} pointer carries (below the lowest address Linux maps). */
    public static final int NUMBER_PTR_LOW = 65535;
    /** The most negative number a {@link #PTR_NUMBER} pointer carries, negated (the last page, never mapped). */
    public static final int NUMBER_PTR_HIGH = 4095;

    // The standard streams of PTR_STREAM
    public static final int STREAM_STDIN = 0;
    public static final int STREAM_STDOUT = 1;
    public static final int STREAM_STDERR = 2;

    // Object kinds of PTR_OBJECT
    public static final int OBJ_GLOBAL = 1;
    public static final int OBJ_FRAME = 2;
    public static final int OBJ_HEAP = 3;
    public static final int OBJ_ARGV = 4;
    public static final int OBJ_ARGSTR = 5;

    // FILE section entries: kinds, access modes and flag bits
    public static final int FILE_DESCRIPTOR = 1;
    public static final int FILE_STREAM = 2;
    public static final int FILE_LISTEN = 3;
    public static final int FILE_STDIN = 4;
    public static final int FILE_STD_DUP = 5;
    public static final int FILE_TCP = 6;
    public static final int FILE_ACCESS_READ_ONLY = 0;
    public static final int FILE_ACCESS_WRITE_ONLY = 1;
    public static final int FILE_ACCESS_READ_WRITE = 2;
    public static final int FILE_FLAG_APPEND = 1;
    public static final int FILE_FLAG_CLOEXEC = 2;
    public static final int FILE_FLAG_NONBLOCK = 4;
    public static final int FILE_FLAG_V6ONLY = 8;
    public static final int FILE_FLAG_REUSEPORT = 16;
    public static final int FILE_FLAG_OPTIONS = 32;
    /** Kinds 1 and 2 only: a file with no name left (tmpfile, unlinked); its contents are an entry of TMPF. */
    public static final int FILE_FLAG_CONTENTS = 64;
    /** TMPF: the bytes of contents one checkpoint carries at most, in all (docs/FORMAT.md "TMPF"). */
    public static final int TMPF_MAX = 67108864;

    /** SOPT section: option codes (contract.h TL_SOPT_*, docs/FORMAT.md "SOPT") and the backlog flag. */
    public static final int SOPT_REUSEADDR = 1;
    public static final int SOPT_KEEPALIVE = 2;
    public static final int SOPT_RCVBUF = 3;
    public static final int SOPT_SNDBUF = 4;
    public static final int SOPT_LINGER = 5;
    public static final int SOPT_RCVLOWAT = 6;
    public static final int SOPT_BROADCAST = 7;
    public static final int SOPT_PRIORITY = 8;
    public static final int SOPT_RCVTIMEO = 9;
    public static final int SOPT_SNDTIMEO = 10;
    public static final int SOPT_OOBINLINE = 11;
    public static final int SOPT_TCP_NODELAY = 12;
    public static final int SOPT_TCP_KEEPIDLE = 13;
    public static final int SOPT_TCP_KEEPINTVL = 14;
    public static final int SOPT_TCP_KEEPCNT = 15;
    public static final int SOPT_TCP_DEFER_ACCEPT = 16;
    public static final int SOPT_TCP_FASTOPEN = 17;
    public static final int SOPT_TCP_MAXSEG = 18;
    public static final int SOPT_TCP_USER_TIMEOUT = 19;
    public static final int SOPT_IP_TOS = 20;
    public static final int SOPT_IP_TTL = 21;
    public static final int SOPT_IPV6_TCLASS = 22;
    public static final int SOPT_IPV6_UNICAST_HOPS = 23;
    public static final int SOPT_TCP_NOTSENT_LOWAT = 24;
    public static final int SOPT_MAX_CODE = 24;
    public static final int SOPT_FLAG_BACKLOG = 1;

    /** EPOL section: the epoll_data member a registration holds, the flag bits, and the bounds both readers enforce. */
    public static final int EPOLL_DATA_INT32 = 1;
    public static final int EPOLL_DATA_U64 = 2;
    public static final int EPOLL_DATA_POINTER = 3;
    public static final int EPOLL_FLAG_CLOEXEC = 1;
    public static final int EPOLL_REG_DISARMED = 1;
    public static final int EPOLL_MAX_INSTANCES = 1024;
    public static final int EPOLL_MAX_WATCHES = 65536;
    /** EDUP section: at most this many other descriptors of the EPOL instances (dup, dup2, dup3, fcntl F_DUPFD). */
    public static final int EPOLL_MAX_COPIES = 1024;

    /** SIGS section: Linux's generic signal numbers, the disposition kinds, talent's flag bits (SA_RESTART, SA_SIGINFO,
     *  SA_NODEFER, SA_RESETHAND) and the signals never carried (bit n-1: SIGKILL, SIGUSR1, SIGUSR2, SIGSTOP, SIGURG). */
    public static final int SIGS_MAX_SIGNAL = 31;
    public static final int SIGS_IGNORE = 1;
    public static final int SIGS_HANDLER = 2;
    public static final int SIGS_FLAG_RESTART = 1;
    public static final int SIGS_FLAG_SIGINFO = 2;
    public static final int SIGS_FLAG_NODEFER = 4;
    public static final int SIGS_FLAG_RESETHAND = 8;
    public static final int SIGS_FLAGS = 15;
    public static final int SIGS_OWN_MASK = 4459264;
    /**
     * The global {@code <libc>:itimers} (interval timers: alarm, setitimer): its key, and the bounds both readers enforce
     * on each time's seconds (10 years of 365.25 days) and microseconds (below this).
     */
    public static final String ITIMERS_KEY = "<libc>:itimers";
    public static final int ITIMERS_MAX_SEC = 315576000;
    public static final int ITIMERS_USEC_LIMIT = 1000000;
    /**
     * The global {@code <libc>:cwd} (the working directory the program changed into): its key, and the size of its
     * {@code path} member, NUL included.
     */
    public static final String CWD_KEY = "<libc>:cwd";
    public static final int CWD_MAX = 4096;
    /**
     * The global {@code <libc>:sigmask} (the signals the program blocked, as talent's portable signal set): its key,
     * and the signals no process can block (SIGKILL, SIGSTOP: bits 8 and 18), which both readers refuse in it. talent's
     * own signals (SIGUSR1, SIGUSR2, SIGURG, SIGRTMIN+2) are carried like any other since 2026-12-06.
     */
    public static final String SIGMASK_KEY = "<libc>:sigmask";
    public static final int SIGMASK_NEVER = 262400;
    /**
     * The global {@code <libc>:streams} (the buffering modes and orientations of the program's streams, streammodes.c):
     * its key, its number of entries, the highest stream number (0-2 the standard streams, 3 + i the FILE section's
     * entry i), the largest buffer size, and the modes (0: as the C library set it). An entry's buffer of the program's
     * own is a pointer to an object, with mode full or line and a size only.
     */
    public static final String STREAMS_KEY = "<libc>:streams";
    public static final int STREAMS_MAX = 16;
    public static final int STREAMS_MAX_NUMBER = 65538;
    public static final int STREAMS_MAX_SIZE = 1073741824;
    public static final int STREAMS_FULL = 1;
    public static final int STREAMS_LINE = 2;
    public static final int STREAMS_NONE = 3;
    /**
     * The global {@code <libc>:pending} (the bytes stdout and stderr held unwritten at the checkpoint, pending.c): its
     * key and the most bytes of one stream it carries (a count of stdout's bytes, then one array of 1 to twice that
     * many bytes, stdout's then stderr's).
     */
    public static final String PENDING_KEY = "<libc>:pending";
    public static final int PENDING_MAX = 65536;
    /**
     * The globals of the process's attributes and of inet_ntoa's result, and the bounds both readers enforce: the file
     * mode creation mask at most 0777; nine resource limits, the soft one at most the hard one where changed; the
     * rounding mode 0 to 3 and five exception flags; the nice value -20 to 19; the process name and inet_ntoa's text
     * NUL-terminated within 16 chars (inet_ntoa's only digits and dots, NULs after).
     */
    public static final String UMASK_KEY = "<libc>:umask";
    public static final int UMASK_MAX = 511;
    public static final String RLIMITS_KEY = "<libc>:rlimits";
    public static final int RLIMITS_COUNT = 9;
    public static final String FENV_KEY = "<libc>:fenv";
    public static final int FENV_ROUND_MAX = 3;
    public static final int FENV_FLAGS = 31;
    public static final String NICE_KEY = "<libc>:nice";
    /** The nice value lies in -NICE_LIMIT to NICE_LIMIT - 1. */
    public static final int NICE_LIMIT = 20;
    public static final String COMM_KEY = "<libc>:comm";
    public static final int COMM_MAX = 16;
    public static final String INET_NTOA_KEY = "<libc>:inet_ntoa";
    public static final int INET_NTOA_MAX = 16;
    public static final String INET_NTOA_DIGITS = "0123456789.";
    /**
     * The results of l64a and ether_ntoa (foreign.c), each a text NUL-terminated in its array of chars, NULs after,
     * only of these characters before (contract.h TL_L64A_*, TL_ETHER_NTOA_*).
     */
    public static final String L64A_KEY = "<libc>:l64a";
    public static final int L64A_MAX = 8;
    public static final String L64A_DIGITS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public static final String ETHER_NTOA_KEY = "<libc>:ether_ntoa";
    public static final int ETHER_NTOA_MAX = 24;
    public static final String ETHER_NTOA_DIGITS = "0123456789abcdefABCDEF:";
    /** The results of ecvt and fcvt, likewise: digits (or inf, nan in either case) (contract.h TL_ECVT_*, TL_FCVT_*). */
    public static final String ECVT_KEY = "<libc>:ecvt";
    public static final int ECVT_MAX = 32;
    public static final String FCVT_KEY = "<libc>:fcvt";
    public static final int FCVT_MAX = 1408;
    public static final String CVT_DIGITS = "0123456789infaINFA";
    /**
     * tmpnam(NULL)'s result, likewise: a path of these characters (glibc's "/tmp/fileXXXXXX", musl's
     * "/tmp/tmpnam_XXXXXX") (contract.h TL_TMPNAM_*).
     */
    public static final String TMPNAM_KEY = "<libc>:tmpnam";
    public static final int TMPNAM_MAX = 24;
    public static final String TMPNAM_CHARS = "/_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /**
     * strerror's and strsignal's text for a number without one of its own ("Unknown error 9999", "Real-time signal
     * 3"), likewise: words, spaces, a sign and digits (contract.h TL_STRERROR_KEY, TL_UNKNOWN_TEXT_*).
     */
    public static final String STRERROR_KEY = "<libc>:strerror";
    public static final String STRSIGNAL_KEY = "<libc>:strsignal";
    public static final int UNKNOWN_TEXT_MAX = 48;
    public static final String UNKNOWN_TEXT_CHARS =
            " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** ether_aton's result: a struct ether_addr of one member, the array of its six octets, each 0 to 255 (TL_ETHER_ATON_*). */
    public static final String ETHER_ATON_KEY = "<libc>:ether_aton";
    public static final int ETHER_ATON_SIZE = 6;
    /**
     * ENVI section: a variable's operation, the format's locale category numbers (not a C library's LC_* values) and
     * the bounds both readers enforce.
     */
    public static final int ENV_SET = 1;
    public static final int ENV_UNSET = 2;
    public static final int ENV_MAX_VARS = 4096;
    public static final int ENV_MAX_NAME = 1024;
    public static final int ENV_MAX_VALUE = 131072;
    public static final int ENV_MAX_TOTAL = 1048576;
    public static final int LOCALE_CTYPE = 1;
    public static final int LOCALE_NUMERIC = 2;
    public static final int LOCALE_TIME = 3;
    public static final int LOCALE_COLLATE = 4;
    public static final int LOCALE_MONETARY = 5;
    public static final int LOCALE_MESSAGES = 6;
    public static final int LOCALE_PAPER = 7;
    public static final int LOCALE_NAME = 8;
    public static final int LOCALE_ADDRESS = 9;
    public static final int LOCALE_TELEPHONE = 10;
    public static final int LOCALE_MEASUREMENT = 11;
    public static final int LOCALE_IDENTIFICATION = 12;
    public static final int LOCALE_MAX_CATEGORY = 12;
    public static final int LOCALE_MAX_NAME = 64;

    /**
     * A signal set's portable word (SIGS masks; sigset_t values as their members, docs/FORMAT.md "Signal sets"): bit
     * n-1 standard signal n (1..31), this bit every real-time signal, bit 32+k SIGRTMIN+k when not all are.
     */
    public static final int SIGSET_ALL_REALTIME_BIT = 31;
    /** sa_flags of a struct sigaction value: talent's bits for the POSIX flags (a 7-bit member). */
    public static final int SA_NOCLDSTOP = 1;
    public static final int SA_NOCLDWAIT = 2;
    public static final int SA_SIGINFO = 4;
    public static final int SA_ONSTACK = 8;
    public static final int SA_RESTART = 16;
    public static final int SA_NODEFER = 32;
    public static final int SA_RESETHAND = 64;
    /**
     * A pthread_mutex_t value (talent-runtime mutextype.c): the STRUCT of that name has one member, kind, whose value is
     * at most MUTEX_KIND_MAX (0 default, 1 recursive, 2 error-checking); a larger one is refused by both readers.
     */
    public static final String MUTEX_TYPE_NAME = "pthread_mutex_t";
    public static final int MUTEX_KIND_MAX = 2;

    /**
     * Checkpoint format major versions (docs/FORMAT.md "Header"): a file is written with the lowest major that
     * describes it. 1: no section a 1.x reader must not skip; 2: the file holds {@code ERRN}, which a 1.x reader would
     * skip, so it must refuse the file (it refuses any major but its own).
     */
    public static final int FORMAT_MAJOR = 1;
    public static final int FORMAT_MAJOR_ERRNO = 2;
    /** 3: the file's TYPE holds a union; every union value begins with the number of the member that carries it. */
    public static final int FORMAT_MAJOR_UNIONS = 3;
    /** 4: as 3 (union values name their member), and a data pointer may be {@link #PTR_BOUNDARY}. */
    public static final int FORMAT_MAJOR_BOUNDARY = 4;
    /** 5: as 4, and a data pointer may be {@link #PTR_BELOW}. */
    public static final int FORMAT_MAJOR_BELOW = 5;
    /** 6: as 5, and a data pointer may be {@link #PTR_NUMBER}. */
    public static final int FORMAT_MAJOR_NUMBERS = 6;
    /**
     * A union value's u32 member field (major 3): the member's number in its low bits, the bit above them set when
     * another member that carries the same bytes would read them differently on an ISA of the other byte order.
     */
    public static final int UNION_MEMBER_BITS = 31;
    /**
     * ERRN section: the program's errno as a format code, the number Linux's generic table (asm-generic errno-base.h,
     * errno.h) gives the E-constant of that name; {@link ErrnoNames} (Java) and errno_codes.h (C) list the codes
     * carried, 1 to this.
     */
    public static final int ERRNO_MAX_CODE = 133;

    /** A heap block whose type is not known (HEAP section flag). */
    public static final int HEAP_UNTYPED = 1;
    /**
     * A heap block that is one struct whose last member array holds what the block held after the struct's other
     * members (a flexible array member or the struct hack; HEAP section flag).
     */
    public static final int HEAP_TRAILING = 2;
    /**
     * An untyped heap block whose raw bytes depend on the writer's byte order only, not on its pointer width: every
     * typed view of it was a fixed-width integer of 1, 2 or 4 bytes, or an array or struct of such (HEAP section flag,
     * only with {@link #HEAP_UNTYPED}).
     */
    public static final int HEAP_BYTE_ORDER = 4;

    /** The name of checkpoint {@code sequence}. */
    public static String checkpointName(long sequence) {
        if (sequence < 0) throw new IllegalArgumentException("negative checkpoint sequence " + sequence);
        return CKPT_PREFIX + String.format("%0" + CKPT_MIN_DIGITS + "d", sequence) + CKPT_SUFFIX;
    }

    /** A pre-copy round's image ({@code pre-<round>.tck}, precopy.c); group 1 is the round's digits. */
    public static final Pattern PRECOPY_IMAGE_NAME = Pattern.compile("pre-([0-9]{6,9})\\.tck");

    /** A pre-copy round's delta from the round before ({@code pre-<round>.tdl}); group 1 is the round's digits. */
    public static final Pattern PRECOPY_DELTA_NAME = Pattern.compile("pre-([0-9]{6,9})\\.tdl");

    /** A checkpoint written as a delta ({@code ckpt-<sequence>.tdl}); group 1 is the sequence's digits. */
    public static final Pattern CHECKPOINT_DELTA_NAME = Pattern.compile(Pattern.quote(CKPT_PREFIX) + "([0-9]{"
            + CKPT_MIN_DIGITS + ",})" + Pattern.quote(DELTA_SUFFIX));

    /** A checkpoint file name; group 1 is the sequence's digits. */
    public static final Pattern CHECKPOINT_NAME = checkpointNamePattern(Integer.MAX_VALUE);

    /** A checkpoint file name of at most {@code maxDigits} sequence digits; group 1 is the digits. */
    public static Pattern checkpointNamePattern(int maxDigits) {
        String digits = maxDigits == Integer.MAX_VALUE ? "" : Integer.toString(maxDigits);
        return Pattern.compile(Pattern.quote(CKPT_PREFIX) + "([0-9]{" + CKPT_MIN_DIGITS + "," + digits + "})"
                + Pattern.quote(CKPT_SUFFIX));
    }

    private RuntimeContract() {}
}
