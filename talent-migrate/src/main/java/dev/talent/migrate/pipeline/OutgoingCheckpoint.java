package dev.talent.migrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;

/**
 * A checkpoint the source host has accepted and signed, ready to be streamed to a destination: {@code sockets} is how
 * many sockets it carries (-1: not counted), {@code bytes} opens its content (each call a new stream from the start;
 * a stream fails at its end when the file changed after talent accepted it).
 */
public record OutgoingCheckpoint(String name, BigInteger sequence, int sockets, CheckpointSignature signature, Bytes bytes) {

    /** Opens the checkpoint's bytes. */
    @FunctionalInterface
    public interface Bytes {
        InputStream open() throws IOException;
    }
}
