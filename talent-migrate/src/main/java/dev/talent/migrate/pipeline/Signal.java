package dev.talent.migrate.pipeline;

/** The signals the pipeline sends to a program, by name (each host maps them to its own numbers). */
public enum Signal {
    /** The talent runtime's "checkpoint at the next site and exit 75". */
    CHECKPOINT_AND_EXIT,
    /** The talent runtime's "take a pre-copy image by fork and keep running" (runtime key precopy). */
    PRECOPY_ROUND,
    /** Ends the program (SIGTERM). */
    TERMINATE,
    /** Kills the program at once (SIGKILL). */
    KILL
}
