package dev.talent.format;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The elements of a large array or heap block of plain scalars (integers, floats, {@code _Bool}), left where the
 * reader found them (the mapped file) and decoded one by one when asked for: a checkpoint of hundreds of megabytes
 * of numbers is then inspected in little memory. Immutable, like every list of a {@link Value}; equal to any list
 * of the same values. The reader has validated the bytes ({@code _Bool} values are 0 or 1).
 */
final class LazyScalars extends AbstractList<Value> implements RandomAccess {
    /** Arrays shorter than this are decoded eagerly as before: no gain, and simpler values to look at. */
    static final int THRESHOLD = 64;

    private final ByteBuffer data;
    private final int start;
    private final int count;
    private final TypeDesc type;
    private final int width;

    LazyScalars(ByteBuffer data, int start, int count, TypeDesc type) {
        this.data = data;
        this.start = start;
        this.count = count;
        this.type = type;
        this.width = width(type);
    }

    /** Bytes per element of a plain scalar type, or 0 when {@code t} is not one. */
    static int width(TypeDesc t) {
        return switch (t) {
            case TypeDesc.SInt s -> s.bits() / 8;
            case TypeDesc.UInt u -> u.bits() / 8;
            case TypeDesc.FloatT f -> f.bits() / 8;
            case TypeDesc.Bool b -> 1;
            default -> 0;
        };
    }

    @Override
    public Value get(int index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException(index);
        int at = start + index * width;
        return switch (type) {
            case TypeDesc.SInt s -> new Value.IntValue(new BigInteger(bytes(at)));
            case TypeDesc.UInt u -> width <= 7 ? Value.IntValue.of(unsigned(at)) : new Value.IntValue(new BigInteger(1, bytes(at)));
            case TypeDesc.FloatT f -> new Value.FloatValue(unsigned(at), f.bits());
            case TypeDesc.Bool b -> new Value.BoolValue(data.get(at) == 1);
            default -> throw new IllegalStateException(type.toString());
        };
    }

    private byte[] bytes(int at) {
        byte[] b = new byte[width];
        data.get(at, b);
        return b;
    }

    private long unsigned(int at) {
        long v = 0;
        for (int i = 0; i < width; i++) v = (v << 8) | (data.get(at + i) & 0xFF);
        return v;
    }

    @Override
    public int size() {
        return count;
    }
}
