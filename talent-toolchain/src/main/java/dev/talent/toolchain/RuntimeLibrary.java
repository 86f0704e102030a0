package dev.talent.toolchain;

import dev.talent.base.FileTrees;
import dev.talent.runtime.RuntimeSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the C runtime (libtalent.a) for a platform from the sources packaged in talent-runtime, once: the
 * result is cached under {@code <cache>/runtime/<platform>/<key>/} where the key hashes the sources, the flags
 * and the compiler, so a changed runtime or toolchain rebuilds and an unchanged one is reused.
 *
 * <p>Several processes may build at once (tests, parallel builds): every result is written to a private
 * temporary directory and renamed into place, so readers see a complete file or none.
 */
public final class RuntimeLibrary {

    /**
     * Flags of every runtime translation unit (the ISA's required flags are added by the compiler). Warnings are
     * asked for but not fatal: -Werror is a CI gate (RuntimeWarningsIT), so that a warning a newer gcc adds on a
     * user's machine does not break their build.
     */
    public static final List<String> FLAGS = List.of(
            "-std=c99", "-O2", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-ffp-contract=off", "-fsigned-char");
    /**
     * The allocator functions the runtime wraps at link time (heap_track.c defines {@code __wrap_<name>}), so that
     * every allocation is tracked wherever it is written: in a macro, through a {@code malloc} the program declared
     * itself, in uninstrumented code or in the C library. Each exists in glibc and musl.
     */
    public static final List<String> WRAPPED_ALLOCATOR = List.of("malloc", "calloc", "realloc", "free",
            "posix_memalign", "aligned_alloc", "memalign", "valloc", "strdup", "strndup", "malloc_usable_size");
    /**
     * The C library functions the runtime wraps besides the allocator: {@code atexit}, {@code on_exit} and
     * {@code exit} (exit_handlers.c keeps the program's exit handlers in a list a checkpoint carries and runs them at
     * exit, on_exit's with the status exit was given; on_exit is glibc's, the runtime's serves musl too; at_quick_exit's
     * handlers stay the C library's and refuse a checkpoint by name), and those whose
     * state the C library keeps in static storage (libc_state.c: the generators run on a state a checkpoint carries,
     * strtok's position is carried, getopt's globals are carried and a checkpoint in the middle of its parsing is
     * refused, initstate/setstate make checkpoints refused), and regcomp/regfree (regexes.c: the pattern and flags of
     * each compiled regex_t are carried and compiled again at the restore), and gmtime/localtime/asctime/ctime,
     * inet_ntoa, l64a, ether_ntoa, ecvt, fcvt, ether_aton and tmpnam (their static results are the runtime's,
     * carried; tmpnam's wrapper is an archive member of its own, so that only a program calling tmpnam links glibc's
     * tmpnam and its warning), localeconv and the getpwnam/getgrnam family (their results are copied into the runtime's
     * memory, not carried: a pointer kept into one refuses a checkpoint by name; pwgr.c is a member of its own, as
     * glibc's static getpwnam warns), the netdb.h lookups getprotobyname ... getnetent (likewise copied, not
     * carried; netproto.c, netserv.c, nethost.c and netnet.c, a member per family), ptsname (likewise; ptsname.c), and
     * mmap/mmap64/munmap/mremap/mprotect (heap_mapping.c carries anonymous private read-write mappings as heap blocks
     * and foreign.c lists the others: a pointer into one refuses a
     * checkpoint by name; mmap64 is glibc's, a wrap of a name nobody references is harmless), and qsort (sort.c sorts
     * in glibc's order on every platform: musl's keeps equal elements in another order), and strerror, strerror_l,
     * strerror_r, __xpg_strerror_r, strsignal and psignal (strerror.c gives glibc's texts on every platform: musl's
     * differ for most errno values and signals; musl's perror, err/warn and printf's %m reach the wrapped strerror),
     * and gai_strerror, hstrerror, herror and regerror (errtexts.c: glibc's texts, and regerror's sizes, everywhere).
     * Each exists in glibc and musl, but mmap64 (glibc's) and __xpg_strerror_r (glibc's XSI strerror_r).
     */
    public static final List<String> WRAPPED_OTHER = List.of("atexit", "on_exit", "exit", "at_quick_exit", "rand", "srand", "random",
            "srandom", "rand_r", "initstate", "setstate", "drand48", "erand48", "lrand48", "nrand48", "mrand48", "jrand48", "srand48",
            "seed48", "lcong48", "strtok", "getopt", "getopt_long", "getopt_long_only", "regcomp", "regfree", "gmtime", "localtime", "asctime", "ctime",
            "hcreate", "hdestroy", "inet_ntoa", "l64a", "ether_ntoa", "ecvt", "fcvt", "ether_aton", "tmpnam", "localeconv",
            "getpwnam", "getpwuid", "getpwent", "getgrnam", "getgrgid", "getgrent", "getprotobyname", "getprotobynumber", "getprotoent", "getservbyname", "getservbyport", "getservent",
            "gethostbyname", "gethostbyaddr", "gethostent", "getnetbyname", "getnetbyaddr", "getnetent", "ptsname", "mmap", "mmap64",
            "munmap", "mremap", "mprotect", "qsort", "strerror", "strerror_l", "strerror_r", "__xpg_strerror_r", "strsignal", "psignal",
            "gai_strerror", "hstrerror", "herror", "regerror");
    /** The runtime's own library needs, placed after libtalent.a on the link line: libm, the wrapping. */
    public static final List<String> LINK_FLAGS = List.of("-lm", "-Wl,"
            + String.join(",", Stream.concat(WRAPPED_ALLOCATOR.stream(), WRAPPED_OTHER.stream())
                    .map(f -> "--wrap=" + f).toList()));
    public static final String ARCHIVE_NAME = "libtalent.a";

    private final RuntimeSources sources;
    private final Path cacheDirectory;
    private final String sourcesHash;

    private RuntimeLibrary(RuntimeSources sources, Path cacheDirectory) {
        this.sources = sources;
        this.cacheDirectory = cacheDirectory.toAbsolutePath();
        this.sourcesHash = sources.sha256();
    }

    /** The runtime packaged on the class path, cached under {@code cacheDirectory}. */
    public static RuntimeLibrary fromClasspath(Path cacheDirectory) {
        return new RuntimeLibrary(RuntimeSources.fromClasspath(), cacheDirectory);
    }

    public static RuntimeLibrary of(RuntimeSources sources, Path cacheDirectory) {
        return new RuntimeLibrary(sources, cacheDirectory);
    }

    /** The extracted runtime sources (include/ holds talent.h), extracting them on first use. */
    public synchronized Path sourceDirectory() throws IOException {
        Path target = cacheDirectory.resolve("runtime").resolve("src").resolve(sourcesHash.substring(0, 16));
        if (Files.isDirectory(target)) return target;
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), ".extract-");
        sources.extractTo(staging);
        publishDirectory(staging, target);
        return target;
    }

    public Path includeDirectory() throws IOException {
        return sourceDirectory().resolve("include");
    }

    /** The cache key of the platform's archive: sources, flags and the compiler used. */
    public String key(CrossCompiler compiler) {
        return sha256(String.join("\n", sourcesHash, compiler.platform().name(), compiler.compilerPath().toString(),
                String.join(" ", FLAGS), String.join(" ", compiler.platform().isa().requiredCFlags()))).substring(0, 16);
    }

    /** libtalent.a for the compiler's platform, built now unless the cache already has it. */
    public BuiltRuntime build(CrossCompiler compiler) throws ToolFailedException, IOException, InterruptedException {
        Path sourceDir = sourceDirectory();
        Path platformDir = cacheDirectory.resolve("runtime").resolve(compiler.platform().name()).resolve(key(compiler));
        Path archive = platformDir.resolve(ARCHIVE_NAME);
        if (!Files.isRegularFile(archive)) {
            Files.createDirectories(platformDir);
            Path staging = Files.createTempDirectory(platformDir, ".build-");
            try {
                List<String> flags = new ArrayList<>(FLAGS);
                flags.add("-I" + sourceDir.resolve("include"));
                flags.add("-I" + sourceDir);
                List<Path> objects = new ArrayList<>();
                for (String unit : sources.translationUnits()) {
                    Path object = staging.resolve(unit.replace('/', '_').replaceAll("\\.c$", ".o"));
                    compiler.compileObject(sourceDir.resolve(unit), flags, object);
                    objects.add(object);
                }
                Path built = staging.resolve(ARCHIVE_NAME);
                compiler.archive(objects, built);
                moveReplacing(built, archive);
            } finally {
                deleteTree(staging);
            }
        }
        return new BuiltRuntime(compiler.platform(), archive, sourceDir.resolve("include"), LINK_FLAGS);
    }

    private static void publishDirectory(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            // Another process published the same content first (rename(2) reports ENOTEMPTY or EEXIST).
            deleteTree(staging);
            if (!Files.isDirectory(target)) throw e;
        }
    }

    private static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        FileTrees.deleteRecursively(root);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
