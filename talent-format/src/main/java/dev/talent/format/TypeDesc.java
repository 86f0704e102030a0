package dev.talent.format;

import java.util.List;
import java.util.Objects;

/**
 * A type descriptor from a checkpoint's {@code TYPE} section (docs/FORMAT.md). A descriptor's type id is its index
 * in {@link Checkpoint#types()}; other descriptors and values refer to types by that id.
 *
 * <p>Every descriptor carries the C spelling ({@link #name()}) and the writer's {@code sizeof} ({@link #size()},
 * informative only: readers on other ISAs use their own layout).
 */
public sealed interface TypeDesc
        permits TypeDesc.SInt, TypeDesc.UInt, TypeDesc.Bool, TypeDesc.FloatT, TypeDesc.LongDouble, TypeDesc.Ptr,
                TypeDesc.FuncPtr, TypeDesc.ArrayT, TypeDesc.Compound {

    /** {@code pointee_type} of a pointer whose pointee type is not described. */
    int UNKNOWN_TYPE = -1;

    /** C spelling, e.g. {@code unsigned long}, {@code struct node}, {@code double[8]}. */
    String name();

    /** {@code sizeof} on the writer's ISA (u32). */
    long size();

    /** The kind number written in the file (1 SINT ... 10 UNION). */
    int kindCode();

    /** Signed integer (or enum with a signed underlying type) of {@code bits} bits. */
    record SInt(String name, long size, int bits) implements TypeDesc {
        public SInt { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 1; }
    }

    /** Unsigned integer (or enum with an unsigned underlying type) of {@code bits} bits. */
    record UInt(String name, long size, int bits) implements TypeDesc {
        public UInt { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 2; }
    }

    /** {@code _Bool}. */
    record Bool(String name, long size) implements TypeDesc {
        public Bool { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 3; }
    }

    /** IEEE 754 binary32 ({@code bits} 32) or binary64 ({@code bits} 64). */
    record FloatT(String name, long size, int bits) implements TypeDesc {
        public FloatT { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 4; }
    }

    /** {@code long double}: its representation differs between ISAs, so values travel as hexadecimal text. */
    record LongDouble(String name, long size) implements TypeDesc {
        public LongDouble { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 5; }
    }

    /**
     * Pointer to an object. {@code pointeeType} is a type id (which, unlike other references, may be any id, to
     * allow recursive types) or {@link #UNKNOWN_TYPE}.
     */
    record Ptr(String name, long size, String pointee, int pointeeType) implements TypeDesc {
        public Ptr { Objects.requireNonNull(name); Objects.requireNonNull(pointee); }
        @Override public int kindCode() { return 6; }
    }

    /** Pointer to a function. */
    record FuncPtr(String name, long size) implements TypeDesc {
        public FuncPtr { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 7; }
    }

    /** Array of {@code count} elements of type id {@code elementType}. */
    record ArrayT(String name, long size, int elementType, long count) implements TypeDesc {
        public ArrayT { Objects.requireNonNull(name); }
        @Override public int kindCode() { return 8; }
    }

    /** A struct or union: members in declaration order. */
    sealed interface Compound extends TypeDesc permits StructT, UnionT {
        List<Field> fields();
    }

    /** Struct; its value holds every field in declaration order. */
    record StructT(String name, long size, List<Field> fields) implements Compound {
        public StructT { Objects.requireNonNull(name); fields = List.copyOf(fields); }
        @Override public int kindCode() { return 9; }
    }

    /** Union; its value holds the first member only (unions migrate through their first member). */
    record UnionT(String name, long size, List<Field> fields) implements Compound {
        public UnionT { Objects.requireNonNull(name); fields = List.copyOf(fields); }
        @Override public int kindCode() { return 10; }
    }

    /** A struct or union member; {@code bitWidth} 0 means "not a bit-field". */
    record Field(String name, int type, int bitWidth) {
        public Field { Objects.requireNonNull(name); }
    }

    /** Human-readable kind name as used in FORMAT.md (SINT, UINT, ...). */
    static String kindName(int kindCode) {
        return switch (kindCode) {
            case 1 -> "SINT";
            case 2 -> "UINT";
            case 3 -> "BOOL";
            case 4 -> "FLOAT";
            case 5 -> "LDOUBLE";
            case 6 -> "PTR";
            case 7 -> "FUNCPTR";
            case 8 -> "ARRAY";
            case 9 -> "STRUCT";
            case 10 -> "UNION";
            default -> "kind " + kindCode;
        };
    }
}
