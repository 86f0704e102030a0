package dev.talent.container;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** libc functions called through FFM with errno captured: what {@link ProcessControl} and {@link LinkControl} share. */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class LibcCalls {

    static final Linker LINKER = Linker.nativeLinker();
    /** Allocate one per call and pass it first to a handle from {@link #downcall}; {@link #errno} reads it. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private LibcCalls() {}

    /** A handle on libc's {@code name} that captures errno into its first (call state) argument. */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new IllegalStateException("libc has no " + name)), descriptor, all);
    }

    /** The errno a call captured into {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
