package dev.talent.fleet.apps;

import dev.talent.fleet.JsonMarshaller;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * The marshaller of a byte stream's messages (checkpoints, working directories, blobs): a message is either a head,
 * a record as JSON like every other message of the service, or a chunk of the stream's bytes, sent as they are (no
 * base64, no JSON). On the wire a message is one byte of kind ({@link #HEAD} or {@link #DATA}) and the rest. A message
 * from the network is hostile input: a head is bounded and must be exactly the record; a chunk is 1 to
 * {@code maxData} bytes; anything else (an empty message, an unknown kind) is refused with INVALID_ARGUMENT before
 * its receiver sees it.
 */
final class StreamMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    static final int HEAD = 'H';
    static final int DATA = 'D';
    private final JsonMarshaller<T> heads;
    private final Function<T, byte[]> dataOf;
    private final Function<byte[], T> ofData;
    private final int maxData;

    /**
     * @param dataOf the bytes a message carries as a chunk alone, or null when it is a head
     * @param ofData the message of a chunk received
     */
    StreamMarshaller(Class<T> type, int maxHead, int maxData, Function<T, byte[]> dataOf, Function<byte[], T> ofData) {
        this.heads = new JsonMarshaller<>(type, maxHead);
        this.dataOf = dataOf;
        this.ofData = ofData;
        this.maxData = maxData;
    }

    @Override
    public InputStream stream(T value) {
        byte[] data = dataOf.apply(value);
        if (data == null) {
            try (InputStream json = heads.stream(value)) {
                return new Framed(HEAD, json.readAllBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (data.length == 0 || data.length > maxData) {
            throw new IllegalArgumentException("a chunk of " + data.length + " bytes (1.." + maxData + " are sent)");
        }
        return new Framed(DATA, data);
    }

    @Override
    public T parse(InputStream stream) {
        try (stream) {
            int kind = stream.read();
            if (kind == DATA) {
                byte[] b = stream.readNBytes(maxData + 1);
                if (b.length == 0) throw invalid("an empty chunk");
                if (b.length > maxData) throw invalid("a chunk larger than " + maxData + " bytes");
                return ofData.apply(b);
            }
            if (kind == HEAD) return heads.parse(stream);
            throw invalid(kind < 0 ? "an empty message" : "a message of unknown kind " + kind);
        } catch (IOException e) {
            throw invalid("an unreadable message: " + e.getMessage());
        }
    }

    private static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }

    /** One byte of kind and the bytes, of known length, drained into the transport's buffer without a copy of ours. */
    static final class Framed extends InputStream implements KnownLength, Drainable {
        private final int kind;
        private final byte[] bytes;
        private int pos = -1; // -1: the kind is next

        Framed(int kind, byte[] bytes) {
            this.kind = kind;
            this.bytes = bytes;
        }

        @Override
        public int available() { return bytes.length - pos; }

        @Override
        public int read() {
            if (pos < 0) {
                pos = 0;
                return kind;
            }
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            int n = 0;
            if (pos < 0) {
                b[off++] = (byte) kind;
                pos = 0;
                len--;
                n = 1;
            }
            int k = Math.min(len, bytes.length - pos);
            if (k <= 0) return n == 0 ? -1 : n;
            System.arraycopy(bytes, pos, b, off, k);
            pos += k;
            return n + k;
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = available();
            if (pos < 0) {
                target.write(kind);
                pos = 0;
            }
            target.write(bytes, pos, bytes.length - pos);
            pos = bytes.length;
            return n;
        }
    }
}
