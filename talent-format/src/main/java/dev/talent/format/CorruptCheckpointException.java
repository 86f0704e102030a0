package dev.talent.format;

import java.util.Optional;

/**
 * A checkpoint file that cannot be trusted: damaged, truncated, of an unsupported major version, or not following
 * docs/FORMAT.md. The message names the file, the section (when the problem is inside one), the file offset and
 * what was expected versus found, e.g.
 * {@code ck/ckpt-000003.tck: section FRAM (offset 1234): CRC32C mismatch (stored 0x1a2b3c4d, computed 0x5e6f7081)}.
 *
 * <p>For problems with a section as a whole (its length or CRC) the offset is where the section starts; for
 * problems inside a payload it is the offset of the offending field; problems that concern no particular byte
 * (a checkpoint of another program build, an unreadable file) have offset -1 and show none.
 */
public final class CorruptCheckpointException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String section;
    private final long offset;
    private final String problem;

    /**
     * @param file file name as shown to users
     * @param section section tag, or {@code null} for the header and the file as a whole
     * @param offset byte offset in the file, or -1 when the problem concerns no particular byte
     * @param problem what is wrong: expected versus found
     */
    public CorruptCheckpointException(String file, String section, long offset, String problem) {
        super(file + ": " + where(section, offset) + problem);
        this.file = file;
        this.section = section;
        this.offset = offset;
        this.problem = problem;
    }

    private static String where(String section, long offset) {
        if (section == null) return offset < 0 ? "" : "offset " + offset + ": ";
        return "section " + section + (offset < 0 ? "" : " (offset " + offset + ")") + ": ";
    }

    /** The file name as given to the reader. */
    public String file() {
        return file;
    }

    /** The section tag the problem is in, if it is inside a section. */
    public Optional<String> section() {
        return Optional.ofNullable(section);
    }

    /** Byte offset in the file, or -1 when the problem concerns no particular byte. */
    public long offset() {
        return offset;
    }

    /** The problem alone, without file, section and offset. */
    public String problem() {
        return problem;
    }
}
