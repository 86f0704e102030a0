package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import dev.talent.format.ByteOrderBinding;

/**
 * A checkpoint the source host has accepted and signed, ready to be streamed to a destination: {@code sockets} is how
 * many sockets it carries (-1: not counted), {@code bytes} opens its content (each call a new stream from the start;
 * a stream fails at its end when the file changed after talent accepted it); {@code binding}, when present, what binds
 * it to the byte order of the platform that wrote it (only a destination of that byte order can restore it).
 */
public record OutgoingCheckpoint(String name, BigInteger sequence, int sockets, CheckpointSignature signature, Bytes bytes,
                                 Optional<ByteOrderBinding> binding) {

    public OutgoingCheckpoint {
        Objects.requireNonNull(binding);
    }

    /** A checkpoint bound to no byte order (or not read by the Java reader). */
    public OutgoingCheckpoint(String name, BigInteger sequence, int sockets, CheckpointSignature signature, Bytes bytes) {
        this(name, sequence, sockets, signature, bytes, Optional.empty());
    }

    /** Opens the checkpoint's bytes. */
    @FunctionalInterface
    public interface Bytes {
        InputStream open() throws IOException;
    }
}
