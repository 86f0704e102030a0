package dev.talent.compiler;

import java.nio.file.Path;

/**
 * What the compiler reports while it works, for a front end to show (the compiler itself never prints). A large
 * file takes a while: these say how far it got.
 */
public sealed interface CompileEvent {

    /**
     * Part of clang's AST of {@code source} was read: {@code astBytes} bytes of JSON so far ({@code done}: all of it).
     * The AST is typically some hundred times larger than the source ({@code sourceBytes}, -1 if unknown).
     */
    record AstRead(Path source, long sourceBytes, long astBytes, boolean done) implements CompileEvent {}

    /** A stage of the whole compilation began: {@code analysing} (every file loaded) or {@code writing}. */
    record Stage(String name) implements CompileEvent {}
}
