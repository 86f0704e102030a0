package dev.talent.format;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The elements of a large array or heap block whose element type has a fixed encoded width — plain scalars
 * (integers, floats, {@code _Bool}) and structs, unions and arrays made of them — left where the reader found them
 * (the mapped file) and decoded one by one when asked for: a checkpoint of hundreds of megabytes of numbers or
 * records is then inspected in little memory. Immutable, like every list of a {@link Value}; equal to any list of
 * the same values. The reader has validated the bytes before it made the list.
 */
final class LazyElements extends AbstractList<Value> implements RandomAccess {
    /** Arrays shorter than this are decoded eagerly: no gain, and simpler values to look at. */
    static final int THRESHOLD = 64;

    private final ByteBuffer data;
    private final int start;
    private final int count;
    private final int elementType;
    private final List<TypeDesc> types;
    private final int[] widths;

    /** {@code widths} holds {@link #widths}' result for {@code types}. */
    LazyElements(ByteBuffer data, int start, int count, int elementType, List<TypeDesc> types, int[] widths) {
        this.data = data;
        this.start = start;
        this.count = count;
        this.elementType = elementType;
        this.types = types;
        this.widths = widths;
    }

    /**
     * Per type id, the fixed number of bytes every value of it encodes to, or -1 when that varies (pointers, long
     * doubles, function pointers, anything holding one) or exceeds what one mapping holds.
     */
    static int[] widths(List<TypeDesc> types, boolean unionMembers) {
        int[] w = new int[types.size()];
        for (int id = 0; id < w.length; id++) {
            long n = switch (types.get(id)) {
                case TypeDesc.SInt s -> s.bits() / 8;
                case TypeDesc.UInt u -> u.bits() / 8;
                case TypeDesc.FloatT f -> f.bits() / 8;
                case TypeDesc.Bool b -> 1;
                case TypeDesc.ArrayT a -> w[a.elementType()] < 0 || Long.compareUnsigned(a.count(), Integer.MAX_VALUE) > 0
                        ? -1 : a.count() * w[a.elementType()];
                case TypeDesc.StructT s -> {
                    long sum = 0;
                    for (TypeDesc.Field f : s.fields()) {
                        if (w[f.type()] < 0) { sum = -1; break; }
                        sum += w[f.type()];
                    }
                    yield sum;
                }
                // a union of a major 3 file names its member: not a fixed width
                case TypeDesc.UnionT u -> u.fields().isEmpty() ? 0 : unionMembers ? -1 : w[u.fields().getFirst().type()];
                default -> -1;
            };
            w[id] = n > Integer.MAX_VALUE ? -1 : (int) n;
        }
        return w;
    }

    @Override
    public Value get(int index) {
        if (index < 0 || index >= count) throw new IndexOutOfBoundsException(index);
        return decode(elementType, start + index * widths[elementType]);
    }

    private Value decode(int typeId, int at) {
        TypeDesc t = types.get(typeId);
        return switch (t) {
            case TypeDesc.SInt s -> new Value.IntValue(new BigInteger(bytes(at, s.bits() / 8)));
            case TypeDesc.UInt u -> u.bits() <= 56 ? Value.IntValue.of(unsigned(at, u.bits() / 8))
                    : new Value.IntValue(new BigInteger(1, bytes(at, u.bits() / 8)));
            case TypeDesc.FloatT f -> new Value.FloatValue(unsigned(at, f.bits() / 8), f.bits());
            case TypeDesc.Bool b -> new Value.BoolValue(data.get(at) == 1);
            case TypeDesc.ArrayT a -> {
                int n = (int) a.count(), w = widths[a.elementType()];
                if (n >= THRESHOLD && w > 0) {
                    yield new Value.ArrayValue(new LazyElements(data, at, n, a.elementType(), types, widths));
                }
                List<Value> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) out.add(decode(a.elementType(), at + i * w));
                yield new Value.ArrayValue(out);
            }
            case TypeDesc.StructT s -> {
                List<Value> out = new ArrayList<>(s.fields().size());
                for (TypeDesc.Field f : s.fields()) {
                    out.add(decode(f.type(), at));
                    at += widths[f.type()];
                }
                yield new Value.StructValue(out);
            }
            case TypeDesc.UnionT u -> new Value.UnionValue(u.fields().isEmpty() ? null : decode(u.fields().getFirst().type(), at));
            default -> throw new IllegalStateException("no fixed width: " + t);
        };
    }

    private byte[] bytes(int at, int n) {
        byte[] b = new byte[n];
        data.get(at, b);
        return b;
    }

    private long unsigned(int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (data.get(at + i) & 0xFF);
        return v;
    }

    @Override
    public int size() {
        return count;
    }
}
