/* contract.h: what the runtime and talent's Java side must agree on. Its Java twin is
 * talent-format's dev.talent.format.RuntimeContract: each TL_<NAME> here is <NAME> there, and
 * talent-runtime's RuntimeContractHeaderTest fails when a name or a value differs. Change both together;
 * code on either side refers to these names, never to the bare numbers or strings. Plain #defines only. */
#ifndef TALENT_CONTRACT_H
#define TALENT_CONTRACT_H

/* Exit statuses (sysexits.h values) */
#define TL_EXIT_USAGE 64      /* malformed TALENT_* configuration */
#define TL_EXIT_DATAERR 65    /* checkpoint cannot be restored here */
#define TL_EXIT_NOINPUT 66    /* no valid checkpoint found */
#define TL_EXIT_SOFTWARE 70   /* internal error, or a state talent cannot checkpoint */
#define TL_EXIT_IOERR 74      /* the program's output cannot be flushed (before a checkpoint or exit 75) */
#define TL_EXIT_CHECKPOINT 75 /* checkpoint written */

/* Environment keys */
#define TL_ENV_CHECKPOINT_DIR "TALENT_CHECKPOINT_DIR"
#define TL_ENV_STOP_AFTER "TALENT_STOP_AFTER"
#define TL_ENV_RESTART "TALENT_RESTART"
#define TL_ENV_KEEP "TALENT_KEEP"
#define TL_ENV_EVERY_VISITS "TALENT_EVERY_VISITS"
#define TL_ENV_EVERY_SECONDS "TALENT_EVERY_SECONDS"
#define TL_ENV_VERBOSE "TALENT_VERBOSE"
#define TL_ENV_PLATFORM "TALENT_PLATFORM"
#define TL_ENV_EVENT_FILE "TALENT_EVENT_FILE"
#define TL_ENV_RESTORE_FILE "TALENT_RESTORE_FILE"
#define TL_ENV_FAULT "TALENT_FAULT"
#define TL_ENV_FSYNC "TALENT_FSYNC"
#define TL_ENV_PRECOPY "TALENT_PRECOPY"
#define TL_ENV_DIRTY "TALENT_DIRTY"
#define TL_ENV_CONFIG "TALENT_CONFIG"
#define TL_ENV_EARLY_REQUEST "TALENT_EARLY_REQUEST"
#define TL_ENV_RESTORE_BELOW "TALENT_RESTORE_BELOW"
#define TL_ENV_AWAIT_GO "TALENT_AWAIT_GO"
/* What a restart waiting for its go does meanwhile (ahead.c): populate (default), base or off */
#define TL_ENV_AHEAD "TALENT_AHEAD"
#define TL_AHEAD_POPULATE "populate"
#define TL_AHEAD_BASE "base"
#define TL_AHEAD_OFF "off"
/* The one line (this word and a newline) that releases a restart waiting on TALENT_AWAIT_GO (go.c) */
#define TL_GO_MESSAGE "go"
/* A line before the go naming the pre-copy image put in the checkpoint directory: this word, a space, the file name */
#define TL_GO_BASE_WORD "base"

/* Event lines: "<word> <fields>" */
#define TL_EVENT_STARTED "started"
#define TL_EVENT_READY "ready"
#define TL_EVENT_CHECKPOINT "checkpoint"
#define TL_EVENT_CHECKPOINT_FAILED "checkpoint-failed"
#define TL_EVENT_EXITING "exiting"
#define TL_EVENT_PRECOPY "precopy"
/* A restart started ahead restored a base ahead (ahead.c): "ahead <file> <bytes decoded>" (0: not usable) */
#define TL_EVENT_AHEAD "ahead"
#define TL_EVENT_MAX_LINE 256 /* the longest line the orchestrator accepts, newline excluded */

/* Checkpoint files: TL_CKPT_PREFIX, the sequence in at least TL_CKPT_MIN_DIGITS digits, TL_CKPT_SUFFIX;
 * being written: "." + that name + TL_CKPT_TEMP_SUFFIX */
#define TL_CKPT_PREFIX "ckpt-"
#define TL_CKPT_SUFFIX ".tck"
#define TL_DELTA_SUFFIX ".tdl"
#define TL_CKPT_MIN_DIGITS 6
#define TL_CKPT_TEMP_SUFFIX ".tmp"

