package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CompileEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BuildProgressTest {

    @Test
    void aBigFileShowsOneLineRewrittenInPlaceThenTheStages() {
        StringWriter err = new StringWriter();
        BuildProgress progress = new BuildProgress(new PrintWriter(err));
        Path big = Path.of("src/big.c");

        progress.accept(new CompileEvent.AstRead(big, 800_000, 33_554_432, false));
        progress.accept(new CompileEvent.AstRead(big, 800_000, 134_217_728, false));
        progress.accept(new CompileEvent.AstRead(big, 800_000, 201_000_000, true));
        progress.accept(new CompileEvent.Stage("analysing"));
        progress.accept(new CompileEvent.Stage("writing"));

        assertThat(err.toString()).isEqualTo("\rtalent build: big.c: reading clang's AST, 34 MB so far"
                + "\rtalent build: big.c: reading clang's AST, 134 MB so far"
                + "\rtalent build: big.c: read clang's AST (201 MB)         \n"
                + "talent build: analysing\n"
                + "talent build: writing the instrumented sources\n");
    }

    @Test
    void aSmallFileShowsNothing() {
        StringWriter err = new StringWriter();
        BuildProgress progress = new BuildProgress(new PrintWriter(err));

        progress.accept(new CompileEvent.AstRead(Path.of("a.c"), 900, 2_000_000, true));
        progress.accept(new CompileEvent.Stage("analysing"));
        progress.accept(new CompileEvent.Stage("writing"));

        assertThat(err.toString()).isEmpty();
    }
}
