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
 * @param files the {@code FILE} section: open files and descriptors; empty when the file has none (or no section)
 * @param pendingWait the {@code WAIT} section; {@link PendingWait#NONE} when the file has none
 * @param epoll the {@code EPOL} section: epoll instances and their registrations; empty when the file has none
 * @param signals the {@code SIGS} section: the program's signal dispositions, by ascending signal; empty when none
 * @param environment the {@code ENVI} section: environment variables and locale categories the program changed;
 *     {@link EnvironmentChanges#NONE} when the file has none
 * @param errno the {@code ERRN} section: the program's errno at the checkpoint as a format code ({@link ErrnoNames});
 *     0 (no error) when the file has none. A file with a code other than 0 is version 2.x (docs/FORMAT.md "Header")
 * @param socketOptions the {@code SOPT} section: the backlog and options of the sockets whose FILE entry has
 *     {@link OpenFile#OPTIONS}, by increasing descriptor; empty when the file has none
 */
public record Checkpoint(
        Meta meta,
        List<TypeDesc> types,
        List<ByteString> strings,
        List<GlobalVar> globals,
        List<Frame> frames,
        List<HeapBlock> heap,
        List<OpenFile> files,
        PendingWait pendingWait,
        List<EventPoll> epoll,
        List<SignalDisposition> signals,
        EnvironmentChanges environment,
        int errno,
        List<SocketOptions> socketOptions,
        List<FileContents> fileContents) {

    public Checkpoint {
        socketOptions = List.copyOf(socketOptions);
        fileContents = List.copyOf(fileContents);
        if (errno != 0 && !ErrnoNames.isCode(errno)) {
            throw new IllegalArgumentException("errno code " + errno + " is no errno value of the format");
        }
        signals = List.copyOf(signals);
        Objects.requireNonNull(environment);
        Objects.requireNonNull(pendingWait);
        epoll = List.copyOf(epoll);
        files = List.copyOf(files);
        Objects.requireNonNull(meta);
        types = List.copyOf(types);
        strings = List.copyOf(strings);
        globals = List.copyOf(globals);
        frames = List.copyOf(frames);
        heap = List.copyOf(heap);
    }

    /** A checkpoint without contents of files without a name ({@code TMPF}). */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll, List<SignalDisposition> signals, EnvironmentChanges environment, int errno,
                      List<SocketOptions> socketOptions) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment, errno, socketOptions,
                List.of());
    }

    /** A checkpoint without socket options ({@code SOPT}). */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll, List<SignalDisposition> signals, EnvironmentChanges environment, int errno) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment, errno, List.of());
    }

    /** A checkpoint whose program's errno is 0. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll, List<SignalDisposition> signals, EnvironmentChanges environment) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment, 0);
    }

    /** This checkpoint with the program's errno {@code code} (a format code of {@link ErrnoNames}, or 0). */
    public Checkpoint withErrno(int code) {
        return new Checkpoint(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment, code,
                socketOptions, fileContents);
    }

    /** This checkpoint with the {@code SOPT} entries {@code entries} (the FILE entries' options flags unchanged). */
    public Checkpoint withSocketOptions(List<SocketOptions> entries) {
        return new Checkpoint(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, environment, errno,
                entries);
    }

    /** The {@code SOPT} entry of the socket at descriptor {@code fd}, if it has one. */
    public Optional<SocketOptions> socketOptions(long fd) {
        return socketOptions.stream().filter(s -> s.fd() == fd).findFirst();
    }

    /** A checkpoint without environment or locale changes. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll, List<SignalDisposition> signals) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, signals, EnvironmentChanges.NONE);
    }

    /** A checkpoint without changed signal dispositions. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll, EnvironmentChanges environment) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, List.of(), environment);
    }

    /** A checkpoint without changed signal dispositions, environment or locale. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait,
                      List<EventPoll> epoll) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, epoll, List.of(), EnvironmentChanges.NONE);
    }

    /** A checkpoint without epoll instances. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap, List<OpenFile> files, PendingWait pendingWait) {
        this(meta, types, strings, globals, frames, heap, files, pendingWait, List.of(), List.of(), EnvironmentChanges.NONE);
    }

    /** A checkpoint without open files or an interrupted wait. */
    public Checkpoint(Meta meta, List<TypeDesc> types, List<ByteString> strings, List<GlobalVar> globals,
                      List<Frame> frames, List<HeapBlock> heap) {
        this(meta, types, strings, globals, frames, heap, List.of(), PendingWait.NONE, List.of(), List.of(), EnvironmentChanges.NONE);
    }

    /** The descriptor of type id {@code id}. */
    public TypeDesc type(int id) {
        return types.get(id);
    }

    /** The heap block with id {@code blockId}, if present. */
    public Optional<HeapBlock> heapBlock(long blockId) {
        return heap.stream().filter(b -> b.blockId() == blockId).findFirst();
    }

    /** The carried contents of open file description {@code description} (a file without a name), if any. */
    public java.util.Optional<FileContents> fileContents(long description) {
        return fileContents.stream().filter(c -> c.description() == description).findFirst();
    }
}
