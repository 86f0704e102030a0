package dev.talent.cli.bench;

import dev.talent.cli.BuildRequest;
import dev.talent.cli.CcOptions;
import dev.talent.cli.ExitCodes;
import dev.talent.cli.Instrumenter;
import dev.talent.cli.ProgramBuilder;
import dev.talent.cli.TalentDirectories;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code talent bench startup}: wall time of the launcher's short commands ({@code talent --help},
 * {@code talent status}, {@code talent exec} of a program that returns at once) against {@code java -version} on
 * the same JDK, run round-robin so that the machine's load falls on all alike; medians. The same commands without
 * the ahead-of-time cache ({@code TALENT_NO_AOT=1}) are measured beside them.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Start-up of ./talent --help, status (no app running) and exec (until the program runs) vs java -version on the same JDK,"
                + " with and without the AOT cache; medians of R rounds (targets: --help/status <= 150 ms, exec <= 250 ms).")
final class StartupBenchCommand implements Callable<Integer> {

    static final double TARGET_HELP_MS = 150;
    static final double TARGET_EXEC_MS = 250;

    @Spec CommandSpec spec;

    @Option(names = "--runs", paramLabel = "R", description = "Rounds (default ${DEFAULT-VALUE}, at least 3).")
    int runs = 11;

    @Option(names = "--launcher", paramLabel = "FILE",
            description = "The talent launcher (default: $TALENT_HOME/talent, which ./talent sets).")
    Path launcher;

    @Option(names = "--against", paramLabel = "FILE",
            description = "Another talent launcher (e.g. of an older checkout) whose commands run in the same rounds, rows"
                    + " marked [against]: a before/after comparison under the same load.")
    Path against;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (runs < 3) throw new ParameterException(spec.commandLine(), "--runs must be at least 3, not " + runs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path talent = launcher != null ? launcher
                : Optional.ofNullable(System.getenv("TALENT_HOME")).map(h -> Path.of(h, "talent")).orElse(null);
        if (talent == null || !Files.isExecutable(talent)) {
            err.println("talent bench startup: no launcher (run it through ./talent, or give --launcher FILE)");
            return ExitCodes.USAGE;
        }
        if (against != null && !Files.isExecutable(against)) {
            throw new ParameterException(spec.commandLine(), "--against " + against + ": not an executable file");
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path dir = Files.createTempDirectory("talent-bench-startup");
        try {
            boolean tty = dev.talent.cli.Terminals.stderrIsTerminal();
            if (tty) err.println("talent bench: building a program that returns at once (for exec)");
            err.flush();
            Path source = dir.resolve("nop.c");
            Files.writeString(source, "int main(void) { return 0; }\n");
            ProgramBuilder builder = new ProgramBuilder(ToolchainProbe.ofHost(),
                    RuntimeLibrary.fromClasspath(TalentDirectories.cache()), Instrumenter.checkpointCompiler());
            try {
                builder.build(new BuildRequest(List.of(source), CcOptions.NONE, dir.resolve("build"), "nop",
                        Optional.of(List.of(BenchCommand.X86_64))), event -> { });
            } catch (dev.talent.cli.BuildFailedException e) {
                err.println("talent bench startup: building the program failed: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            String program = dir.resolve("build").resolve("nop").toString();
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("java -version", List.of(javaBin.toString(), "-version"));
            List<Path> launchers = against == null ? List.of(talent) : List.of(talent, against);
            for (int i = 0; i < launchers.size(); i++) {
                Path l = launchers.get(i);
                String mark = i == 0 ? "" : " [against]";
                commands.put("talent --help" + mark, List.of(l.toString(), "--help"));
                // status with an empty control directory of its own (XDG_RUNTIME_DIR): its start-up, not the machine's apps
                commands.put("talent status (no app running)" + mark, List.of(l.toString(), "status"));
                commands.put("talent exec (program returns at once)" + mark, List.of(l.toString(), "exec", "--isa", "x86_64",
                        "--checkpoint-dir", dir.toString(), program));
            }
            Map<String, long[]> times = new LinkedHashMap<>();
            for (String name : commands.keySet()) {
                times.put(name, new long[runs]);
                if (!name.startsWith("java")) times.put(name + ", no AOT cache", new long[runs]);
            }
            // one unmeasured round: the AOT cache is made in the background on first use
            Path runtime = Files.createDirectory(dir.resolve("runtime"),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            for (List<String> c : commands.values()) time(c, dir, runtime, false);
            for (Path l : launchers) waitForAotCache(l);
            for (int r = 0; r < runs; r++) {
                if (tty) err.println("talent bench: startup round " + (r + 1) + "/" + runs);
                err.flush();
                for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                    times.get(c.getKey())[r] = time(c.getValue(), dir, runtime, false);
                    if (!c.getKey().startsWith("java")) {
                        times.get(c.getKey() + ", no AOT cache")[r] = time(c.getValue(), dir, runtime, true);
                    }
                }
            }
            out.print(render(times, runs));
            out.flush();
            return ExitCodes.OK;
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void waitForAotCache(Path talent) throws InterruptedException {
        Path jar = Optional.ofNullable(System.getenv("TALENT_JAR")).map(Path::of)
                .orElse(talent.toAbsolutePath().getParent().resolve("talent-cli/target/talent.jar"));
        String name = jar.getFileName().toString();
        Path aot = jar.resolveSibling(name.substring(0, name.length() - 4) + ".aot");
        // the launcher uses (and makes) a cache newer than the jar: an older one is being made again in the background
        for (int i = 0; i < 600 && !newer(aot, jar); i++) Thread.sleep(100);
    }

    private static boolean newer(Path file, Path than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Wall time of one run in nanoseconds; output discarded; XDG_RUNTIME_DIR is {@code runtime}. */
    private static long time(List<String> command, Path dir, Path runtime, boolean noAot) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        if (noAot) pb.environment().put("TALENT_NO_AOT", "1");
        else pb.environment().remove("TALENT_NO_AOT");
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return System.nanoTime() - start;
    }

    static double medianMs(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / 1e6;
    }

    static String render(Map<String, long[]> times, int runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "talent bench startup: wall time, medians of %d rounds run side by side, ms%n", runs));
        double java = medianMs(times.get("java -version"));
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            double ms = medianMs(e.getValue());
            String target = "";
            if (!e.getKey().contains("no AOT") && !e.getKey().startsWith("java")) {
                double t = e.getKey().startsWith("talent exec") ? TARGET_EXEC_MS : TARGET_HELP_MS;
                target = String.format(Locale.ROOT, "  target <= %.0f  %s", t, ms <= t ? "ok" : "OVER");
            }
            lines.add(String.format(Locale.ROOT, "%-62s %8.1f  %5.2fx java -version%s%n", e.getKey(), ms, ms / java, target));
        }
        lines.forEach(sb::append);
        return sb.toString();
    }
}
