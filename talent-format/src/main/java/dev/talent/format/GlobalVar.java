package dev.talent.format;

import java.util.Objects;

/**
 * A global of the {@code GLOB} section: a file-scope variable or a function-scope static.
 *
 * @param key identity across ISAs: {@code name} for external linkage, {@code file.c:name} for internal linkage
 * @param name the name as written in the source
 * @param declPos declaration position {@code file.c:line:col}
 * @param type type id
 * @param value its value
 */
public record GlobalVar(String key, String name, String declPos, int type, Value value) {
    public GlobalVar {
        Objects.requireNonNull(key);
        Objects.requireNonNull(name);
        Objects.requireNonNull(declPos);
        Objects.requireNonNull(value);
    }
}
