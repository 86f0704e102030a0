package dev.talent.cli;

import dev.talent.compiler.CompileResult;
import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import java.nio.file.Path;
import java.util.List;

/** What happens during a build, reported to the command that renders it. */
public sealed interface BuildEvent {

    /** A default target left out because this host lacks its toolchain. */
    record PlatformSkipped(PlatformSupport support) implements BuildEvent {}

    /**
     * A platform the program cannot be built for ({@code why}: gcc has no 128-bit integer type on i686); a default
     * target is left out, a platform asked for by name fails the build after the others are built.
     */
    record PlatformUnbuildable(Platform platform, String why) implements BuildEvent {}

    /** The checkpoint compiler starts on the sources (once for every platform). */
    record Instrumenting(List<Path> sources) implements BuildEvent {
        public Instrumenting {
            sources = List.copyOf(sources);
        }
    }

    /** Platform {@code number} of {@code count} starts compiling and linking (platforms run two at a time). */
    record PlatformStarted(Platform platform, int number, int count) implements BuildEvent {}

    /** The sources were instrumented (the result carries warnings and notes). */
    record Instrumented(CompileResult result) implements BuildEvent {}

    /** gcc's messages on {@code source} as written (its warnings under the user's -W options), as gcc prints them. */
    record CompilerMessages(Path source, String text) implements BuildEvent {}

    /** One platform's binary is ready. */
    record PlatformBuilt(Platform platform, Path binary) implements BuildEvent {}

    /**
     * The build's checkpoints are bound (to the byte order, pointer width or state description they are written with):
     * {@code file} ({@code DIR/NAME.binding}) says so for {@code talent run} and {@code talent deploy}.
     */
    record BindingWritten(Path file, BuildBinding binding) implements BuildEvent {}
}
