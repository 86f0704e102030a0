package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of a checkpoint file as docs/FORMAT.md defines it (header, then tagged sections with CRC32C),
 * read independently of talent-format so that tests can check what the runtime wrote and damage chosen
 * bytes on purpose.
 */
record CheckpointFile(int major, int minor, List<Section> sections) {
    static final int HEADER_SIZE = 24;

    /** A section: its tag, where it starts in the file, where its payload starts, the payload length. */
    record Section(String tag, int offset, int payloadOffset, int length) {}

    /** Parses the framing and asserts every CRC and length, as any reader must before trusting a byte. */
    static CheckpointFile parse(byte[] file) {
        assertThat(file.length).as("checkpoint size").isGreaterThanOrEqualTo(HEADER_SIZE);
        ByteBuffer buf = ByteBuffer.wrap(file);   // big-endian
        assertThat(new String(file, 0, 8, StandardCharsets.US_ASCII)).as("magic").isEqualTo("TALENTCK");
        int major = Short.toUnsignedInt(buf.getShort(8));
        int minor = Short.toUnsignedInt(buf.getShort(10));
        long count = Integer.toUnsignedLong(buf.getInt(12));
        assertThat(Integer.toUnsignedLong(buf.getInt(20))).as("header CRC32C").isEqualTo(crc(file, 0, 20));
        List<Section> sections = new ArrayList<>();
        int at = HEADER_SIZE;
        for (long i = 0; i < count; i++) {
            assertThat(at + 12L).as("section %d header within the file", i).isLessThanOrEqualTo(file.length);
            String tag = new String(file, at, 4, StandardCharsets.US_ASCII);
            long length = buf.getLong(at + 4);
            assertThat(at + 12L + length + 4).as("section %s within the file", tag).isLessThanOrEqualTo(file.length);
            int payload = at + 12;
            int end = payload + (int) length;
            assertThat(Integer.toUnsignedLong(buf.getInt(end))).as("CRC32C of section %s", tag)
                    .isEqualTo(crc(file, at, 12 + (int) length));
            sections.add(new Section(tag, at, payload, (int) length));
            at = end + 4;
        }
        assertThat(at).as("end of the last section = end of the file").isEqualTo(file.length);
        return new CheckpointFile(major, minor, sections);
    }

    Section section(String tag) {
        return sections.stream().filter(s -> s.tag().equals(tag)).findFirst()
                .orElseThrow(() -> new AssertionError("checkpoint has no " + tag + " section; it has " + sections));
    }

    private static long crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return crc.getValue();
    }
}
