package dev.talent.toolchain;

import java.util.List;

/** A finished process whose output was captured. */
public record CapturedRun(List<String> command, int exitCode, String stdout, String stderr) {
    public CapturedRun {
        command = List.copyOf(command);
    }
}