/* Pointer tags (docs/FORMAT.md) */
#define TL_PTR_NULL 0
#define TL_PTR_OBJECT 1
#define TL_PTR_STRING 2
#define TL_PTR_STREAM 3
#define TL_PTR_FUNCTION 4
#define TL_PTR_OPEN_STREAM 5
#define TL_PTR_INDETERMINATE 6
/* FUNCPTR values only (never data pointer tags): the C library's handler constants, which are no function */
#define TL_PTR_SIG_IGN 7
#define TL_PTR_SIG_ERR 8
/* Format major 4 only: an address that is both the start of one object and one past the end of another (two separate
 * objects side by side on the writer), written as both readings; a reader whose layout puts them apart refuses it */
#define TL_PTR_BOUNDARY 9
/* Format major 5 only: an address in no object just below the start of an array object (a global, a frame variable or
 * a heap block): `count` elements of the element the OBJECT payload's path names, below that element (FORMAT.md
 * "Pointers"); count times the writer's size of that element is at most TL_BELOW_START_BYTES */
#define TL_PTR_BELOW 10
#define TL_BELOW_START_BYTES 16
/* Format major 6 only: a number kept in a pointer (`(void *)3`, a `(void *)-1` sentinel), never an address on any
 * supported platform: i64 value, 1 to TL_NUMBER_PTR_LOW or -TL_NUMBER_PTR_HIGH to -1 (FORMAT.md "Pointers") */
#define TL_PTR_NUMBER 11
#define TL_NUMBER_PTR_LOW 65535
#define TL_NUMBER_PTR_HIGH 4095

/* The standard streams of TL_PTR_STREAM */
#define TL_STREAM_STDIN 0
#define TL_STREAM_STDOUT 1
#define TL_STREAM_STDERR 2

/* Object kinds of TL_PTR_OBJECT */
#define TL_OBJ_GLOBAL 1
#define TL_OBJ_FRAME 2
#define TL_OBJ_HEAP 3
#define TL_OBJ_ARGV 4
#define TL_OBJ_ARGSTR 5

/* FILE section entries: kinds, access modes, flag bits */
#define TL_FILE_DESCRIPTOR 1
#define TL_FILE_STREAM 2
#define TL_FILE_LISTEN 3
#define TL_FILE_STDIN 4
#define TL_FILE_STD_DUP 5
#define TL_FILE_TCP 6 /* an established TCP connection, handed over to talent (tcp_handoff.c) */
#define TL_FILE_ACCESS_READ_ONLY 0
#define TL_FILE_ACCESS_WRITE_ONLY 1
#define TL_FILE_ACCESS_READ_WRITE 2
#define TL_FILE_FLAG_APPEND 1u
#define TL_FILE_FLAG_CLOEXEC 2u
#define TL_FILE_FLAG_NONBLOCK 4u
#define TL_FILE_FLAG_V6ONLY 8u     /* kind 3 with a tcp6/udp6 address only: IPV6_V6ONLY was on */
#define TL_FILE_FLAG_REUSEPORT 16u /* kind 3 only: SO_REUSEPORT was on */
#define TL_FILE_FLAG_OPTIONS 32u   /* kinds 3 and 6 only: its listen backlog and options are an entry of SOPT (sockopts.c) */
#define TL_FILE_FLAG_CONTENTS 64u  /* kinds 1 and 2 only: a file with no name left (tmpfile, unlinked): its contents are an
                                    * entry of TMPF (files.c) */
/* TMPF: the contents of the files without a name that one checkpoint carries, at most this many bytes in all */
#define TL_TMPF_MAX 67108864

/* SOPT section (the backlog and options of the sockets of FILE kinds 3 and 6, sockopts.c): option codes, the same on every
 * ISA and C library (mapped to this platform's SOL_ and SO_/TCP_/IP_/IPV6_ constants by name), and the bounds */
