package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BuildCommandTest {

    private static final Path CWD = Path.of("").toAbsolutePath();

    private static BuildRequest parse(String... args) {
        CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult result = cli.parseArgs(args);
        BuildCommand build = (BuildCommand) result.subcommand().commandSpec().userObject();
        return build.request();
    }

    @Test
    void issueCommandLineParsesLikeACompiler() {
        BuildRequest request = parse("build", "-o", "build/", "app.c", "util.c", "-Iinclude", "-DNDEBUG", "-lm");

        assertThat(request.outputDir()).isEqualTo(CWD.resolve("build"));
        assertThat(request.sources()).containsExactly(CWD.resolve("app.c"), CWD.resolve("util.c"));
        assertThat(request.name()).isEqualTo("app");
        assertThat(request.platforms()).isEmpty();
        assertThat(request.cc().preprocessorArgs()).containsExactly("-I" + CWD.resolve("include"), "-DNDEBUG");
        assertThat(request.cc().linkFlags()).containsExactly("-lm");
        assertThat(request.binary(Platform.parse("s390x"))).isEqualTo(CWD.resolve("build/app.s390x"));
        assertThat(request.workDir()).isEqualTo(CWD.resolve("build/.talent/src"));
    }

    @Test
    void everyCcOptionFormIsAccepted() {
        BuildRequest request = parse("build", "-o", "out", "--isa", "x86_64,s390x", "--name", "prog",
                "-I", "inc", "-D", "A=1", "-DB", "-UC", "-O3", "-std=c99", "-Wall", "-Wno-unused", "-L/opt/lib", "-l", "z",
                "main.c");

        assertThat(request.name()).isEqualTo("prog");
        assertThat(request.platforms()).contains(List.of(Platform.parse("x86_64"), Platform.parse("s390x")));
        assertThat(request.cc().compileFlags()).containsExactly("-I" + CWD.resolve("inc"), "-DA=1", "-DB", "-UC",
                "-std=c99", "-O3", "-Wall", "-Wno-unused");
        assertThat(request.cc().linkFlags()).containsExactly("-L/opt/lib", "-lz");
        assertThat(request.cc().preprocessorArgs()).doesNotContain("-O3", "-Wall");
    }

    /** Options that change neither the C text nor the layout of values go to every ISA's gcc, after talent's. */
    @Test
    void codeGenerationAndLinkOptionsGoToGccOnly() {
        BuildRequest request = parse("build", "-o", "out", "-fcommon", "-g", "main.c", "-pipe", "-march=native",
                "-fno-strict-aliasing", "-Wl,--as-needed", "-Xlinker", "-zmuldefs", "-s", "-fPIC", "-I", "inc");

        assertThat(request.sources()).containsExactly(CWD.resolve("main.c"));
        assertThat(request.cc().gccOnly()).containsExactly("-fcommon", "-g", "-pipe", "-march=native",
                "-fno-strict-aliasing", "-Xlinker", "-zmuldefs", "-s", "-fPIC");
        assertThat(request.cc().compileFlags()).contains("-fcommon", "-g", "-Wl,--as-needed", "-Xlinker", "-zmuldefs");
        assertThat(request.cc().preprocessorArgs()).containsExactly("-I" + CWD.resolve("inc"));
    }

    /**
     * -pthread is what gcc's specs make it, on every target: -D_REENTRANT before the user's defines (for clang's
     * analysis too) and -lpthread after the user's libraries. Before, refused ("talent checkpoints single-threaded
     * programs"), though build files add it to every command line of programs that never create a thread.
     */
    @Test
    void pthreadIsTheReentrantDefineAndThePthreadLibrary() {
        BuildRequest request = parse("build", "-o", "out", "-pthread", "-DN=2", "main.c", "-lm");

        assertThat(request.cc().preprocessorArgs()).containsExactly("-D_REENTRANT", "-DN=2");
        assertThat(request.cc().compileFlags()).doesNotContain("-pthread");
        assertThat(request.cc().gccOnly()).isEmpty();
        assertThat(request.cc().linkFlags()).containsExactly("-lm", "-lpthread");
        assertThat(parse("build", "-o", "out", "-lpthread", "main.c", "-pthread").cc().linkFlags()).containsExactly("-lpthread");
    }

    @Test
    void charSignednessGoesToTheAnalysisAndToEveryGccAlike() {
        BuildRequest request = parse("build", "-o", "out", "-funsigned-char", "-g", "main.c");

        assertThat(request.cc().preprocessorArgs()).containsExactly("-funsigned-char");
        assertThat(request.cc().compileFlags()).containsExactly("-funsigned-char", "-g");
        assertThat(parse("build", "-o", "out", "-fsigned-char", "main.c").cc().preprocessorArgs()).containsExactly("-fsigned-char");
    }

    @Test
    void bareDashOIsLevelOneAndDoesNotSwallowTheNextFile() {
        BuildRequest request = parse("build", "-o", "out", "-O", "main.c");

        assertThat(request.sources()).containsExactly(CWD.resolve("main.c"));
        assertThat(request.cc().optimization()).contains("1");
        assertThat(parse("build", "-o", "out", "-Os", "-Ofast", "main.c").cc().optimization()).contains("fast");
        assertThat(parse("build", "-o", "out", "main.c").cc().optimization()).isEmpty();
    }

    @Test
    void badCommandLinesExitWithUsageStatusAndSayWhy() {
        assertThat(run("build", "app.c")).startsWith("64:").contains("Missing required option: '-o=DIR'");
        assertThat(run("build", "-o", "b", "--isa", "sparc", "app.c")).startsWith("64:").contains("unknown ISA 'sparc'")
                .contains("x86_64 aarch64 s390x riscv64 i686");
        assertThat(run("build", "-o", "b", "-m32", "app.c")).startsWith("64:").contains("option -m32 is not supported")
                .contains("ABI");
        assertThat(run("build", "-o", "b", "app.c", "-fshort-enums")).startsWith("64:").contains("laid out");
        assertThat(run("build", "-o", "b", "app.c", "-fopenmp")).startsWith("64:").contains("single-threaded");
        assertThat(run("build", "-o", "b", "app.c", "-include", "x.h")).startsWith("64:").contains("option -include is not supported");
        assertThat(run("build", "-o", "b", "app.c", "-Wp,-DX=1")).startsWith("64:").contains("preprocessor");
        assertThat(run("build", "-o", "b", "app.c", "--frob")).startsWith("64:").contains("option --frob is not supported");
        assertThat(run("build", "-o", "b", "--name", "../x", "app.c")).startsWith("64:").contains("--name must be a file name");
        assertThat(run("build", "-o", "b", "notes.txt")).startsWith("64:").contains("not a C source file: notes.txt");
    }

    @Test
    void missingSourceFileIsNamed() {
        assertThat(run("build", "-o", "b", "does-not-exist.c")).startsWith("64:").contains("no such file:")
                .contains("does-not-exist.c");
    }

    static String run(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        return status + ":" + err;
    }
}
