package dev.talent.container;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.talent.base.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls that let this JVM own its containers' processes, through the FFM API. After {@code runc create}
 * exits, the container's init is orphaned; with this JVM a child subreaper it is re-parented here, so its exit
 * status can be collected with {@code waitid}/{@code waitpid} on that one pid (never {@code -1}, which would
 * steal the exit statuses of the JDK's own child processes).
 *
 * <p>The numeric constants are Linux's generic ones, identical on every host ISA talent runs on.
 */
@SuppressWarnings("restricted") // calling libc through FFM is this class's purpose; the JVM is run with --enable-native-access
final class ProcessControl {

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int EINTR = 4;
    private static final int ESRCH = 3;
    /** sizeof(siginfo_t) on Linux, every ISA. */
    private static final long SIGINFO_SIZE = 128;


    // prctl(int option, ...): the variadic arguments are unsigned longs.
    private static final MethodHandle PRCTL = Libc.downcall("prctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITID = Libc.downcall("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WAITPID = Libc.downcall("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle KILL = Libc.downcall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private ProcessControl() {}

    /** Makes orphaned descendants (the containers' init processes) this process's children. Process-wide. */
    static void becomeChildSubreaper() throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int result = (int) PRCTL.invokeExact(state, PR_SET_CHILD_SUBREAPER, 1L);
            if (result != 0) throw failure("prctl(PR_SET_CHILD_SUBREAPER)", Libc.errno(state));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Blocks until the child {@code pid} has exited, without reaping it: the zombie keeps the pid reserved, so a
     * signal sent before {@link #reap} cannot reach a new process that reused the number.
     */
    static void awaitExitWithoutReaping(int pid) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            MemorySegment info = arena.allocate(SIGINFO_SIZE);
            while (true) {
                int result = (int) WAITID.invokeExact(state, P_PID, pid, info, WEXITED | WNOWAIT);
                if (result == 0) return;
                int errno = Libc.errno(state);
                if (errno != EINTR) throw failure("waitid(" + pid + ")", errno);
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reaps the exited child {@code pid}; returns its exit status as a shell reports it (128+n for signal n). */
    static int reap(int pid) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                int result = (int) WAITPID.invokeExact(state, pid, status, 0);
                if (result == pid) return exitCode(status.get(JAVA_INT, 0));
                int errno = Libc.errno(state);
                if (errno != EINTR) throw failure("waitpid(" + pid + ")", errno);
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sends a signal; false if no such process exists. */
    static boolean kill(int pid, int signal) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int result = (int) KILL.invokeExact(state, pid, signal);
            if (result == 0) return true;
            int errno = Libc.errno(state);
            if (errno == ESRCH) return false;
            throw failure("kill(" + pid + ", " + signal + ")", errno);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A wait status decoded as a shell does: the exit status, or 128 + the signal that killed the process. */
    static int exitCode(int waitStatus) {
        int signal = waitStatus & 0x7f;
        if (signal == 0) return (waitStatus >> 8) & 0xff;
        if (signal == 0x7f) throw new IllegalArgumentException("wait status " + waitStatus + " is a stop, not an exit");
        return 128 + signal;
    }

    private static NativeCallException failure(String call, int errno) {
        return new NativeCallException(call + " failed: " + describe(errno) + " (errno " + errno + ")", errno);
    }

    static String describe(int errno) {
        return Libc.strerror(errno);
    }
}