#define TL_SOPT_REUSEADDR 1
#define TL_SOPT_KEEPALIVE 2
#define TL_SOPT_RCVBUF 3        /* the value the program set (the kernel reports it doubled) */
#define TL_SOPT_SNDBUF 4        /* likewise */
#define TL_SOPT_LINGER 5        /* a: l_onoff 0/1, b: l_linger seconds */
#define TL_SOPT_RCVLOWAT 6
#define TL_SOPT_BROADCAST 7
#define TL_SOPT_PRIORITY 8
#define TL_SOPT_RCVTIMEO 9      /* a: seconds, b: microseconds */
#define TL_SOPT_SNDTIMEO 10     /* likewise */
#define TL_SOPT_OOBINLINE 11
#define TL_SOPT_TCP_NODELAY 12
#define TL_SOPT_TCP_KEEPIDLE 13
#define TL_SOPT_TCP_KEEPINTVL 14
#define TL_SOPT_TCP_KEEPCNT 15
#define TL_SOPT_TCP_DEFER_ACCEPT 16
#define TL_SOPT_TCP_FASTOPEN 17 /* a listener's Fast Open queue length */
#define TL_SOPT_TCP_MAXSEG 18
#define TL_SOPT_TCP_USER_TIMEOUT 19
#define TL_SOPT_IP_TOS 20       /* IPv4 sockets only */
#define TL_SOPT_IP_TTL 21       /* IPv4 sockets only */
#define TL_SOPT_IPV6_TCLASS 22  /* IPv6 sockets only */
#define TL_SOPT_IPV6_UNICAST_HOPS 23 /* IPv6 sockets only */
#define TL_SOPT_TCP_NOTSENT_LOWAT 24 /* tcp; as a two's complement int (the kernel's default, UINT_MAX, is -1) */
#define TL_SOPT_MAX_CODE 24
#define TL_SOPT_FLAG_BACKLOG 1u /* the entry carries the backlog the program passed to listen() */

/* EPOL section (epoll instances and their registrations): which member of epoll_data the program wrote (the
 * compiler passes it to talent_epoll_ctl), the flag bits, and the bounds both readers enforce */
#define TL_EPOLL_DATA_INT32 1   /* data.fd or data.u32: a 32-bit value */
#define TL_EPOLL_DATA_U64 2     /* data.u64 */
#define TL_EPOLL_DATA_POINTER 3 /* data.ptr: written with the pointer encoding */
#define TL_EPOLL_FLAG_CLOEXEC 1u
#define TL_EPOLL_REG_DISARMED 1u /* an EPOLLONESHOT registration that fired and was not re-armed */
#define TL_EPOLL_MAX_INSTANCES 1024
#define TL_EPOLL_MAX_WATCHES 65536
/* EDUP section (more descriptors of the EPOL instances: dup, dup2, dup3, fcntl F_DUPFD): at most this many */
#define TL_EPOLL_MAX_COPIES 1024

/* SIGS section (the program's signal dispositions, sigdisp.c): signal numbers are Linux's generic numbering
 * (1 SIGHUP .. 31 SIGSYS; a mask is the portable signal word below), the same on x86_64, aarch64, s390x, i686 and
 * riscv64; flags are talent's own bits, mapped to and from each platform's SA_* values */
#define TL_SIGS_MAX_SIGNAL 31
#define TL_SIGS_IGNORE 1        /* SIG_IGN */
#define TL_SIGS_HANDLER 2       /* a function of the program, by name */
#define TL_SIGS_FLAG_RESTART 1u
#define TL_SIGS_FLAG_SIGINFO 2u
#define TL_SIGS_FLAG_NODEFER 4u
#define TL_SIGS_FLAG_RESETHAND 8u
#define TL_SIGS_FLAGS 15u
#define TL_SIGS_OWN_MASK 4459264u /* bits 8, 9, 11, 18, 22: SIGUSR1, SIGUSR2, SIGURG and SIGKILL, SIGSTOP: never carried */
/* The global "<libc>:itimers" (interval timers, itimers.c): each time's seconds and microseconds, bounded by both
 * readers (10 years of 365.25 days at most; microseconds below a second) */
#define TL_ITIMERS_KEY "<libc>:itimers"
#define TL_ITIMERS_MAX_SEC 315576000
#define TL_ITIMERS_USEC_LIMIT 1000000
/* The global "<libc>:cwd" (the working directory, cwd.c): the size of its path, NUL included; both readers check it
 * (FORMAT.md "GLOB") */
#define TL_CWD_KEY "<libc>:cwd"
#define TL_CWD_MAX 4096
/* The global "<libc>:sigmask" (the signals the program blocked, sigdisp.c): talent's portable signal set; both readers
 * refuse one naming SIGKILL or SIGSTOP (TL_SIGMASK_NEVER: no process can block them). talent's own signals (SIGUSR1,
 * SIGUSR2, SIGURG, SIGRTMIN+2) are carried like any other since 2026-12-06: the program blocked them, and reads its
 * mask back. */
#define TL_SIGMASK_KEY "<libc>:sigmask"
#define TL_SIGMASK_NEVER 262400u /* bits 8, 18: SIGKILL, SIGSTOP */
/* The global "<libc>:streams" (the buffering mode and orientation of the program's streams, streammodes.c): at most
 * TL_STREAMS_MAX entries; a stream by number (0-2 stdin, stdout, stderr; 3 + i the FILE section's entry i, at most
 * TL_STREAMS_MAX_NUMBER); a mode (0 as the C library set it, 1 _IOFBF, 2 _IOLBF, 3 _IONBF), a size (at most
 * TL_STREAMS_MAX_SIZE, 0 unless the mode is 1 or 2), an orientation (-1 byte, 0 none, 1 wide), the program's own
 * buffer (a pointer to an object, only with mode 1 or 2 and a size); checked by both readers (FORMAT.md "GLOB") */
