package dev.talent.cli.bench;

import dev.talent.toolchain.CapturedRun;

/** A finished run and its wall time, measured from just before the process starts to after it exits. */
public record TimedRun(CapturedRun run, double wallMs) {

    public int exitCode() { return run.exitCode(); }

    public String stdout() { return run.stdout(); }

    public String stderr() { return run.stderr(); }
}
