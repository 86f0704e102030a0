package dev.talent.cli;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs the packaged target/talent.jar as a user would, in its own process (so stdout is really its stdout). */
final class TalentJar {

    static final Path JAR = Path.of("target", "talent.jar").toAbsolutePath();
    /** Shared by the integration tests so the runtime is built once per platform. */
    static final Path CACHE = Path.of("target", "it-cache").toAbsolutePath();

    private TalentJar() {}

    static CapturedRun run(Path workingDirectory, String... args) throws Exception {
        if (!Files.isRegularFile(JAR)) throw new IllegalStateException(JAR + " is missing: run mvn verify (package comes first)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ProcessRunner.capture(command, new EnvironmentChange(Map.of("TALENT_CACHE_DIR", CACHE.toString()),
                RuntimeEnvironment.ALL), workingDirectory);
    }
}
