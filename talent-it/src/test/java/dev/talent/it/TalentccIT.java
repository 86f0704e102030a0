package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code make CC=talentcc} on a small make project written as people write them (resources/talentcc/project:
 * objects with -c in two directories, a static library made with ar, -MD/-MF dependency files, -I/-D/-U/-std/-O/-g/-W),
 * built for x86_64 and s390x; its output on both and after a migration x86_64 -> s390x mid-run must equal plain
 * gcc's build of the same Makefile. A header changed after its objects were compiled, and an object gcc compiled,
 * are refused at link time, never linked silently.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TalentccIT {
    private static final Duration MAKE_TIMEOUT = Duration.ofSeconds(75);

    @Test
    void makeWithTalentccBuildsEveryPlatformAndTheProgramMigrates() throws Exception {
        Path jar = Path.of(System.getProperty("talent.jar")).toAbsolutePath().normalize();
        Path root = ItPaths.repositoryRoot();
        Path talentcc = root.resolve("talentcc");
        assertThat(Files.isExecutable(talentcc)).as(talentcc + " is the launcher under test").isTrue();
        Path work = ItPaths.workRoot().resolve("talentcc-" + ProcessHandle.current().pid());
        ItPaths.deleteRecursively(work);
        Path plain = copyProject(work.resolve("plain"));
        Path project = copyProject(work.resolve("talent"));
        List<String> env = List.of("env", "TALENT_JAR=" + jar, "TALENT_NO_AOT=1", "TALENT_CC_ISAS=x86_64,s390x");

        ProcessResult gcc = Processes.run(List.of("make", "-s", "CC=gcc"), plain, MAKE_TIMEOUT);
        assertThat(gcc.exitCode()).as(gcc.describe()).isZero();
        String expected = Processes.run(List.of("./app"), plain, MAKE_TIMEOUT).stdoutText();
        assertThat(expected).contains("errno at start: 0\n", "done h=");

        ProcessResult make = Processes.run(with(env, "make", "-s", "CC=" + talentcc), project, MAKE_TIMEOUT);
        assertThat(make.exitCode()).as(make.describe()).isZero();
        for (String f : List.of("app", "app.x86_64", "app.s390x", "lib/libwork.a", "lib/table.d", "src/main.d")) {
            assertThat(project.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(project.resolve("src/main.d"))).contains("lib/table.h");

        assertThat(Processes.run(List.of("./app"), project, MAKE_TIMEOUT).stdoutText()).isEqualTo(expected);
        assertThat(Processes.run(List.of("qemu-s390x-static", "./app.s390x"), project, MAKE_TIMEOUT).stdoutText()).isEqualTo(expected);

        // stopped on x86_64 after 300 site visits, restarted on s390x from the checkpoint
        Path ck = Files.createDirectories(project.resolve("ck"));
        Path talent = root.resolve("talent");
        ProcessResult first = Processes.run(with(env, talent.toString(), "exec", "--isa", "x86_64", "--checkpoint-dir", ck.toString(),
                "--stop-after", "300", "./app"), project, MAKE_TIMEOUT);
        assertThat(first.exitCode()).as(first.describe()).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
        ProcessResult second = Processes.run(with(env, talent.toString(), "exec", "--isa", "s390x", "--checkpoint-dir", ck.toString(),
                "--restart", "./app"), project, MAKE_TIMEOUT);
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(first.stdoutText() + second.stdoutText()).isEqualTo(expected);

        // a header edited after the objects were compiled: the link must not instrument other text than was compiled
        Files.writeString(project.resolve("lib/table.h"), Files.readString(project.resolve("lib/table.h")) + "/* edited */\n");
        ProcessResult stale = Processes.run(with(env, talentcc.toString(), "-o", "again", "src/main.o", "-Llib", "-lwork", "-lm"),
                project, MAKE_TIMEOUT);
        assertThat(stale.exitCode()).as(stale.describe()).isNotZero();
        assertThat(stale.stderrText()).contains("table.h changed").contains("rebuild");
        assertThat(project.resolve("again")).doesNotExist();

        // an object talentcc did not compile carries no source: refused, naming it
        ProcessResult foreign = Processes.run(List.of("gcc", "-c", "-o", "src/foreign.o", "-Ilib", "-DTABLE_SIZE=64", "src/main.c"),
                project, MAKE_TIMEOUT);
        assertThat(foreign.exitCode()).as(foreign.describe()).isZero();
        ProcessResult refused = Processes.run(with(env, talentcc.toString(), "-o", "mixed", "src/foreign.o", "lib/checksum.o", "lib/table.o",
                "-lm"), project, MAKE_TIMEOUT);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderrText()).contains("src/foreign.o was not compiled by talentcc");
        ItPaths.deleteRecursively(work);
    }

    /**
     * The same project through CMake ({@code -DCMAKE_C_COMPILER=talentcc}, its CMakeLists.txt: add_library STATIC,
     * target_link_libraries): CMake identifies and probes the compiler, builds {@code libwork.a} with its own ar and
     * ranlib, and links {@code app}, {@code app.x86_64} and {@code app.s390x}; both print what plain gcc's CMake build
     * prints, and a run stopped on x86_64 ends on s390x with the same output.
     */
    @Test
    void cmakeWithTalentccBuildsEveryPlatformAndTheProgramMigrates() throws Exception {
        Path cmake = Path.of("/usr/bin/cmake");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(cmake), "cmake is not installed (apt-get install cmake)");
        Path jar = Path.of(System.getProperty("talent.jar")).toAbsolutePath().normalize();
        Path root = ItPaths.repositoryRoot();
        Path talentcc = root.resolve("talentcc");
        Path work = ItPaths.workRoot().resolve("talentcc-cmake-" + ProcessHandle.current().pid());
        ItPaths.deleteRecursively(work);
        Path source = copyProject(work.resolve("src"));
        List<String> env = List.of("env", "TALENT_JAR=" + jar, "TALENT_NO_AOT=1", "TALENT_CC_ISAS=x86_64,s390x");

        Path plain = Files.createDirectories(work.resolve("plain"));
        ProcessResult gccConfigure = Processes.run(List.of(cmake.toString(), "-DCMAKE_C_COMPILER=gcc", source.toString()), plain, MAKE_TIMEOUT);
        assertThat(gccConfigure.exitCode()).as(gccConfigure.describe()).isZero();
        ProcessResult gccBuild = Processes.run(List.of("make"), plain, MAKE_TIMEOUT);
        assertThat(gccBuild.exitCode()).as(gccBuild.describe()).isZero();
        String expected = Processes.run(List.of("./app"), plain, MAKE_TIMEOUT).stdoutText();
        assertThat(expected).contains("done h=");

        Path build = Files.createDirectories(work.resolve("talent"));
        ProcessResult configure = Processes.run(with(env, cmake.toString(), "-DCMAKE_C_COMPILER=" + talentcc, source.toString()), build,
                MAKE_TIMEOUT);
        assertThat(configure.exitCode()).as(configure.describe()).isZero();
        assertThat(configure.stdoutText()).contains("The C compiler identification is GNU", "Detecting C compiler ABI info - done");
        ProcessResult make = Processes.run(with(env, "make", "VERBOSE=1"), build, MAKE_TIMEOUT);
        assertThat(make.exitCode()).as(make.describe()).isZero();
        assertThat(make.stdoutText()).contains(talentcc + " ", "-MF CMakeFiles/work.dir/lib/table.c.o.d", "ar qc libwork.a");
        for (String f : List.of("libwork.a", "app", "app.x86_64", "app.s390x")) assertThat(build.resolve(f)).as(f).isRegularFile();
        assertThat(Files.mismatch(build.resolve("app"), build.resolve("app.x86_64"))).as("app is the x86_64 build").isEqualTo(-1);
        assertThat(Processes.run(List.of("./app"), build, MAKE_TIMEOUT).stdoutText()).isEqualTo(expected);
        assertThat(Processes.run(List.of("qemu-s390x-static", "./app.s390x"), build, MAKE_TIMEOUT).stdoutText()).isEqualTo(expected);

        Path ck = Files.createDirectories(build.resolve("ck"));
        Path talent = root.resolve("talent");
        ProcessResult first = Processes.run(with(env, talent.toString(), "exec", "--isa", "x86_64", "--checkpoint-dir", ck.toString(),
                "--stop-after", "300", "./app"), build, MAKE_TIMEOUT);
        assertThat(first.exitCode()).as(first.describe()).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
        ProcessResult second = Processes.run(with(env, talent.toString(), "exec", "--isa", "s390x", "--checkpoint-dir", ck.toString(),
                "--restart", "./app"), build, MAKE_TIMEOUT);
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(first.stdoutText() + second.stdoutText()).isEqualTo(expected);
        ItPaths.deleteRecursively(work);
    }

    private static List<String> with(List<String> env, String... command) {
        List<String> all = new ArrayList<>(env);
        all.addAll(List.of(command));
        return all;
    }

    private static Path copyProject(Path to) throws IOException {
        Path from = Path.of("src/test/resources/talentcc/project").toAbsolutePath();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }
}
