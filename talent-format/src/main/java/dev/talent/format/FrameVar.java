package dev.talent.format;

import java.util.Objects;

/**
 * A variable saved with a frame.
 *
 * @param varId identity of the variable within its function, equal on every ISA (u32)
 * @param name the name as written in the source
 * @param declPos declaration position {@code file.c:line:col}
 * @param type type id
 * @param value its value
 */
public record FrameVar(long varId, String name, String declPos, int type, Value value) {
    public FrameVar {
        Objects.requireNonNull(name);
        Objects.requireNonNull(declPos);
        Objects.requireNonNull(value);
    }
}
