package dev.talent.format;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoint files of a checkpoint directory ({@code ckpt-<sequence>.tck}, docs/FORMAT.md) and the choice of
 * the one to restart from: the newest that validates completely, reporting every damaged newer one.
 */
public final class CheckpointDirectory {
    private static final Pattern NAME = RuntimeContract.CHECKPOINT_NAME;

    private CheckpointDirectory() {}

    /** A checkpoint file and the sequence number its name carries. */
    public record Entry(Path file, BigInteger sequence) {}

    /** A checkpoint read and validated from {@code file}. */
    public record Loaded(Path file, Checkpoint checkpoint) {}

    /**
     * The outcome of {@link #newestValid}: the newest valid checkpoint if any, and why each newer file was not used
     * (each exception's message names the file and the problem).
     */
    public record Selection(Optional<Loaded> newest, List<CorruptCheckpointException> damaged) {
        public Selection {
            damaged = List.copyOf(damaged);
        }
    }

    /**
     * The checkpoint files in {@code dir}, newest (highest sequence) first. Temporary files ({@code .ckpt-*.tmp})
     * and other names are ignored.
     */
    public static List<Entry> list(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                // a regular file itself, not a link to one (nor a FIFO that would block the reader)
                if (m.matches() && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    entries.add(new Entry(file, new BigInteger(m.group(1))));
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::sequence).reversed());
        return entries;
    }

    /** The newest checkpoint in {@code dir} that validates completely; see {@link #newestValid(Path, String)}. */
    public static Selection newestValid(Path dir) throws IOException {
        return newestValid(dir, null);
    }

    /**
     * The newest checkpoint in {@code dir} that validates completely: every CRC and length, its structure, the
     * sequence in its name equal to the one in META, and (unless {@code expectedFingerprint} is null) the program
     * fingerprint. Files that cannot be read count as damaged.
     *
     * @throws IOException if the directory cannot be listed
     */
    public static Selection newestValid(Path dir, String expectedFingerprint) throws IOException {
        List<CorruptCheckpointException> damaged = new ArrayList<>();
        for (Entry entry : list(dir)) {
            String name = entry.file().toString();
            try {
                Checkpoint c = CheckpointReader.read(entry.file());
                BigInteger sequence = new BigInteger(Long.toUnsignedString(c.meta().sequence()));
                if (!sequence.equals(entry.sequence())) {
                    throw new CorruptCheckpointException(name, Wire.META, -1,
                            "the file name says sequence " + entry.sequence() + " but META says " + sequence);
                }
                if (expectedFingerprint != null && !expectedFingerprint.equalsIgnoreCase(c.meta().fingerprint())) {
                    throw new CorruptCheckpointException(name, Wire.META, -1, "written by another build of the program (fingerprint "
                            + c.meta().fingerprint() + ", expected " + expectedFingerprint + ")");
                }
                return new Selection(Optional.of(new Loaded(entry.file(), c)), damaged);
            } catch (CorruptCheckpointException e) {
                damaged.add(e);
            } catch (IOException e) {
                damaged.add(new CorruptCheckpointException(name, null, -1, "cannot be read: " + e));
            }
        }
        return new Selection(Optional.empty(), damaged);
    }
}
