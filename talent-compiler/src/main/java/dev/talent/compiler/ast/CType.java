package dev.talent.compiler.ast;

import java.util.List;

/** A C type parsed from a clang-printed type spelling; qualifiers other than top-level const are dropped. */
public sealed interface CType {
    boolean isConst();

    /** int, unsigned long, _Bool, double, long double, void, __int128, ... */
    record Builtin(String name, boolean isConst) implements CType {}

    /** A typedef name. */
    record Named(String name, boolean isConst) implements CType {}

    /**
     * struct/union/enum; {@code name} is empty for an anonymous one, whose {@code anonymousAt} is the
     * "file:line:col" clang printed.
     */
    record Tagged(String tag, String name, String anonymousAt, boolean isConst) implements CType {
        public boolean isAnonymous() { return name.isEmpty(); }
    }

    record Pointer(CType to, boolean isConst) implements CType {}

    /** {@code size} is the text between the brackets ("" for an incomplete array); not a number for a VLA. */
    record Array(CType elem, String size) implements CType {
        @Override public boolean isConst() { return elem.isConst(); }
        public boolean isVariableLength() { return !size.isEmpty() && !size.chars().allMatch(Character::isDigit); }
    }

    record Function(CType ret, List<CType> params, boolean variadic) implements CType {
        @Override public boolean isConst() { return false; }
    }
}
