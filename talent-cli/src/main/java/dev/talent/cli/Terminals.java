package dev.talent.cli;

/** Whether progress of long work is shown: only when stderr is a terminal (a log or a pipe gets results only). */
public final class Terminals {
    private Terminals() {}

    public static boolean stderrIsTerminal() {
        return BuildProgress.stderrIsTerminal();
    }
}
