package dev.talent.fleet.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A working directory as one blob (a ZIP of regular files and directories, modes kept), for deploy and
 * {@code wait --fetch-workdir}. Unpacking treats the archive as hostile: sizes and counts bounded, no entry outside
 * the target, no links, no special files.
 */
public final class WorkdirArchive {
    private WorkdirArchive() {}

    /** Writes {@code dir}'s tree to {@code out}. */
    public static void pack(Path dir, OutputStream out) throws IOException {
        throw new UnsupportedOperationException("contract only: implemented on branch h/fleet-agent");
    }

    /** Recreates the tree read from {@code in} under {@code into} (absent or empty). */
    public static void unpack(InputStream in, Path into) throws IOException {
        throw new UnsupportedOperationException("contract only: implemented on branch h/fleet-agent");
    }
}
