package dev.talent.cli;

import dev.talent.toolchain.EnvironmentChange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * What {@code talent exec} would start, for the {@code ./talent} launcher to start itself with bash's
 * {@code exec}: the program then replaces the launcher's process, so its PID is the one {@code talent exec} was
 * started as, every signal sent to that PID (SIGUSR1/SIGUSR2 checkpoint requests, SIGTERM, SIGINT from the
 * terminal) reaches the program directly, and its exit status is the command's. A JVM could only forward
 * signals it is allowed to catch, and SIGUSR1/SIGUSR2 are not among them with public APIs.
 *
 * <p>Encoding: NUL-terminated records, {@code unset:NAME}, then {@code set:NAME=VALUE}, then {@code arg:ARG}
 * for each word of the command line (the first is the executable). NUL cannot occur in an argument or an
 * environment entry, so any byte sequence round-trips.
 */
public record LaunchPlan(List<String> command, EnvironmentChange environment) {

    public LaunchPlan {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("empty command");
        for (String word : command) requireNoNul(word);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        environment.unset().stream().sorted().forEach(name -> record(out, "unset:" + name));
        new TreeMap<>(environment.set()).forEach((name, value) -> record(out, "set:" + name + "=" + requireNoNul(value)));
        command.forEach(word -> record(out, "arg:" + word));
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, String record) {
        out.writeBytes(record.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static String requireNoNul(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in a command-line word or variable: " + s);
        return s;
    }
}
