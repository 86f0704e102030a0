package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BuildEventRendererTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private BuildEventRenderer renderer(boolean terminal) {
        return new BuildEventRenderer(new PrintWriter(out), new PrintWriter(err), terminal, Path::toString,
                new DiagnosticRenderer(Path.of("/w")));
    }

    private void build(BuildEventRenderer r) {
        r.accept(new BuildEvent.Instrumenting(List.of(Path.of("app.c"), Path.of("util.c"))));
        r.accept(new BuildEvent.PlatformStarted(Platform.parse("x86_64"), 1, 2));
        r.accept(new BuildEvent.PlatformStarted(Platform.parse("s390x"), 2, 2));
        r.accept(new BuildEvent.PlatformBuilt(Platform.parse("x86_64"), Path.of("b/app.x86_64")));
        r.accept(new BuildEvent.PlatformBuilt(Platform.parse("s390x"), Path.of("b/app.s390x")));
    }

    @Test
    void onATerminalEachStepIsShownAsItBegins() {
        build(renderer(true));
        assertThat(err.toString()).isEqualTo("""
                talent build: instrumenting app.c, util.c
                talent build: [1/2] x86_64: compiling and linking
                talent build: [2/2] s390x: compiling and linking
                """);
        assertThat(out.toString()).isEqualTo("built b/app.x86_64\nbuilt b/app.s390x\n");
    }

    @Test
    void inALogOrAPipeOnlyTheResultsAreWritten() {
        build(renderer(false));
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo("built b/app.x86_64\nbuilt b/app.s390x\n");
    }

    @Test
    void aSourceNamedToMoveTheCursorIsShownEscaped() {
        renderer(true).accept(new BuildEvent.Instrumenting(List.of(Path.of("a\u001b[2Jb\r.c"))));
        assertThat(err.toString()).startsWith("talent build: instrumenting a").doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void aBoundBuildSaysWhereItsBindingIsInALogToo() {
        renderer(false).accept(new BuildEvent.BindingWritten(Path.of("b/app.binding"),
                new BuildBinding(true, false, "the union 'u' is read through another member than written")));
        assertThat(err.toString()).isEqualTo("talent build: checkpoints of this build keep to the byte order they are"
                + " written with (talent run and deploy place them accordingly): b/app.binding\n");
        assertThat(out.toString()).isEmpty();
    }
}
