package dev.talent.fleet.apps;

/**
 * How long the leader waits for a host whose agent holds no lease before the host is lost ({@code talent controller
 * --host-grace}, {@code lostMs}), and how long when that agent said it stopped to be restarted ({@code SIGTERM}: an
 * upgrade or a restart, its apps left running for the next agent; {@code --restart-grace}, {@code restartMs}, never
 * shorter). A restart on a loaded machine may take longer than a lost host should (FleetAppIT saw 11 s).
 */
public record Graces(long lostMs, long restartMs) {
    public Graces {
        if (lostMs < 0) throw new IllegalArgumentException("host grace " + lostMs + " ms");
        if (restartMs < lostMs)
            throw new IllegalArgumentException("restart grace " + restartMs + " ms is shorter than the host grace " + lostMs + " ms");
    }

    /** The same grace for a host whose agent went without a word and for one restarting. */
    public static Graces of(long ms) {
        return new Graces(ms, ms);
    }

    /** The grace for a host whose down mark says whether its agent stopped to be restarted. */
    public long forHost(boolean restarting) {
        return restarting ? restartMs : lostMs;
    }
}
