package dev.talent.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers: writing files and comparing whole trees entry by entry. */
final class Trees {

    private Trees() {}

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    static void setTime(Path path, long epochSeconds) throws IOException {
        Files.getFileAttributeView(path, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(java.time.Instant.ofEpochSecond(epochSeconds, 123_456_789)), null, null);
    }

    static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** Every entry below root (relative path -> what it is: kind, mode, time, content or link target). */
    static Map<String, String> describe(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(path -> entries.put(root.relativize(path).toString(), describeEntry(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String describeEntry(Path path) {
        try {
            FileEntry entry = FileEntry.read(path);
            String what = switch (entry.kind()) {
                case FILE -> "file " + Files.readString(path);
                case DIRECTORY -> "dir";
                case SYMLINK -> "link -> " + Files.readSymbolicLink(path);
                case OTHER -> "other";
            };
            String mode = entry.kind() == FileEntry.Kind.SYMLINK ? "" : " mode " + Integer.toOctalString(entry.permissions());
            return what + mode + " mtime " + entry.modified();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertSameTree(Path actual, Path expected) {
        assertThat(describe(actual)).isEqualTo(describe(expected));
    }
}
