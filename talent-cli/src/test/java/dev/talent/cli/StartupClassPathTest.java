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

    /**
     * A short command that succeeded ends by returning from main, not through Runtime.exit, whose logging looks for a
     * System.LoggerFinder on the class path (which opens the shaded jar); a command that failed still exits with its
     * status.
     */
    @Test
    void successEndsWithoutRuntimeExitLoggingAndFailuresKeepTheirStatus() throws Exception {
        String detectBackend = "jdk.internal.logger.BootstrapLogger$DetectBackend ";
        assertThat(loadedClasses("--help")).contains("Usage: talent").doesNotContain(detectBackend);
        assertThat(loadedClasses("--version")).doesNotContain(detectBackend);
        assertThat(loadedClasses("exec", "--help")).doesNotContain(detectBackend);
        Run failed = run("nosuch-command");
        assertThat(failed.status()).as(failed.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(failed.output()).contains("talent: ").contains(detectBackend);
    }

    @Test
    void aThreadLeftRunningIsSeen() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        try {
            assertThat(Main.aloneInTheJvm()).isFalse();
        } finally {
            release.countDown();
            t.join();
        }
    }

    private record Run(int status, String output) { }

    /** The exit status and output (with the class-loading log) of {@code talent ARGS} in a fresh JVM. */
    private static Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
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
