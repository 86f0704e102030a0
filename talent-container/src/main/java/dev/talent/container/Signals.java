package dev.talent.container;

/**
 * Signal numbers for {@link Container#signal(int)}. They are the host's (Linux numbers them the same on every
 * ISA talent runs on); qemu-user translates them for a program of another ISA.
 */
public final class Signals {

    public static final int SIGINT = 2;
    public static final int SIGKILL = 9;
    /** The talent runtime's "checkpoint and exit 75" request. */
    public static final int SIGUSR1 = 10;
    /** The talent runtime's "checkpoint and keep running" request. */
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    /** The talent runtime's "start a pre-copy round" request (runtime key precopy). */
    public static final int SIGURG = 23;

    private Signals() {}
}
