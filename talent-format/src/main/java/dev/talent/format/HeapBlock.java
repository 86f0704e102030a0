package dev.talent.format;

import java.util.List;
import java.util.Objects;

/**
 * A heap block ({@code HEAP}): an array of {@code elements.size()} values of type {@code elementType}.
 *
 * @param blockId block id, the target of heap pointers (u32)
 * @param allocPos source position of the allocation
 * @param elementType type id of the elements
 * @param elements the block's contents
 */
public record HeapBlock(long blockId, String allocPos, int elementType, List<Value> elements) {
    public HeapBlock {
        Objects.requireNonNull(allocPos);
        elements = List.copyOf(elements);
    }
}
