package dev.talent.cli;

import dev.talent.compiler.CompilationFailedException;
import dev.talent.compiler.CompileRequest;
import dev.talent.compiler.CompileResult;
import java.io.IOException;

/** The instrumenting step of a build (the checkpoint compiler), behind an interface so builds can be tested alone. */
@FunctionalInterface
public interface Instrumenter {

    CompileResult instrument(CompileRequest request) throws CompilationFailedException, IOException, InterruptedException;

    /** The real checkpoint compiler. */
    static Instrumenter checkpointCompiler() {
        return request -> new dev.talent.compiler.CheckpointCompiler().compile(request);
    }

    /** The real checkpoint compiler, reporting its progress to {@code events}. */
    static Instrumenter checkpointCompiler(java.util.function.Consumer<dev.talent.compiler.CompileEvent> events) {
        return request -> dev.talent.compiler.CheckpointCompiler.reportingTo(events).compile(request);
    }
}
