package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A byte stream's messages on the wire: a JSON head or a raw chunk, each bounded; anything else is refused. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StreamMarshallerTest {
    private static final StreamMarshaller<AppsMessages.CheckpointPart> PARTS = AppsRpc.CHECKPOINT_PARTS;

    private static byte[] wire(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static <T> T roundTrip(MethodDescriptor.Marshaller<T> m, T value) throws IOException {
        return m.parse(new ByteArrayInputStream(wire(m.stream(value))));
    }

    private static byte[] message(int kind, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = (byte) kind;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static AppsMessages.Statement statement() {
        return new AppsMessages.Statement("svc", "ckpt-000007.tck", "7", 0, 1 << 20, new byte[32], new byte[64], new byte[32],
                List.of(new byte[] {5, 5, 5}));
    }

    @Test
    void aChunkTravelsAsItsRawBytesBehindOneByteOfKind() throws IOException {
        byte[] data = random(AppsRpc.CHUNK, 1);
        byte[] onWire = wire(PARTS.stream(new AppsMessages.CheckpointPart(null, null, data)));
        assertThat(onWire).hasSize(data.length + 1); // no base64, no JSON around it
        assertThat(onWire[0]).isEqualTo((byte) StreamMarshaller.DATA);
        assertThat(Arrays.copyOfRange(onWire, 1, onWire.length)).isEqualTo(data);
        AppsMessages.CheckpointPart back = PARTS.parse(new ByteArrayInputStream(onWire));
        assertThat(back.data()).isEqualTo(data);
        assertThat(back.statement()).isNull();
        assertThat(back.platform()).isNull();
    }

    @Test
    void theHeadStaysAnExactRecordAsJson() throws IOException {
        AppsMessages.CheckpointPart back = roundTrip(PARTS, new AppsMessages.CheckpointPart("aarch64", statement(), null));
        assertThat(back.platform()).isEqualTo("aarch64");
        assertThat(back.statement().name()).isEqualTo("ckpt-000007.tck");
        assertThat(back.statement().chain().getFirst()).containsExactly(5, 5, 5);
        assertThat(back.data()).isNull();
        byte[] json = "{\"platform\":\"x86_64\",\"statement\":null,\"data\":null,\"sudo\":true}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(message(StreamMarshaller.HEAD, json))))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT");
    }

    @Test
    void whatGrpcDrainsIsWhatItWouldRead() throws IOException {
        byte[] data = random(1000, 2);
        InputStream framed = PARTS.stream(new AppsMessages.CheckpointPart(null, null, data));
        assertThat(framed).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
        assertThat(framed.available()).isEqualTo(1001);
        ByteArrayOutputStream drained = new ByteArrayOutputStream();
        assertThat(((Drainable) framed).drainTo(drained)).isEqualTo(1001);
        assertThat(drained.toByteArray()).isEqualTo(wire(PARTS.stream(new AppsMessages.CheckpointPart(null, null, data))));
        assertThat(framed.read()).isEqualTo(-1);
        // read in odd pieces, the kind included
        InputStream again = PARTS.stream(new AppsMessages.CheckpointPart(null, null, data));
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buf = new byte[7];
        int n;
        while ((n = again.read(buf, 0, buf.length)) > 0) read.write(buf, 0, n);
        assertThat(read.toByteArray()).isEqualTo(drained.toByteArray());
    }

    @Test
    void truncatedEmptyAndUnknownMessagesAreRefused() throws IOException {
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(new byte[0]))).isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("an empty message");
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(new byte[] {StreamMarshaller.DATA})))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("an empty chunk");
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(message('X', random(100, 3)))))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("unknown kind");
        // the old wire (JSON with base64) is not taken for either kind
        byte[] old = wire(new dev.talent.fleet.JsonMarshaller<>(AppsMessages.CheckpointPart.class, AppsRpc.MAX_MESSAGE)
                .stream(new AppsMessages.CheckpointPart(null, null, random(10, 4))));
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(old))).hasMessageContaining("unknown kind");
        // a head cut short anywhere is not a record
        byte[] head = wire(PARTS.stream(new AppsMessages.CheckpointPart("aarch64", statement(), null)));
        for (int cut = 1; cut < head.length; cut += Math.max(1, head.length / 40)) {
            byte[] part = Arrays.copyOf(head, cut);
            assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(part))).as("cut at %d", cut)
                    .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("INVALID_ARGUMENT");
        }
    }

    @Test
    void oversizedChunksAndHeadsAreRefusedWithoutReadingThemWhole() {
        byte[] big = message(StreamMarshaller.DATA, random(AppsRpc.CHUNK + 1, 5));
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(big))).hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("larger than " + AppsRpc.CHUNK);
        // an endless message: refused after CHUNK + 1 bytes
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                return served++ == 0 ? StreamMarshaller.DATA : 0x41;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) return 0;
                int k = 0;
                if (served == 0) {
                    b[off] = StreamMarshaller.DATA;
                    served = 1;
                    k = 1;
                }
                Arrays.fill(b, off + k, off + len, (byte) 0x41);
                served += len - k;
                return len;
            }
        };
        assertThatThrownBy(() -> PARTS.parse(endless)).hasMessageContaining("larger than");
        byte[] bigHead = ("{\"platform\":\"" + "a".repeat(AppsRpc.MAX_MESSAGE) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PARTS.parse(new ByteArrayInputStream(message(StreamMarshaller.HEAD, bigHead))))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("larger than " + AppsRpc.MAX_MESSAGE);
    }

    @Test
    void aChunkOfAWrongLengthIsNotSent() {
        assertThatThrownBy(() -> PARTS.stream(new AppsMessages.CheckpointPart(null, null, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PARTS.stream(new AppsMessages.CheckpointPart(null, null, new byte[AppsRpc.CHUNK + 1])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunksThatLookLikeHeadsStayBytes() throws IOException {
        byte[] json = "{\"platform\":\"x86_64\",\"statement\":null,\"data\":null}".getBytes(StandardCharsets.UTF_8);
        AppsMessages.CheckpointPart back = roundTrip(PARTS, new AppsMessages.CheckpointPart(null, null, json));
        assertThat(back.data()).isEqualTo(json);
        assertThat(back.platform()).isNull();
    }

    @Test
    void aSyncHeadCarriesTheLogSizesItExpectsAndAnOlderSourcesHeadExpectsNone() throws IOException {
        AppsMessages.SyncPart head = roundTrip(AppsRpc.SYNC_PARTS,
                new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of(), 10, 20, 30, 40, null, 0L, 7L));
        assertThat(head.expectLog()).isZero();
        assertThat(head.expectErr()).isEqualTo(7L);
        // a head without them (an agent that asks for the sizes) expects nothing: not logs of 0 bytes
        byte[] older = ("{\"app\":\"svc\",\"platform\":\"x86_64\",\"mode\":\"journal\",\"paths\":[],\"logFrom\":10,"
                + "\"logLength\":20,\"errFrom\":30,\"errLength\":40,\"data\":null}").getBytes(StandardCharsets.UTF_8);
        AppsMessages.SyncPart parsed = AppsRpc.SYNC_PARTS.parse(new ByteArrayInputStream(message(StreamMarshaller.HEAD, older)));
        assertThat(parsed.logFrom()).isEqualTo(10);
        assertThat(parsed.expectLog()).isNull();
        assertThat(parsed.expectErr()).isNull();
    }

    @Test
    void syncPartsAndBlobChunksGoTheSameWay() throws IOException {
        byte[] data = random(AppsRpc.CHUNK, 6);
        assertThat(wire(AppsRpc.SYNC_PARTS.stream(new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, data)))).hasSize(data.length + 1);
        AppsMessages.SyncPart head = roundTrip(AppsRpc.SYNC_PARTS,
                new AppsMessages.SyncPart("svc", "x86_64", "journal", List.of("a", "b/c"), 10, 20, 30, 40, null));
        assertThat(head.paths()).containsExactly("a", "b/c");
        assertThat(head.errLength()).isEqualTo(40);
        assertThat(roundTrip(AppsRpc.SYNC_PARTS, new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, data)).data()).isEqualTo(data);
        // a blob's head names it (and stays JSON); the chunks after it, and a working directory's, are raw
        AppsMessages.Chunk blobHead = roundTrip(AppsRpc.CHUNKS, new AppsMessages.Chunk("ab".repeat(32), 5, null));
        assertThat(blobHead.sha256()).isEqualTo("ab".repeat(32));
        assertThat(blobHead.size()).isEqualTo(5);
        assertThat(wire(AppsRpc.CHUNKS.stream(new AppsMessages.Chunk("", 0, data)))).hasSize(data.length + 1);
        assertThat(roundTrip(AppsRpc.CHUNKS, new AppsMessages.Chunk(null, 0, data)).data()).isEqualTo(data);
    }
}
