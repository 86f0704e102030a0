package dev.talent.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test helper: takes a well-formed file apart into sections and reassembles it, resealing every CRC. */
record Sections(int major, int minor, List<Section> sections) {

    @SuppressWarnings("ArrayRecordComponent") // a payload rewritten and reassembled by the tests, never compared or hashed
    record Section(String tag, byte[] payload) {}

    static Sections of(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file);
        int major = in.getShort(8) & 0xFFFF;
        int minor = in.getShort(10) & 0xFFFF;
        int count = in.getInt(12);
        List<Section> list = new ArrayList<>();
        int pos = 24;
        for (int i = 0; i < count; i++) {
            String tag = new String(file, pos, 4, StandardCharsets.US_ASCII);
            int length = (int) in.getLong(pos + 4);
            list.add(new Section(tag, Arrays.copyOfRange(file, pos + 12, pos + 12 + length)));
            pos += 16 + length;
        }
        return new Sections(major, minor, list);
    }

    byte[] toBytes() {
        return CheckpointWriter.assemble(major, minor, sections.stream()
                .map(s -> CheckpointWriter.section(s.tag(), s.payload())).toList());
    }

    /** File offset where section {@code index} starts. */
    int offsetOf(int index) {
        int pos = 24;
        for (int i = 0; i < index; i++) pos += 16 + sections.get(i).payload().length;
        return pos;
    }

    int indexOf(String tag) {
        for (int i = 0; i < sections.size(); i++) if (sections.get(i).tag().equals(tag)) return i;
        throw new IllegalArgumentException(tag);
    }

    Sections withPayload(String tag, UnaryOperator<byte[]> change) {
        List<Section> list = new ArrayList<>(sections);
        int i = indexOf(tag);
        list.set(i, new Section(tag, change.apply(list.get(i).payload().clone())));
        return new Sections(major, minor, list);
    }

    Sections withVersion(int newMajor, int newMinor) {
        return new Sections(newMajor, newMinor, sections);
    }

    Sections inserting(int index, String tag, byte[] payload) {
        List<Section> list = new ArrayList<>(sections);
        list.add(index, new Section(tag, payload));
        return new Sections(major, minor, list);
    }

    Sections removing(String tag) {
        List<Section> list = new ArrayList<>(sections);
        list.remove(indexOf(tag));
        return new Sections(major, minor, list);
    }

    Sections swapping(int i, int j) {
        List<Section> list = new ArrayList<>(sections);
        Section s = list.get(i);
        list.set(i, list.get(j));
        list.set(j, s);
        return new Sections(major, minor, list);
    }
}
