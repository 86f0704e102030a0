package dev.talent.container;

import dev.talent.base.FileTrees;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One container of a {@link ContainerHost}: created by {@code runc create} (namespaces and mounts ready, the
 * init process waiting), then {@link #start() started}, then deleted. Its process is a child of this JVM (a
 * child subreaper), watched by one dedicated thread, so the exit is seen the moment it happens.
 *
 * <p>{@link #pid()} is the host pid of the container's init, which runs the program as its only child and
 * forwards every signal to it; the exit status is the program's (128 + n when signal n killed it).
 */
public final class Container implements AutoCloseable {

    /** How long {@link #delete()} waits for a killed container's process to be gone. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final int ERROR_TAIL_LINES = 20;

    public enum State { CREATED, RUNNING, EXITED, DELETED }

    private final ContainerHost host;
    private final ContainerSpec spec;
    private final OciBundle bundle;
    private final Path logFile;
    private final int pid;
    private final LogForwarder forwarder;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Guards {@link #reaped}: once the pid is reaped the number may belong to another process, so no kill. */
    private final Object processLock = new Object();
    private boolean reaped;
    private volatile boolean started;
    private volatile boolean deleted;

    private final Optional<NetworkSlot> network;
    /** The go FIFO of a container started ahead, else null. */
    private final GoFifo go;

    private Container(ContainerHost host, ContainerSpec spec, OciBundle bundle, Path logFile, int pid, LogForwarder forwarder,
                      Optional<NetworkSlot> network) {
        this.network = network;
        this.host = host;
        this.spec = spec;
        this.bundle = bundle;
        this.logFile = logFile;
        this.pid = pid;
        this.forwarder = forwarder;
        this.go = spec.awaitGo() ? new GoFifo(bundle.goFifo()) : null;
    }

    /**
     * A container whose {@code runc create} has exited: its init is then already re-parented to this JVM, so
     * waiting for it can begin (a waitid before that would fail with ECHILD).
     */
    static Container created(ContainerHost host, ContainerSpec spec, OciBundle bundle, Path logFile, int pid,
                             LogForwarder forwarder, Optional<NetworkSlot> network) {
        Container container = new Container(host, spec, bundle, logFile, pid, forwarder, network);
        Thread.ofPlatform().daemon().name("talent-wait-" + spec.id()).start(container::awaitProcess);
        return container;
    }

    private void awaitProcess() {
        try {
            ProcessControl.awaitExitWithoutReaping(pid);
            int code;
            synchronized (processLock) {
                code = ProcessControl.reap(pid);
                reaped = true;
            }
            // Everything the container wrote is forwarded before anyone learns that it exited.
            forwarder.finish();
            exit.complete(code);
        } catch (NativeCallException e) {
            exit.completeExceptionally(new ContainerException("cannot wait for container " + spec.id()
                    + " (pid " + pid + "): " + e.getMessage(), e));
        } catch (RuntimeException | Error e) {
            exit.completeExceptionally(e);
            throw e;
        }
    }

    public String id() { return spec.id(); }

    public Platform platform() { return spec.platform(); }

    /** The container's own network (talent run --net): empty when it shares the host's. */
    public Optional<NetworkSlot> network() { return network; }

    public ContainerSpec spec() { return spec; }

    /** Host pid of the container's init (pid 1 inside); the program is its child. */
    public int pid() { return pid; }

    /** The container's stderr (and runc's messages about it), kept after {@link #delete()}. */
    public Path logFile() { return logFile; }

    public Path bundleDirectory() { return bundle.dir(); }

    public State state() {
        if (deleted) return State.DELETED;
        if (exit.isDone()) return State.EXITED;
        return started ? State.RUNNING : State.CREATED;
    }

    /**
     * Starts the program: only {@code runc start} (a few milliseconds), everything else was prepared by
     * {@code runc create}.
     */
    public void start() throws ContainerException, IOException, InterruptedException {
        if (deleted) throw new IllegalStateException("container " + id() + " was deleted");
        if (started) throw new IllegalStateException("container " + id() + " was already started");
        CapturedRun run = host.commands().start(id());
        if (run.exitCode() != 0) {
            String tail = LogTail.lastLines(run.stderr(), ERROR_TAIL_LINES) + "\n" + logTail(ERROR_TAIL_LINES);
            throw new ContainerException("runc start failed for container " + id() + " (" + platform()
                    + ", exit status " + run.exitCode() + "); runc and container output below", tail);
        }
        started = true;
    }

    /** Whether this container's runtime, once started, waits for {@link #go()} before it reads a checkpoint. */
    public boolean awaitsGo() { return go != null; }

    /**
     * For a container started ahead: returns once its runtime waits for the go (talent holds the FIFO's write end
     * then), polling every millisecond or two for at most {@code timeout}.
     *
     * @throws ContainerException the program exited, or did not come to wait within the timeout
     */
    public void awaitWaitingForGo(Duration timeout) throws ContainerException, InterruptedException {
        if (go == null) throw new IllegalStateException("container " + id() + " does not wait for a go");
        if (!started) throw new IllegalStateException("container " + id() + " was not started");
        long by = System.nanoTime() + timeout.toNanos();
        try {
            // (the write end may be open from an earlier check: the exit is what tells that nobody reads it any more)
            while (exit.isDone() || !go.open()) {
                if (exit.isDone()) {
                    throw new ContainerException("container " + id() + " (" + platform() + ") ended before it waited for"
                            + " its go (exit status " + exitCode().orElse(-1) + ")", logTail(ERROR_TAIL_LINES));
                }
                if (System.nanoTime() - by > 0) {
                    throw new ContainerException("container " + id() + " (" + platform() + ") does not wait for its go "
                            + "after " + timeout.toMillis() + " ms", logTail(ERROR_TAIL_LINES));
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw new ContainerException("container " + id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lets the runtime of a container started ahead go on: it reads its checkpoint and restores it. A few
     * microseconds (one write), against {@link #start()}'s runc process and the program's own start.
     *
     * @throws ContainerException the runtime does not wait (it exited, or was never started)
     */
    public void go() throws ContainerException {
        if (go == null) throw new IllegalStateException("container " + id() + " does not wait for a go");
        try {
            if (!go.open()) throw new ContainerException("container " + id() + " (" + platform() + ") does not wait for"
                    + " its go" + (exit.isDone() ? " (it exited with status " + exitCode().orElse(-1) + ")" : ""),
                    logTail(ERROR_TAIL_LINES));
            go.send();
        } catch (IOException e) {
            throw new ContainerException("cannot give container " + id() + " (" + platform() + ") its go: "
                    + e.getMessage(), logTail(ERROR_TAIL_LINES), e);
        }
    }

    /**
     * For a container started ahead and waiting for its go: names the pre-copy image {@code image}, put in its
     * checkpoint directory, on its go FIFO, so that its runtime (with {@code TALENT_AHEAD=base}) restores it ahead and
     * then writes the event {@code ahead <image> <bytes>}. Nothing is decided by it: at the go the runtime restores
     * its checkpoint as always and uses what it decoded ahead only where the stop's delta takes those very bytes.
     *
     * @throws ContainerException the runtime does not wait (it exited), or the line could not be written
     */
    public void restoreAhead(String image) throws ContainerException {
        if (go == null) throw new IllegalStateException("container " + id() + " does not wait for a go");
        try {
            if (!go.open()) throw new ContainerException("container " + id() + " (" + platform() + ") does not wait for"
                    + " its go" + (exit.isDone() ? " (it exited with status " + exitCode().orElse(-1) + ")" : ""),
                    logTail(ERROR_TAIL_LINES));
            go.sendBase(image);
        } catch (IOException e) {
            throw new ContainerException("cannot name base " + image + " to container " + id() + " (" + platform() + "): "
                    + e.getMessage(), logTail(ERROR_TAIL_LINES), e);
        }
    }

    /**
     * Sends a signal (host numbering) to the container's init, which forwards it to the program. Returns false
     * when the container has already exited (nothing was sent).
     */
    public boolean signal(int signal) throws ContainerException {
        synchronized (processLock) {
            if (reaped) return false;
            try {
                return ProcessControl.kill(pid, signal);
            } catch (NativeCallException e) {
                throw new ContainerException("cannot send signal " + signal + " to container " + id() + " (pid " + pid
                        + "): " + e.getMessage(), e);
            }
        }
    }

    /** Completes with the exit status once the container's process has exited and its stderr was forwarded. */
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    /** The exit status if the container has exited. */
    public OptionalInt exitCode() {
        Integer code = exit.isDone() && !exit.isCompletedExceptionally() ? exit.join() : null;
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** Waits at most {@code timeout} for the exit; empty when the container is still running then. */
    public OptionalInt awaitExit(Duration timeout) throws ContainerException, InterruptedException {
        try {
            return OptionalInt.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return OptionalInt.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ContainerException c) throw c;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The last {@code lines} lines the container wrote to stderr (with runc's own messages about it). */
    public String logTail(int lines) {
        try {
            return LogTail.read(logFile, lines);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Kills the container if it still runs, removes its runc state and its bundle. Idempotent. The log file
     * stays. Killing is done here rather than by {@code runc delete --force}, which polls for the death in
     * 100 ms steps, while this JVM learns of it at once.
     */
    public void delete() throws ContainerException, IOException, InterruptedException {
        delete(false);
    }

    /**
     * {@link #delete()} with runc at the lowest CPU priority: for a container nothing waits for any more (the source
     * of a committed move), removed on a thread of its own while other work has the processors.
     */
    public void deleteAtLowPriority() throws ContainerException, IOException, InterruptedException {
        delete(true);
    }

    private void delete(boolean lowPriority) throws ContainerException, IOException, InterruptedException {
        synchronized (this) {
            if (deleted) return;
            if (go != null) go.close();
            if (!exit.isDone()) {
                signal(Signals.SIGKILL);
                try {
                    exit.get(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // runc delete --force below kills and waits on its own
                }
            }
            CapturedRun run = lowPriority ? host.commands().deleteAtLowPriority(id()) : host.commands().delete(id());
            if (run.exitCode() != 0 && !run.stderr().contains("does not exist")) {
                throw new ContainerException("runc delete failed for container " + id() + " (exit status "
                        + run.exitCode() + "); its state is in " + host.commands().root(), run.stderr());
            }
            forwarder.finish(); // already done by the waiter thread unless waiting failed
            FileTrees.deleteRecursively(bundle.dir());
            if (network.isPresent()) network.get().close();
            deleted = true;
        }
        host.forget(this);
    }

    /** {@link #delete()}, for try-with-resources. */
    @Override
    public void close() throws ContainerException, IOException {
        try {
            delete();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerException("interrupted while deleting container " + id(), e);
        }
    }

    @Override
    public String toString() { return "container " + id() + " (" + platform() + ", pid " + pid + ", " + state() + ")"; }
}
