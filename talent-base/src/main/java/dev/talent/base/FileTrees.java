package dev.talent.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing a directory tree talent made (work directories, bundles, build outputs). */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes {@code root} and everything below it; nothing if it is absent. Symbolic links are removed, never
     * followed: a link inside the tree to a directory outside it leaves that directory alone.
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) Files.deleteIfExists(p);
    }
}
