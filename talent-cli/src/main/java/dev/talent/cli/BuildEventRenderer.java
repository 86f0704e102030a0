package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.toolchain.MissingTool;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders what {@code talent build} reports: each binary on stdout as it is ready ({@code built DIR/NAME.P}); on
 * stderr a platform left out, gcc's messages and the checkpoint compiler's diagnostics, and, only when stderr is a
 * terminal, each step as it begins ({@code instrumenting app.c}, {@code [2/5] aarch64: compiling and linking}), so
 * that a build across platforms does not sit silent; and the binding file when the build wrote one. Called from the threads that link the platforms.
 */
final class BuildEventRenderer implements Consumer<BuildEvent> {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final Function<Path, String> displayed;
    private final DiagnosticRenderer diagnostics;

    BuildEventRenderer(PrintWriter out, PrintWriter err, boolean terminal, Function<Path, String> displayed,
            DiagnosticRenderer diagnostics) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.displayed = displayed;
        this.diagnostics = diagnostics;
    }

    @Override
    public synchronized void accept(BuildEvent event) {
        switch (event) {
            case BuildEvent.PlatformSkipped skipped -> err.println("talent build: skipping " + skipped.support().platform()
                    + ": missing " + skipped.support().missingForBuild().stream().map(MissingTool::toString)
                            .collect(Collectors.joining(", ")));
            case BuildEvent.PlatformUnbuildable unbuildable -> err.println("talent build: not building " + unbuildable.platform()
                    + ": " + SafeText.escape(unbuildable.why()));
            case BuildEvent.Instrumenting instrumenting -> {
                if (terminal) err.println("talent build: instrumenting " + instrumenting.sources().stream()
                        .map(s -> SafeText.escape(displayed.apply(s))).collect(Collectors.joining(", ")));
            }
            case BuildEvent.CompilerMessages messages -> err.print(messages.text());
            case BuildEvent.Instrumented instrumented -> instrumented.result().diagnostics()
                    .forEach(d -> err.println(diagnostics.render(d)));
            case BuildEvent.PlatformStarted started -> {
                if (terminal) err.println("talent build: [" + started.number() + "/" + started.count() + "] "
                        + started.platform().name() + ": compiling and linking");
            }
            case BuildEvent.PlatformBuilt built -> out.println("built " + displayed.apply(built.binary()));
            case BuildEvent.BindingWritten bound -> err.println("talent build: checkpoints of this build keep to the "
                    + bound.binding().kind() + " they are written with (talent run and deploy place them accordingly): "
                    + SafeText.escape(displayed.apply(bound.file())));
        }
        err.flush();
        out.flush();
    }
}
