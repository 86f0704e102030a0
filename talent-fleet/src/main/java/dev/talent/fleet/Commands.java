package dev.talent.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system's tools (ip, etcdctl) with a time limit; a failure carries the tool's own words, bounded. */
final class Commands {
    private Commands() {}

    record Result(int status, String out) {}

    static Result run(List<String> command) throws FleetException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new FleetException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        byte[] out;
        try {
            out = p.getInputStream().readNBytes(64 * 1024);
        } catch (IOException e) {
            out = new byte[0];
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new FleetException(String.join(" ", command) + " did not end within 30 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    /** Runs it and fails unless it exits 0. */
    static String check(List<String> command) throws FleetException, InterruptedException {
        Result r = run(command);
        if (r.status() != 0) throw new FleetException(String.join(" ", command) + " failed (exit " + r.status() + "): " + r.out());
        return r.out();
    }
}
