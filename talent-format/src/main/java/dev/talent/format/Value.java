package dev.talent.format;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * A value as stored in a checkpoint. Values carry no type: they are interpreted through the type id of the
 * variable, global, heap block, array or field that holds them (docs/FORMAT.md, "Values").
 */
public sealed interface Value
        permits Value.IntValue, Value.BoolValue, Value.FloatValue, Value.LongDoubleValue, Value.PointerValue,
                Value.FunctionValue, Value.SignalConstant, Value.ArrayValue, Value.StructValue, Value.UnionValue {

    /** Value of a SINT or UINT type; signedness and width come from the type. */
    record IntValue(BigInteger value) implements Value {
        public IntValue { Objects.requireNonNull(value); }

        public static IntValue of(long value) {
            return new IntValue(BigInteger.valueOf(value));
        }
    }

    /** Value of a BOOL type. */
    record BoolValue(boolean value) implements Value {}

    /** IEEE 754 bit pattern of a FLOAT value; {@code width} is 32 or 64 (the low {@code width} bits are used). */
    record FloatValue(long bits, int width) implements Value {
        public FloatValue {
            if (width != 32 && width != 64) throw new IllegalArgumentException("float width must be 32 or 64: " + width);
            if (width == 32 && (bits >>> 32) != 0) throw new IllegalArgumentException("32-bit float pattern has high bits set");
        }

        public static FloatValue ofDouble(double d) {
            return new FloatValue(Double.doubleToRawLongBits(d), 64);
        }

        public static FloatValue ofFloat(float f) {
            return new FloatValue(Integer.toUnsignedLong(Float.floatToRawIntBits(f)), 32);
        }

        /** The value widened to a double (exact for both widths). */
        public double asDouble() {
            return width == 64 ? Double.longBitsToDouble(bits) : Float.intBitsToFloat((int) bits);
        }
    }

    /**
     * Value of a LDOUBLE type: C99 hexadecimal floating notation ({@code printf("%La")}), or {@code inf},
     * {@code -inf}, {@code nan}, {@code -nan}.
     */
    record LongDoubleValue(String hex) implements Value {
        public LongDoubleValue { Objects.requireNonNull(hex); }
    }

    /** Value of a PTR type: where the pointer points, as an object and an element path, never an address. */
    sealed interface PointerValue extends Value
            permits NullPointer, ObjectRef, Boundary, Below, StringConstant, StdStream, OpenStream, Indeterminate, KeptNumber {}

    /** The null pointer. */
    record NullPointer() implements PointerValue {
        public static final NullPointer INSTANCE = new NullPointer();
    }

    /**
     * A pointer that pointed nowhere talent knows when the checkpoint was taken (stack garbage, a dangling
     * pointer after free, a {@code FILE *} after fclose): a correct program never reads it; it is restored as
     * an address that faults if used.
     */
    record Indeterminate() implements PointerValue {
        public static final Indeterminate INSTANCE = new Indeterminate();
    }

    /**
     * A number kept in a pointer ({@code (void *)3}, a {@code (void *)-1} sentinel), which is never an address: 1 to
     * {@link RuntimeContract#NUMBER_PTR_LOW} or -{@link RuntimeContract#NUMBER_PTR_HIGH} to -1, restored as the same
     * number on every pointer width (format major 6).
     */
    record KeptNumber(long value) implements PointerValue {
        public KeptNumber {
            if (value == 0 || value > RuntimeContract.NUMBER_PTR_LOW || value < -RuntimeContract.NUMBER_PTR_HIGH) {
                throw new IllegalArgumentException("not a number a pointer carries: " + value);
            }
        }
    }

    /** What an {@link ObjectRef} points into (FORMAT.md object kinds). */
    enum ObjectKind implements FileCode {
        /** {@code a} = index in GLOB. */
        GLOBAL(RuntimeContract.OBJ_GLOBAL),
        /** {@code a} = frame index (0 = main), {@code b} = variable id. */
        FRAME_VARIABLE(RuntimeContract.OBJ_FRAME),
        /** {@code a} = heap block id. */
        HEAP_BLOCK(RuntimeContract.OBJ_HEAP),
        /** {@code main}'s argv array (argc + 1 pointers). */
        ARGV_ARRAY(RuntimeContract.OBJ_ARGV),
        /** {@code a} = argument index; the string is a char array of its length + 1. */
        ARGV_STRING(RuntimeContract.OBJ_ARGSTR);

        private final int code;

        ObjectKind(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /**
     * A pointer into a known object: {@code path} walks from the object's type to the addressed element (an array
     * index, or a struct/union field number, per step; u64 each), then {@code byteOffset} bytes into the scalar (or
     * one past the end of the object) reached.
     */
    record ObjectRef(ObjectKind kind, long a, long b, List<Long> path, long byteOffset) implements PointerValue {
        public ObjectRef {
            Objects.requireNonNull(kind);
            path = List.copyOf(path);
        }
    }

    /**
     * Format major 4: an address that was both the start of one object ({@code start}: an empty path, byte offset 0)
     * and one past the end of another ({@code end}), two separate objects side by side on the writer, and the
     * pointer's type did not tell which it meant (FORMAT.md "Pointers"). A reader whose layout puts the two apart
     * refuses it; else it is {@code start}.
     */
    record Boundary(ObjectRef start, ObjectRef end) implements PointerValue {
        public Boundary {
            Objects.requireNonNull(start);
            Objects.requireNonNull(end);
        }
    }

    /**
     * Format major 5: an address in no object, {@code count} elements below {@code element}, the first element of an
     * array object (a global, a frame variable or a heap block: a path of zeros, byte offset 0), at most 16 of the
     * writer's bytes below it ({@code v - 1} for indexing from 1; FORMAT.md "Pointers"). A reader restores it as that
     * element's address less {@code count} of its own elements.
     */
    record Below(long count, ObjectRef element) implements PointerValue {
        public Below {
            Objects.requireNonNull(element);
        }
    }

    /** A pointer {@code offset} bytes into string constant {@code index} of STRS. */
    record StringConstant(int index, long offset) implements PointerValue {}

    /** The standard streams a {@code FILE *} may point to (the numbers are the file's stream codes). */
    enum Stream implements FileCode {
        STDIN(RuntimeContract.STREAM_STDIN),
        STDOUT(RuntimeContract.STREAM_STDOUT),
        STDERR(RuntimeContract.STREAM_STDERR);

        private final int code;

        Stream(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /** A {@code FILE *} equal to stdin, stdout or stderr. */
    record StdStream(Stream stream) implements PointerValue {
        public StdStream { Objects.requireNonNull(stream); }
    }

    /**
     * A {@code FILE *} the program opened: entry {@code index} of the {@code FILE} section, whose kind is
     * {@link OpenFile.Kind#STREAM}.
     */
    record OpenStream(int index) implements PointerValue {
        public OpenStream {
            if (index < 0) throw new IllegalArgumentException("negative FILE index " + index);
        }
    }

    /** Value of a FUNCPTR type: the function's name, or {@code null} for a null function pointer. */
    record FunctionValue(String name) implements Value {}

    /**
     * Value of a FUNCPTR type holding a handler constant of {@code <signal.h>}, which is no function: {@code SIG_IGN}
     * (tag 7) or {@code SIG_ERR} (tag 8). {@code SIG_DFL} is a null function pointer on every C library talent supports.
     */
    record SignalConstant(String name) implements Value {
        public static final SignalConstant IGNORE = new SignalConstant("SIG_IGN");
        public static final SignalConstant ERROR = new SignalConstant("SIG_ERR");

        public SignalConstant {
            if (!"SIG_IGN".equals(name) && !"SIG_ERR".equals(name)) throw new IllegalArgumentException("not a handler constant: " + name);
        }

        int tag() {
            return name.equals("SIG_IGN") ? Wire.PTR_SIG_IGN : Wire.PTR_SIG_ERR;
        }
    }

    /** Value of an ARRAY type: its elements in index order. */
    record ArrayValue(List<Value> elements) implements Value {
        public ArrayValue { elements = elements instanceof LazyElements ? elements : List.copyOf(elements); }
    }

    /** Value of a STRUCT type: every field in declaration order. */
    record StructValue(List<Value> fields) implements Value {
        public StructValue { fields = List.copyOf(fields); }
    }

    /**
     * Value of a UNION type: the member that carries it, by number (0, the first, in a file of major 1 or 2), and that
     * member's value ({@code null} only for a union without members). {@code byteOrderBound}: another member carries
     * the same bytes on the writer and would read them differently on an ISA of the other byte order, so that only a
     * reader of the writer's byte order restores it (docs/FORMAT.md "Values").
     */
    record UnionValue(int member, Value value, boolean byteOrderBound) implements Value {
        public UnionValue {
            if (member < 0) throw new IllegalArgumentException("negative union member " + member);
        }

        /** Carried by member {@code member}, on any byte order. */
        public UnionValue(int member, Value value) {
            this(member, value, false);
        }

        /** Carried by its first member. */
        public UnionValue(Value firstMember) {
            this(0, firstMember);
        }
    }
}
