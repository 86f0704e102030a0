package dev.talent.migrate;

/**
 * The steps of one migration, in order. A failure names the step; what rollback does depends on whether the
 * source program had already stopped ({@link #afterStop()}).
 */
public enum Step {
    /** The destination container is created (runc create) and its replica of the workdir brought up to date. */
    PREPARE("prepare"),
    /**
     * Pre-copy (talent run --precopy): while the source program runs, copy-on-write images of it are taken and the
     * newest is handed to the destination; a failure leaves the program running on the source.
     */
    PRECOPY("precopy"),
    /**
     * The wait for the source program to reach its safe point once it was asked to stop. Its failures (the program
     * does not reach a site in time, or its checkpoint cannot be written) come before the stop and are named
     * {@link #CHECKPOINT}, as they always were; this label names the fault a fleet injects there
     * ({@code talent migrate --inject-fault safepoint}: the program is not asked to stop, so the wait times out).
     */
    SAFE_POINT("safepoint"),
    /**
     * The source program is asked to stop at its next site, writes its checkpoint and exits 75; talent accepts the
     * checkpoint (a refusal comes after the stop: it rolls back).
     */
    CHECKPOINT("checkpoint"),
    /** The changes since the last pre-sync, and the checkpoint, are copied to the destination and verified. */
    SYNC("sync"),
    /** The prepared destination container is started (runc start). */
    START("start"),
    /** The destination restores the checkpoint and reports that the program runs again. */
    RESTORE("restore");

    private final String label;

    Step(String label) { this.label = label; }

    /** The name used in logs, errors and {@code --inject-fault}. */
    public String label() { return label; }

    /**
     * Whether the source program has always stopped when this step fails (a failure then restarts it from the
     * newest accepted checkpoint); a CHECKPOINT failure may come before the stop (the program runs on) or after it,
     * when the checkpoint is refused (rollback).
     */
    public boolean afterStop() { return this == SYNC || this == START || this == RESTORE; }

    public static Step parse(String label) {
        for (Step s : values()) {
            if (s.label.equals(label)) return s;
        }
        throw new IllegalArgumentException("unknown migration step '" + label + "'; steps: prepare precopy safepoint checkpoint sync start restore");
    }
}
