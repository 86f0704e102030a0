package dev.talent.fleet;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC marshaller of one record type as JSON. A message from the network is hostile input: at most
 * {@link #MAX} bytes are read, and anything that is not exactly the record is refused (INVALID_ARGUMENT).
 */
public final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    static final int MAX = 64 * 1024;
    private final Class<T> type;
    private final int max;

    JsonMarshaller(Class<T> type) { this(type, MAX); }

    /** A marshaller of messages of at most {@code max} bytes (streams of file chunks). */
    public JsonMarshaller(Class<T> type, int max) {
        this.type = type;
        this.max = max;
    }

    @Override
    public InputStream stream(T value) {
        try {
            return new ByteArrayInputStream(Etcd.JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T parse(InputStream stream) {
        try (stream) {
            byte[] b = stream.readNBytes(max + 1);
            if (b.length > max) throw Status.INVALID_ARGUMENT.withDescription("message larger than " + max + " bytes").asRuntimeException();
            return Etcd.JSON.readValue(b, type);
        } catch (IOException e) {
            throw Status.INVALID_ARGUMENT.withDescription("not a " + type.getSimpleName() + ": " + e.getMessage()).asRuntimeException();
        }
    }
}