#define TL_STREAMS_KEY "<libc>:streams"
#define TL_STREAMS_MAX 16
#define TL_STREAMS_MAX_NUMBER 65538
#define TL_STREAMS_MAX_SIZE 1073741824
#define TL_STREAMS_FULL 1
#define TL_STREAMS_LINE 2
#define TL_STREAMS_NONE 3
/* The global "<libc>:pending" (the bytes stdout and stderr held unwritten at the checkpoint, pending.c): a count of
 * stdout's bytes and one array of 1 to 2 * TL_PENDING_MAX bytes, stdout's then stderr's, at most TL_PENDING_MAX of
 * each; written only when a byte is pending; checked by both readers (FORMAT.md "GLOB") */
#define TL_PENDING_KEY "<libc>:pending"
#define TL_PENDING_MAX 65536
/* The globals of the process's attributes and of inet_ntoa's result (libc_state.c, foreign.c), checked by both readers
 * by structure and value (FORMAT.md "GLOB"): the mask at most 0777; nine limits, soft at most hard where changed; the
 * rounding mode 0 to 3, the flags five bits; the nice value -20 to 19; the name and inet_ntoa's text NUL-terminated in
 * 16 chars, inet_ntoa's only digits and dots, NULs after */
#define TL_UMASK_KEY "<libc>:umask"
#define TL_UMASK_MAX 511
#define TL_RLIMITS_KEY "<libc>:rlimits"
#define TL_RLIMITS_COUNT 9
#define TL_FENV_KEY "<libc>:fenv"
#define TL_FENV_ROUND_MAX 3
#define TL_FENV_FLAGS 31
#define TL_NICE_KEY "<libc>:nice"
#define TL_NICE_LIMIT 20 /* -20 to 19 */
#define TL_COMM_KEY "<libc>:comm"
#define TL_COMM_MAX 16
#define TL_INET_NTOA_KEY "<libc>:inet_ntoa"
#define TL_INET_NTOA_MAX 16
#define TL_INET_NTOA_DIGITS "0123456789."
/* The results of l64a and ether_ntoa, kept in the runtime's storage (foreign.c) and carried: each a text
 * NUL-terminated in its array, NULs after; l64a's of the characters "./0-9A-Za-z" (6 at most are written),
 * ether_ntoa's of hex digits and colons (17 at most are written: "FF:FF:FF:FF:FF:FF") */
#define TL_L64A_KEY "<libc>:l64a"
#define TL_L64A_MAX 8
#define TL_L64A_DIGITS "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define TL_ETHER_NTOA_KEY "<libc>:ether_ntoa"
#define TL_ETHER_NTOA_MAX 24
#define TL_ETHER_NTOA_DIGITS "0123456789abcdefABCDEF:"
/* The results of ecvt and fcvt, likewise: digits (or "inf"/"nan" in either case), NUL-terminated in their arrays;
 * ecvt writes 20 at most (glibc; musl 16), fcvt 1400 at most (musl's buffer; glibc's 328) */
#define TL_ECVT_KEY "<libc>:ecvt"
#define TL_ECVT_MAX 32
#define TL_FCVT_KEY "<libc>:fcvt"
#define TL_FCVT_MAX 1408
#define TL_CVT_DIGITS "0123456789infaINFA"
/* tmpnam(NULL)'s result, likewise (tmpnam.c, foreign.c): a path of the C library's temporary directory, glibc's
 * "/tmp/fileXXXXXX" and musl's "/tmp/tmpnam_XXXXXX" (L_tmpnam, 20 with the NUL, in both) */
#define TL_TMPNAM_KEY "<libc>:tmpnam"
#define TL_TMPNAM_MAX 24
#define TL_TMPNAM_CHARS "/_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
/* ether_aton's result (foreign.c): a struct ether_addr, carried as its six octets, each 0 to 255 */
/* strerror's and strsignal's text for a number without one of its own ("Unknown error 9999", "Real-time signal 3",
 * "Unknown signal 99"), likewise in the runtime's storage (strerror.c, foreign.c): words, a space, a sign, digits */
