package dev.talent.format;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One frame of the call chain ({@code FRAM}); frames are listed outermost first, frame 0 being {@code main}.
 *
 * @param function function name
 * @param functionId function id in the program's tables (u32)
 * @param point resume point in this function: a call site, or the checkpoint site for the innermost frame (u32)
 * @param pointPos source position of that point
 * @param vars the saved variables
 */
public record Frame(String function, long functionId, long point, String pointPos, List<FrameVar> vars) {
    public Frame {
        Objects.requireNonNull(function);
        Objects.requireNonNull(pointPos);
        vars = List.copyOf(vars);
    }

    /** The variable with id {@code varId}, if this frame saved it. */
    public Optional<FrameVar> var(long varId) {
        return vars.stream().filter(v -> v.varId() == varId).findFirst();
    }
}
