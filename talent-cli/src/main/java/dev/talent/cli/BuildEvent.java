package dev.talent.cli;

import dev.talent.compiler.CompileResult;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import java.nio.file.Path;

/** What happens during a build, reported to the command that renders it. */
public sealed interface BuildEvent {

    /** A default target left out because this host lacks its toolchain. */
    record PlatformSkipped(PlatformSupport support) implements BuildEvent {}

    /** The sources were instrumented (the result carries warnings and notes). */
    record Instrumented(CompileResult result) implements BuildEvent {}

    /** gcc's messages on {@code source} as written (its warnings under the user's -W options), as gcc prints them. */
    record CompilerMessages(Path source, String text) implements BuildEvent {}

    /** One platform's binary is ready. */
    record PlatformBuilt(Platform platform, Path binary) implements BuildEvent {}
}
