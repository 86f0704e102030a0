package dev.talent.format;

import java.util.List;
import java.util.Optional;

/**
 * Whether a checkpoint can be restored only on a platform of its writer's byte order (docs/FORMAT.md, "Byte order
 * only" and "The byte-order mark"): it holds a heap block carried as raw bytes (HEAP flag bit 0, with or without bit
 * 2), or a union value with the byte-order mark. A reader of the other byte order refuses such a file; {@code talent
 * run} uses this to choose the destination among platforms of that byte order only. An untyped block without bit 2
 * binds the pointer width too (a reader of another width refuses it as well).
 *
 * @param bigEndian the byte order the checkpoint is bound to ({@code META.big_endian})
 * @param pointerBits the pointer width it is bound to as well ({@code META.pointer_bits}), 0 when it is not
 * @param why what binds it, in words: the first such heap block's allocation site, or the first marked union's place
 */
public record ByteOrderBinding(boolean bigEndian, int pointerBits, String why) {

    /** Bound to a byte order only. */
    public ByteOrderBinding(boolean bigEndian, String why) { this(bigEndian, 0, why); }

    /** "big-endian" or "little-endian". */
    public String order() { return name(bigEndian); }

    /** "little-endian byte order", or "little-endian byte order and 64-bit pointers" when the width is bound too. */
    public String layout() { return order() + " byte order" + (pointerBits == 0 ? "" : " and " + pointerBits + "-bit pointers"); }

    /** Whether a platform of this byte order and pointer width can restore the checkpoint. */
    public boolean admits(boolean platformBigEndian, int platformPointerBits) {
        return platformBigEndian == bigEndian && (pointerBits == 0 || platformPointerBits == pointerBits);
    }

    /** "big-endian" or "little-endian". */
    public static String name(boolean bigEndian) { return bigEndian ? "big-endian" : "little-endian"; }

    /** What binds {@code c} to its writer's byte order; empty when any byte order may restore it. */
    public static Optional<ByteOrderBinding> of(Checkpoint c) {
        boolean big = c.meta().bigEndian();
        for (HeapBlock b : c.heap()) {
            if (b.untyped() && !b.byteOrderOnly()) {
                return Optional.of(new ByteOrderBinding(big, c.meta().pointerBits(), "heap block " + b.blockId()
                        + " allocated at " + b.allocPos() + " is carried as raw bytes"));
            }
        }
        for (HeapBlock b : c.heap()) {
            if (b.byteOrderOnly()) {
                return Optional.of(new ByteOrderBinding(big, "heap block " + b.blockId() + " allocated at " + b.allocPos()
                        + " is carried as raw bytes (byte order only)"));
            }
        }
        for (GlobalVar g : c.globals()) {
            if (marked(g.value())) return Optional.of(new ByteOrderBinding(big, "global " + g.name() + " holds a union "
                    + "whose member depends on the byte order"));
        }
        for (Frame f : c.frames()) {
            for (FrameVar v : f.vars()) {
                if (marked(v.value())) return Optional.of(new ByteOrderBinding(big, "variable " + v.name() + " of "
                        + f.function() + " holds a union whose member depends on the byte order"));
            }
        }
        for (HeapBlock b : c.heap()) {
            if (marked(b.elements())) return Optional.of(new ByteOrderBinding(big, "heap block " + b.blockId()
                    + " allocated at " + b.allocPos() + " holds a union whose member depends on the byte order"));
        }
        return Optional.empty();
    }

    private static boolean marked(List<Value> values) {
        // arrays decoded lazily hold fixed-width scalars and structs of them only (LazyElements.widths): no union
        if (values instanceof LazyElements) return false;
        for (Value v : values) if (marked(v)) return true;
        return false;
    }

    private static boolean marked(Value v) {
        return switch (v) {
            case Value.UnionValue u -> u.byteOrderBound() || (u.value() != null && marked(u.value()));
            case Value.ArrayValue a -> marked(a.elements());
            case Value.StructValue s -> marked(s.fields());
            case null, default -> false;
        };
    }
}
