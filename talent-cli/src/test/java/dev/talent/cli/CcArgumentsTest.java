package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CcArgumentsTest {

    @Test
    void compileOnlyKeepsTheCommandLineForGccAndSortsTheOptions() throws Exception {
        CcArguments a = CcArguments.parse(List.of("-Ilib", "-D", "N=64", "-UNDEBUG", "-std=c99", "-O2", "-g", "-Wall",
                "-MD", "-MF", "lib/t.d", "-c", "lib/t.c", "-o", "lib/t.o", "--talent-isa=x86_64,s390x"));
        assertThat(a.mode()).isEqualTo(CcArguments.Mode.COMPILE);
        assertThat(a.original()).containsExactly("-Ilib", "-D", "N=64", "-UNDEBUG", "-std=c99", "-O2", "-g", "-Wall",
                "-MD", "-MF", "lib/t.d", "-c", "lib/t.c", "-o", "lib/t.o");
        assertThat(a.isas()).contains("x86_64,s390x");
        assertThat(a.objectFor(Path.of("lib/t.c"))).isEqualTo(Path.of("lib/t.o"));
        assertThat(a.cc().preprocessorArgs()).containsExactly("-I" + Path.of("lib").toAbsolutePath(), "-DN=64", "-UNDEBUG", "-std=c99");
        assertThat(a.cc().compileFlags()).contains("-O2", "-Wall", "-g").doesNotContain("-MD", "-MF", "lib/t.d");
    }

    /** zopfli 1.0.3's Makefile compiles with -ansi: before, refused ("not supported"). */
    @Test
    void ansiIsTheC90Standard() throws Exception {
        CcArguments a = CcArguments.parse(List.of("-W", "-Wall", "-ansi", "-pedantic", "-O2", "-c", "a.c"));
        assertThat(a.cc().preprocessorArgs()).containsExactly("-std=c90");
        assertThat(a.original()).contains("-ansi");
    }

    /**
     * -pthread (in every command line of many build files) is what gcc's specs make it: -D_REENTRANT when compiling,
     * -lpthread after every input when linking; the host gcc gets it as given. Before, refused.
     */
    @Test
    void pthreadDefinesReentrantAndLinksThePthreadLibraryLast() throws Exception {
        CcArguments c = CcArguments.parse(List.of("-pthread", "-DX", "-O2", "-c", "a.c"));
        assertThat(c.cc().preprocessorArgs()).containsExactly("-D_REENTRANT", "-DX");
        assertThat(c.cc().compileFlags()).doesNotContain("-pthread");
        assertThat(c.original()).containsExactly("-pthread", "-DX", "-O2", "-c", "a.c");
        CcArguments l = CcArguments.parse(List.of("-pthread", "-o", "app", "a.o", "-lm", "b.a"));
        assertThat(l.inputs()).containsExactly("a.o", "-lm", "b.a", "-lpthread");
        assertThat(l.cc().linkFlags()).containsExactly("-lm", "-lpthread");
    }

    @Test
    void withoutOutputTheObjectIsTheBaseNameInTheWorkingDirectory() throws Exception {
        CcArguments a = CcArguments.parse(List.of("-c", "src/a.c", "src/b.c"));
        assertThat(a.objectFor(Path.of("src/b.c"))).isEqualTo(Path.of("b.o"));
    }

    @Test
    void linkKeepsInputsAndLibrariesInOrder() throws Exception {
        CcArguments a = CcArguments.parse(List.of("-O2", "-o", "app", "main.o", "-L.", "-lwork", "-lm", "-Wl,-E", "extra.a"));
        assertThat(a.mode()).isEqualTo(CcArguments.Mode.LINK);
        assertThat(a.output()).isEqualTo(Optional.of(Path.of("app")));
        assertThat(a.inputs()).containsExactly("main.o", "-L" + Path.of(".").toAbsolutePath().normalize(), "-lwork", "-lm",
                "-Wl,-E", "extra.a");
        assertThat(a.linkOptions()).containsExactly("-Wl,-E");
    }

    @Test
    void preprocessingAndQueriesGoToGccUnchanged() throws Exception {
        assertThat(CcArguments.parse(List.of("-E", "x.c")).mode()).isEqualTo(CcArguments.Mode.PASS_THROUGH);
        assertThat(CcArguments.parse(List.of("-MM", "x.c")).mode()).isEqualTo(CcArguments.Mode.PASS_THROUGH);
        assertThat(CcArguments.parse(List.of("--version")).mode()).isEqualTo(CcArguments.Mode.PASS_THROUGH);
        assertThat(CcArguments.parse(List.of("-print-search-dirs")).mode()).isEqualTo(CcArguments.Mode.PASS_THROUGH);
    }

    @Test
    void optionsThatChangeTheAnalysisOrTheAbiAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CcArguments.parse(List.of("-m32", "-c", "x.c"))).hasMessageContaining("-m32").hasMessageContaining("ABI");
        assertThatThrownBy(() -> CcArguments.parse(List.of("-S", "x.c"))).hasMessageContaining("assembly");
        assertThatThrownBy(() -> CcArguments.parse(List.of("-o", "x", "libx.so"))).hasMessageContaining("libx.so");
        assertThatThrownBy(() -> CcArguments.parse(List.of("-c", "-o", "x.o", "a.c", "b.c"))).hasMessageContaining("several");
        assertThatThrownBy(() -> CcArguments.parse(List.of("-c"))).hasMessageContaining("at least one");
    }
}
