package dev.talent.format;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole checkpoint file (docs/FORMAT.md), as read by {@link CheckpointReader} or written by
 * {@link CheckpointWriter}.
 *
 * @param meta the {@code META} section
 * @param types type descriptors; a type id is an index in this list
 * @param strings string constants pointed to by {@link Value.StringConstant}
 * @param globals globals, including {@code const} ones (pointer targets)
 * @param frames the call chain, outermost ({@code main}) first
 * @param heap heap blocks
 */
public record Checkpoint(
        Meta meta,
        List<TypeDesc> types,
        List<ByteString> strings,
        List<GlobalVar> globals,
        List<Frame> frames,
        List<HeapBlock> heap) {

    public Checkpoint {
        Objects.requireNonNull(meta);
        types = List.copyOf(types);
        strings = List.copyOf(strings);
        globals = List.copyOf(globals);
        frames = List.copyOf(frames);
        heap = List.copyOf(heap);
    }

    /** The descriptor of type id {@code id}. */
    public TypeDesc type(int id) {
        return types.get(id);
    }

    /** The heap block with id {@code blockId}, if present. */
    public Optional<HeapBlock> heapBlock(long blockId) {
        return heap.stream().filter(b -> b.blockId() == blockId).findFirst();
    }
}
