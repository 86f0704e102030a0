package dev.talent.cli;

import dev.talent.compiler.CompileEvent;
import dev.talent.format.SafeText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress of the instrumenting step of {@code talent build} on stderr, for files large enough that it takes a
 * while (the compiler reports once per {@code ClangAstLoader.PROGRESS_STEP_BYTES} of clang's AST, so a small file
 * reports nothing until it is done, and then nothing is shown). Shown only when stderr is a terminal: one line
 * rewritten in place while the AST is read, then a line per stage.
 */
final class BuildProgress implements Consumer<CompileEvent> {
    private final PrintWriter err;
    private boolean shown;
    private int lastWidth;

    BuildProgress(PrintWriter err) {
        this.err = err;
    }

    /** A listener that shows progress on {@code err} when stderr is a terminal, else one that ignores it. */
    static Consumer<CompileEvent> forStderr(PrintWriter err) {
        return stderrIsTerminal() ? new BuildProgress(err) : event -> { };
    }

    /** Whether file descriptor 2 is a terminal (Linux: /proc/self/fd/2 names a tty or pty). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public synchronized void accept(CompileEvent event) {
        switch (event) {
            case CompileEvent.AstRead read when !read.done() -> {
                shown = true;
                rewrite("talent build: " + SafeText.escape(String.valueOf(read.source().getFileName())) + ": reading clang's AST, "
                        + megabytes(read.astBytes()) + " so far");
            }
            case CompileEvent.AstRead read -> {
                if (shown) {
                    rewrite("talent build: " + SafeText.escape(String.valueOf(read.source().getFileName())) + ": read clang's AST ("
                            + megabytes(read.astBytes()) + ")");
                    err.println();
                    lastWidth = 0;
                }
            }
            case CompileEvent.Stage stage -> {
                if (shown) err.println("talent build: " + stage.name() + (stage.name().equals("writing") ? " the instrumented sources" : ""));
            }
        }
        err.flush();
    }

    private void rewrite(String line) {
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        lastWidth = line.length();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }
}
