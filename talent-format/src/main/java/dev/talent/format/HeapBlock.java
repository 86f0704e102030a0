package dev.talent.format;

import java.util.List;
import java.util.Objects;

/**
 * A heap block ({@code HEAP}): an array of {@code elements.size()} values of type {@code elementType}, then the
 * {@code tail} bytes that did not fill a whole element.
 *
 * @param blockId block id, the target of heap pointers (u32)
 * @param allocPos source position of the allocation call
 * @param untyped whether the element type could not be inferred: the block is then {@code unsigned char} bytes
 *     copied verbatim, meaningful only where byte order and pointer width equal the writer's
 * @param elementType type id of the elements (an 8-bit UINT when {@code untyped})
 * @param elements the block's whole elements
 * @param tail the bytes after the last whole element (usually none), raw
 * @param trailing whether the block is one struct whose last member array was cut to what the block held (a flexible
 *     array member or the struct hack): then one element, a struct whose last member is an array
 * @param byteOrderOnly for an untyped block: its bytes depend on the writer's byte order only, not on its pointer
 *     width (every typed view of it was a fixed-width integer type; a reader of another byte order refuses it)
 */
public record HeapBlock(long blockId, String allocPos, boolean untyped, int elementType, List<Value> elements,
                        ByteString tail, boolean trailing, boolean byteOrderOnly) {
    private static final ByteString NO_BYTES = ByteString.of(new byte[0]);

    public HeapBlock {
        Objects.requireNonNull(allocPos);
        Objects.requireNonNull(tail);
        elements = elements instanceof LazyElements ? elements : List.copyOf(elements);
        if (byteOrderOnly && !untyped) {
            throw new IllegalArgumentException("heap block " + blockId + ": only an untyped block is bound to a byte order");
        }
    }

    /** A block without the byte-order-only mark. */
    public HeapBlock(long blockId, String allocPos, boolean untyped, int elementType, List<Value> elements,
                     ByteString tail, boolean trailing) {
        this(blockId, allocPos, untyped, elementType, elements, tail, trailing, false);
    }

    /** A block that is an array of its element type (no trailing array). */
    public HeapBlock(long blockId, String allocPos, boolean untyped, int elementType, List<Value> elements,
                     ByteString tail) {
        this(blockId, allocPos, untyped, elementType, elements, tail, false);
    }

    /** A typed block without tail bytes: the usual case. */
    public HeapBlock(long blockId, String allocPos, int elementType, List<Value> elements) {
        this(blockId, allocPos, false, elementType, elements, NO_BYTES);
    }
}
