package dev.talent.base;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * libc functions called through FFM with errno captured. A handle from {@link #downcall} takes a call-state segment
 * (allocated from {@link #CALL_STATE}) as its first argument; {@link #errno} reads what the call left there.
 * Callers run with {@code --enable-native-access}.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
public final class Libc {

    public static final Linker LINKER = Linker.nativeLinker();
    /** Allocate one per thread or call and pass it first to a handle from {@link #downcall}. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    /** A handle on libc's {@code name} that captures errno into its first (call state) argument. */
    public static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new IllegalStateException("libc has no " + name)), descriptor, all);
    }

    /** A handle on libc's {@code name} without errno (functions that cannot fail). */
    public static MethodHandle downcallNoErrno(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new IllegalStateException("libc has no " + name)), descriptor, options);
    }

    /** Creates a FIFO at {@code path} with permission bits {@code mode}: 0, or the errno of the failure. */
    public static int mkfifo(Path path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) Fifo.MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), mode);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw new IllegalStateException("mkfifo " + path + ": " + t, t);
        }
    }

    /** Made on first use, so that callers that never create a FIFO do not pay for the handle at start-up. */
    private static final class Fifo {
        static final MethodHandle MKFIFO = downcall("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** The errno a call captured into {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's words for {@code errno} and the number: "No such file or directory (errno 2)". */
    public static String describe(int errno) {
        String text = strerror(errno);
        return text.equals("errno " + errno) ? text : text + " (errno " + errno + ")";
    }

    /** The C library's words for {@code errno} ("No such file or directory"), or "errno N" if it has none. */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
