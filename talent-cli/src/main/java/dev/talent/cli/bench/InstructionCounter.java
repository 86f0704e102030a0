package dev.talent.cli.bench;

import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the instructions a program executes, with valgrind's cachegrind tool (no cache simulation): the work
 * instrumentation adds, as a number that, unlike wall time, does not move with the machine's load or with where
 * the code falls relative to alignment boundaries (which moved the primes kernel by up to 30% here, plain gcc's
 * build included). It does not see what costs no instructions (a worse branch layout, a mispredicted branch),
 * so it complements the timed ratio and never replaces it.
 */
final class InstructionCounter {
    /** What `talent bench overhead` says when valgrind is missing. */
    static final String MISSING = "valgrind not found; to count them: sudo apt-get install valgrind";

    private static final Pattern INSTRUCTIONS = Pattern.compile("(?m)I\\s+refs:\\s+([\\d,]+)\\s*$");

    private final Path valgrind;

    private InstructionCounter(Path valgrind) { this.valgrind = valgrind; }

    /** The counter when valgrind is on PATH. */
    static Optional<InstructionCounter> onPath() {
        return ToolchainProbe.ofHost().findCommand("valgrind").map(InstructionCounter::new);
    }

    /**
     * The instructions {@code binary args} executes, run in {@code dir} without any TALENT_ variable (as the
     * timed runs); a failed run (non-zero exit) is an error with valgrind's output attached.
     */
    long count(Path binary, List<String> args, Path dir) throws BenchFailedException, IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(valgrind.toString(), "--tool=cachegrind", "--cache-sim=no",
                "--cachegrind-out-file=/dev/null", binary.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(name -> name.startsWith("TALENT_"));
        Process process = pb.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        OptionalLong count = parse(err);
        if (status != 0 || count.isEmpty()) {
            throw new BenchFailedException("counting the instructions of " + binary.getFileName() + " failed (exit " + status
                    + "); valgrind said:\n" + err.strip());
        }
        return count.getAsLong();
    }

    /** The total of cachegrind's summary line "I refs: 57,702,101" in its output. */
    static OptionalLong parse(String valgrindOutput) {
        Matcher m = INSTRUCTIONS.matcher(valgrindOutput);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1).replace(",", ""))) : OptionalLong.empty();
    }
}
