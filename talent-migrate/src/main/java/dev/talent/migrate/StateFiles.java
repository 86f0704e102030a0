package dev.talent.migrate;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing what a program left in a directory talent owns (its checkpoint directory between two containers):
 * links are removed as links and never followed, whatever the program planted.
 */
final class StateFiles {
    private StateFiles() {}

    /** Deletes {@code root} and everything below it, never following a link; nothing if absent. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Empties {@code dir} (which must be a real directory, not a link), never following a link. */
    static void emptyDirectory(Path dir) throws IOException {
        emptyDirectoryBut(dir, null);
    }

    /**
     * Empties {@code dir} except the regular file named {@code keep} (null: none): a destination's pre-copy image,
     * the base of the delta it receives at the stop.
     */
    static void emptyDirectoryBut(Path dir, String keep) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (keep != null && entry.getFileName().toString().equals(keep)
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) continue;
                deleteTree(entry);
            }
        }
    }
}