#define TL_STRERROR_KEY "<libc>:strerror"
#define TL_STRSIGNAL_KEY "<libc>:strsignal"
#define TL_UNKNOWN_TEXT_MAX 48
#define TL_UNKNOWN_TEXT_CHARS " -0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define TL_ETHER_ATON_KEY "<libc>:ether_aton"
#define TL_ETHER_ATON_SIZE 6
/* ENVI section (the environment and locale the program changed, env.c): a variable's operation, the locale
 * category numbers (the format's, not a C library's LC_* values), and the bounds both readers enforce */
#define TL_ENV_SET 1
#define TL_ENV_UNSET 2
#define TL_ENV_MAX_VARS 4096
#define TL_ENV_MAX_NAME 1024
#define TL_ENV_MAX_VALUE 131072
#define TL_ENV_MAX_TOTAL 1048576
#define TL_LOCALE_CTYPE 1
#define TL_LOCALE_NUMERIC 2
#define TL_LOCALE_TIME 3
#define TL_LOCALE_COLLATE 4
#define TL_LOCALE_MONETARY 5
#define TL_LOCALE_MESSAGES 6
#define TL_LOCALE_PAPER 7
#define TL_LOCALE_NAME 8
#define TL_LOCALE_ADDRESS 9
#define TL_LOCALE_TELEPHONE 10
#define TL_LOCALE_MEASUREMENT 11
#define TL_LOCALE_IDENTIFICATION 12
#define TL_LOCALE_MAX_CATEGORY 12
#define TL_LOCALE_MAX_NAME 64

/* A signal set's portable word (sigtypes.h; SIGS masks, sigset_t values): bit 31 = every real-time signal */
#define TL_SIGSET_ALL_REALTIME_BIT 31

/* sa_flags of a struct sigaction value (sigtypes.c): talent's bits for the POSIX flags, a 7-bit member */
#define TL_SA_NOCLDSTOP 1u
#define TL_SA_NOCLDWAIT 2u
#define TL_SA_SIGINFO 4u
#define TL_SA_ONSTACK 8u
#define TL_SA_RESTART 16u
#define TL_SA_NODEFER 32u
#define TL_SA_RESETHAND 64u

/* A pthread_mutex_t value (mutextype.c): the STRUCT of that name has one member, kind, whose value is at most this
 * (0 default, 1 recursive, 2 error-checking); a larger one is refused by both readers */
#define TL_MUTEX_TYPE_NAME "pthread_mutex_t"
#define TL_MUTEX_KIND_MAX 2

/* Checkpoint format major versions (FORMAT.md "Header"): a file is written with the lowest major that describes it;
 * 2 when it holds ERRN, a section a 1.x reader would skip (it refuses any other major instead) */
#define TL_FORMAT_MAJOR 1
#define TL_FORMAT_MAJOR_ERRNO 2
/* 3 when its TYPE section holds a union: every union value then names the member that carries it (ERRN optional) */
#define TL_FORMAT_MAJOR_UNIONS 3
/* A union value's u32 member field (major 3): the member's number in its low TL_UNION_MEMBER_BITS bits; the bit above
 * them set when another member that carries the same bytes would read them differently on an ISA of the other byte
 * order (a reader of the other byte order refuses it; FORMAT.md "Values") */
#define TL_UNION_MEMBER_BITS 31
/* 4: as 3 (union values name their member), and a data pointer may be TL_PTR_BOUNDARY */
#define TL_FORMAT_MAJOR_BOUNDARY 4
/* 5: as 4, and a data pointer may be TL_PTR_BELOW */
#define TL_FORMAT_MAJOR_BELOW 5
/* 6: as 5, and a data pointer may be TL_PTR_NUMBER */
#define TL_FORMAT_MAJOR_NUMBERS 6
/* ERRN section: the program's errno as a format code (Linux's generic number of its name; errno_codes.h), 1 to this */
#define TL_ERRNO_MAX_CODE 133

/* HEAP section flag: a block whose type is not known */
#define TL_HEAP_UNTYPED 1u
/* HEAP section flag: one element (count 1) of a struct whose last member array holds what the block held after the
 * struct's other members (a flexible array member or the struct hack; FORMAT.md "HEAP") */
#define TL_HEAP_TRAILING 2u
/* HEAP section flag, only with TL_HEAP_UNTYPED: the raw bytes depend on the writer's byte order only, not on its pointer
 * width (every view of the block was a fixed-width integer type of 1, 2 or 4 bytes, or an array or struct of such;
 * FORMAT.md "HEAP") */
#define TL_HEAP_BYTE_ORDER 4u

#endif
