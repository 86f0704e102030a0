package dev.talent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a compiler or a C test program of the ITs that check one runtime file alone. */
final class CRun {
    private CRun() {}

    /** Exit status, a newline, then stdout and stderr together; the log is kept in {@code work}. */
    static String run(Path work, List<String> command) throws IOException, InterruptedException {
        Path log = work.resolve("log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return p.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    /** {@link #run} of {@code exe} under {@code emulator} (none when empty), in the executable's directory. */
    static String runUnder(String emulator, Path exe) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (!emulator.isEmpty()) command.add(emulator);
        command.add(exe.toString());
        return run(exe.getParent(), command);
    }

    /**
     * What {@code generator} (a C file that prints a header of the runtime's data from the host's glibc) prints,
     * built and run in {@code work}: a checked-in header is compared with it.
     */
    static String generated(Path work, Path generator) throws IOException, InterruptedException {
        String name = generator.getFileName().toString().replaceFirst("\\.c$", "");
        Path exe = work.resolve(name);
        String built = run(work, List.of("gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", generator.toString(),
                "-o", exe.toString()));
        if (!built.equals("0\n")) throw new AssertionError("cannot build " + generator + ": " + built);
        Path out = work.resolve(name + ".out");
        Process p = new ProcessBuilder(exe.toString()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + exe);
        }
        if (p.exitValue() != 0) throw new AssertionError(generator + " failed with status " + p.exitValue());
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
