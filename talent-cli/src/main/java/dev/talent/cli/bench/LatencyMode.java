package dev.talent.cli.bench;

/** How the program of {@code talent bench latency} (latency.c) waits for the checkpoint request. */
public enum LatencyMode {
    COMPUTE("compute", "compute loop"),
    SLEEP("sleep", "blocked in nanosleep"),
    ACCEPT("accept", "blocked in accept");

    private final String argument;
    private final String description;

    LatencyMode(String argument, String description) {
        this.argument = argument;
        this.description = description;
    }

    /** The program's argument selecting this mode. */
    public String argument() { return argument; }

    public String description() { return description; }
}
