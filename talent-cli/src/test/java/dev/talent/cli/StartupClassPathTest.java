package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short commands never make picocli's DefaultFactory (whose first use searches the class path for Groovy, which
 * opens the shaded jar and reads its whole index at every start; issue 16), while the commands that instantiate
 * annotated classes still get it. Each case is a fresh JVM, since a class is initialized once per JVM.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StartupClassPathTest {

    private static final String DEFAULT_FACTORY = "picocli.CommandLine$DefaultFactory ";

    @Test
    void helpStatusAndExecDoNotMakePicocliDefaultFactory() throws Exception {
        assertThat(loadedClasses("--help")).doesNotContain(DEFAULT_FACTORY);
        assertThat(loadedClasses("status", "--help")).doesNotContain(DEFAULT_FACTORY);
        assertThat(loadedClasses("exec", "--help")).doesNotContain(DEFAULT_FACTORY);
        assertThat(loadedClasses("--version")).doesNotContain(DEFAULT_FACTORY);
    }

    @Test
    void anAnnotatedCommandStillGetsItsFactory() throws Exception {
        // (build is declared by annotations: picocli instantiates it and its converters through the factory)
        String log = loadedClasses("build", "--help");
        assertThat(log).contains(DEFAULT_FACTORY).contains("Usage: talent build");
    }

    /** The class-loading log and output of {@code talent ARGS} run in a fresh JVM on the test class path. */
    private static String loadedClasses(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
