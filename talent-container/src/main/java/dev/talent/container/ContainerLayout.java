package dev.talent.container;

/** Paths inside every talent container (the same on every platform, so a checkpoint's paths stay valid). */
public final class ContainerLayout {

    /** The app's working directory (the replica of the workdir), read-write; the program's cwd. */
    public static final String WORKDIR = "/work";
    /** The checkpoint directory, read-write. */
    public static final String CHECKPOINT_DIR = "/talent/ck";
    /** The runtime's event FIFO or file, read-write. */
    public static final String EVENT_FILE = "/talent/events";
    /** The FIFO a container started ahead waits on for its go (read-only; only with {@link ContainerSpec#awaitGo()}). */
    public static final String GO_FILE = "/talent/go";
    /**
     * Where talent's init records how the program ended (bound read-write from the container's bundle, so the record
     * outlives the process that started the container; see {@link ContainerExit}).
     */
    public static final String EXIT_DIR = "/talent/exit";
    /** talent's init, pid 1 of the container; it runs the program as its child. */
    public static final String INIT = "/talent/init";
    /** Read-only directory holding the program (under its name) and, for a foreign ISA, the emulator. */
    public static final String BIN = "/talent/bin";

    private ContainerLayout() {}
}
