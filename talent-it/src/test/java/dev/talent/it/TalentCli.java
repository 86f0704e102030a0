package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The talent command line, run as a user runs it: {@code java -jar talent.jar ...} in its own process. */
final class TalentCli {
    static final int EXIT_CHECKPOINT_WRITTEN = 75;
    static final int EXIT_CANNOT_RESTORE = 65;
    static final int EXIT_NO_CHECKPOINT = 66;

    private static final ObjectMapper STATUS = new ObjectMapper();
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    /** The CLI jar and the JVM options every run of it gets (set up once per test JVM). */
    private static final Memo<Path, TalentCli> INSTANCES = new Memo<>(TalentCli::create);

    private final Path jar;
    private final List<String> jvmOptions;

    private TalentCli(Path jar, List<String> jvmOptions) {
        this.jar = jar;
        this.jvmOptions = jvmOptions;
    }

    /**
     * The CLI built by talent-cli. Fails (never skips) when the jar is missing: an integration test run
     * without talent must not look like a passing one.
     */
    static TalentCli get() {
        String configured = System.getProperty("talent.jar");
        assertThat(configured)
                .withFailMessage("system property talent.jar is not set (it is set by talent-it/pom.xml's failsafe "
                        + "configuration; run the tests with `mvn verify`)")
                .isNotBlank();
        Path jar = Path.of(configured).toAbsolutePath().normalize();
        assertThat(Files.isRegularFile(jar))
                .withFailMessage("talent CLI jar not found at %s: build it first with "
                        + "`mvn -B -pl talent-cli -am package -DskipTests` (or run `mvn verify` at the root)", jar)
                .isTrue();
        return INSTANCES.get(jar);
    }

    /**
     * Hundreds of short CLI runs make JVM start-up the main cost of this module, so every run gets options that
     * only change start-up time: C1 only, serial GC, and a class-data-sharing archive made once from a
     * {@code --help} run. JVM log messages go to stderr (by default they go to stdout, which is compared).
     */
    private static TalentCli create(Path jar) {
        List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
        try {
            Path archive = ItPaths.workRoot().resolve("talent-cli-" + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
            if (!Files.isRegularFile(archive)) {
                List<String> dump = new ArrayList<>(List.of(javaExecutable(), "-XX:ArchiveClassesAtExit=" + archive));
                dump.addAll(options);
                dump.addAll(List.of("-jar", jar.toString(), "--help"));
                Processes.run(dump, ItPaths.workRoot(), Duration.ofMinutes(1));
            }
            if (Files.isRegularFile(archive)) options.add("-XX:SharedArchiveFile=" + archive);
        } catch (java.io.IOException e) {
            // no archive: the runs are only slower
        }
        return new TalentCli(jar, List.copyOf(options));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private ProcessResult talent(Path workDir, Duration timeout, List<String> args) {
        return Processes.run(commandLine(args), workDir, timeout);
    }

    /** {@code java ... -jar talent.jar ARGS}: the command line of one talent command. */
    List<String> commandLine(List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return command;
    }

    /** Any talent command, run to its end in {@code workDir}. */
    ProcessResult run(Path workDir, Duration timeout, List<String> args) {
        return talent(workDir, timeout, args);
    }

    /**
     * {@code talent status APP --json} once it says that the app runs on a platform (the JSON), asked every 200 ms for
     * a minute at most.
     */
    JsonNode awaitRunning(Path workDir, String app) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = run(workDir, Duration.ofMinutes(1), List.of("status", app, "--json"));
            if (last.exitCode() == 0) {
                JsonNode s = STATUS.readTree(last.stdout());
                if (s.hasNonNull("platform") && s.get("state").asText().equals("running")) return s;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("talent status never answered\n" + (last == null ? "" : last.describe()));
    }

    /** {@code talent build -o outDir --isa all-of-isas --name NAME [-lLIB...] sources}. */
    ProcessResult build(Path outDir, String name, List<Isa> isas, List<Path> sources, List<String> libs) {
        List<String> args = new ArrayList<>(List.of("build", "-o", outDir.toString(), "--name", name, "--isa",
                String.join(",", isas.stream().map(isa -> isa.id).toList())));
        libs.forEach(lib -> args.add("-l" + lib));
        sources.forEach(source -> args.add(source.toString()));
        return talent(outDir.getParent(), BUILD_TIMEOUT, args);
    }

    /** One exec segment; stopAfter null runs to completion, restart resumes from the newest checkpoint. */
    ProcessResult exec(Path workDir, Isa isa, Path program, Path checkpointDir, Long stopAfter, boolean restart,
            List<String> programArgs) {
        List<String> args = new ArrayList<>(List.of("exec", "--isa", isa.id));
        if (checkpointDir != null) args.addAll(List.of("--checkpoint-dir", checkpointDir.toString()));
        if (stopAfter != null) args.addAll(List.of("--stop-after", Long.toString(stopAfter)));
        if (restart) args.add("--restart");
        args.add(program.toString());
        if (!programArgs.isEmpty()) {
            args.add("--");
            args.addAll(programArgs);
        }
        return talent(workDir, RUN_TIMEOUT, args);
    }

    ProcessResult inspect(Path workDir, Path checkpoint, boolean json) {
        List<String> args = new ArrayList<>(List.of("inspect", checkpoint.toString()));
        if (json) args.add("--json");
        return talent(workDir, RUN_TIMEOUT, args);
    }
}
