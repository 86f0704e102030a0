package dev.talent.format;

import java.util.Optional;

/**
 * The errno values a checkpoint carries ({@code ERRN}, docs/FORMAT.md): each is written as a <em>format code</em>,
 * the number Linux's generic table ({@code asm-generic/errno-base.h}, {@code errno.h}) gives its E-constant, shared
 * by x86_64, aarch64, s390x, riscv64 and i686 with glibc and musl. Codes 1 to {@link RuntimeContract#ERRNO_MAX_CODE};
 * 41 and 58 are no code (the table's other names for EAGAIN and EDEADLK). The C runtime's copy is
 * {@code talent-runtime/src/main/c/errno_codes.h}; talent-runtime's ErrnoCodesHeaderTest fails when the two differ.
 */
public final class ErrnoNames {
    /** Index: the format code; null where the table has none. */
    private static final String[] NAMES = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
            null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI",
            "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR",
            "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM",
            "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
            "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK",
            "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT",
            "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",
            "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
            "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN",
            "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY",
            "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON"
    };

    private ErrnoNames() {}

    /** The E-constant's name of format code {@code code} ({@code ERANGE} for 34); empty when the format has no such code. */
    public static Optional<String> name(int code) {
        return code > 0 && code < NAMES.length ? Optional.ofNullable(NAMES[code]) : Optional.empty();
    }

    /** Whether {@code code} is a format code of an errno value (0, no error, is none). */
    public static boolean isCode(int code) {
        return name(code).isPresent();
    }

    /** The format code of E-constant {@code name}; empty when the format has none. */
    public static Optional<Integer> code(String name) {
        for (int i = 1; i < NAMES.length; i++) if (name.equals(NAMES[i])) return Optional.of(i);
        return Optional.empty();
    }

    /** {@code 34 (ERANGE)}, {@code 0} for no error: how {@code talent inspect} shows a value. */
    public static String text(int code) {
        return code == 0 ? "0" : code + name(code).map(n -> " (" + n + ")").orElse(" (no errno of the format)");
    }
}
