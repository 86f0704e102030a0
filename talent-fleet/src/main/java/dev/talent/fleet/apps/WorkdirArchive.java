package dev.talent.fleet.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A working directory as one blob (a ZIP of regular files and directories, modes kept), for deploy and
 * {@code wait --fetch-workdir}, and the pre-sync and final sync between agents. Unpacking treats the archive as
 * hostile: sizes and counts bounded (the bytes actually inflated are counted, not the sizes the entries claim), no
 * entry outside the target (absolute, {@code ..}, empty or odd names refused), no links, no special files (an entry
 * whose extra field is not talent's own mode field is refused, so another tool's symlink entry is never turned into
 * anything), no entry twice.
 */
public final class WorkdirArchive {
    /** The extra field talent writes: its id, then the entry's st_mode (u32, little endian). */
    static final int MODE_FIELD = 0x5474;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;

    /** What an unpack accepts at most. */
    public record Limits(long maxBytes, int maxEntries, int maxDepth, int maxNameBytes) {
        /** 1 GiB, 100,000 entries, 256 levels, 4,095-byte names. */
        public static final Limits DEFAULT = new Limits(1L << 30, 100_000, 256, 4095);
    }

    private WorkdirArchive() {}

    /** Writes {@code dir}'s tree to {@code out}. */
    public static void pack(Path dir, OutputStream out) throws IOException {
        pack(dir, List.of(Path.of("")), out);
    }

    /**
     * Writes the subtrees {@code roots} (relative to {@code dir}; the empty path is the whole tree; absent ones are
     * left out) and the directories above them to {@code out}.
     *
     * @throws IOException an entry is a link or a special file (named)
     */
    static void pack(Path dir, Collection<Path> roots, OutputStream out) throws IOException {
        Set<String> written = new java.util.HashSet<>();
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(1);
        for (Path root : new TreeSet<>(roots)) {
            Path start = dir.resolve(root);
            if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) continue;
            for (Path parent = root.getParent(); parent != null; parent = parent.getParent()) {
                // (parents first is not needed: unpack creates missing parents; their modes are still kept)
                writeEntry(zip, dir, parent, written);
            }
            List<Path> all;
            try (Stream<Path> walk = Files.walk(start)) {
                all = walk.sorted().toList();
            }
            for (Path p : all) {
                Path rel = dir.relativize(p);
                if (rel.toString().isEmpty()) continue;
                writeEntry(zip, dir, rel, written);
            }
        }
        zip.finish();
    }

    private static void writeEntry(ZipOutputStream zip, Path dir, Path rel, Set<String> written) throws IOException {
        Path p = dir.resolve(rel);
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String name = rel.toString();
        int perms = bits(a.permissions());
        if (a.isDirectory()) {
            if (!written.add(name + "/")) return;
            ZipEntry e = new ZipEntry(name + "/");
            e.setExtra(modeField(S_IFDIR | perms));
            e.setTime(a.lastModifiedTime().toMillis());
            zip.putNextEntry(e);
            zip.closeEntry();
        } else if (a.isRegularFile()) {
            if (!written.add(name)) return;
            ZipEntry e = new ZipEntry(name);
            e.setExtra(modeField(S_IFREG | perms));
            e.setTime(a.lastModifiedTime().toMillis());
            zip.putNextEntry(e);
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(zip);
            }
            zip.closeEntry();
        } else {
            throw new IOException(p + " is " + (a.isSymbolicLink() ? "a symbolic link" : "a special file")
                    + ": a working directory that moves between hosts holds only regular files and directories");
        }
    }

    /** Recreates the tree read from {@code in} under {@code into} (absent or empty), within {@link Limits#DEFAULT}. */
    public static void unpack(InputStream in, Path into) throws IOException {
        unpack(in, into, Limits.DEFAULT);
    }

    /** As above, within {@code limits}; on a refusal what was written stays under {@code into} (the caller drops it). */
    public static void unpack(InputStream in, Path into, Limits limits) throws IOException {
        if (Files.exists(into, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(into, LinkOption.NOFOLLOW_LINKS)) throw new IOException(into + " is not a directory");
            try (Stream<Path> s = Files.list(into)) {
                if (s.findAny().isPresent()) throw new IOException(into + " is not empty: a working directory is unpacked into an empty one");
            }
        } else {
            Files.createDirectories(into);
        }
        Map<String, Integer> dirModes = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        long total = 0;
        int entries = 0;
        byte[] buf = new byte[1 << 16];
        ZipInputStream zip = new ZipInputStream(in);
        ZipEntry e;
        while ((e = zip.getNextEntry()) != null) {
            if (++entries > limits.maxEntries()) throw refused("more than " + limits.maxEntries() + " entries");
            String raw = e.getName();
            boolean dir = raw.endsWith("/");
            String name = dir ? raw.substring(0, raw.length() - 1) : raw;
            Path rel = checkName(name, limits);
            int mode = modeOf(e, raw);
            if (dir != ((mode & S_IFMT) == S_IFDIR) || (!dir && (mode & S_IFMT) != S_IFREG)) {
                throw refused("entry '" + printable(raw) + "' is neither a regular file nor a directory (mode "
                        + Integer.toOctalString(mode) + "): links and special files are refused");
            }
            if (!seen.add(name)) throw refused("entry '" + printable(raw) + "' appears twice");
            Path target = into.resolve(rel);
            if (!target.normalize().startsWith(into.normalize())) throw refused("entry '" + printable(raw) + "' leaves the target");
            createParents(into, rel);
            if (dir) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectory(target);
                    } catch (FileAlreadyExistsException x) {
                        throw refused("entry '" + printable(raw) + "' is a directory where a file was unpacked");
                    }
                }
                dirModes.put(name, mode & 0777);
            } else {
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    int n;
                    while ((n = zip.read(buf)) > 0) {
                        total += n;
                        if (total > limits.maxBytes()) throw refused("more than " + limits.maxBytes() + " bytes unpacked");
                        out.write(buf, 0, n);
                    }
                } catch (FileAlreadyExistsException x) {
                    throw refused("entry '" + printable(raw) + "' is a file where a directory was unpacked");
                }
                Files.setPosixFilePermissions(target, perms(mode & 0777));
                if (e.getLastModifiedTime() != null) Files.setLastModifiedTime(target, e.getLastModifiedTime());
            }
        }
        // directory modes last: a read-only directory does not stop what goes into it
        List<String> dirs = new ArrayList<>(dirModes.keySet());
        dirs.sort(java.util.Comparator.comparingInt(String::length).reversed());
        for (String d : dirs) Files.setPosixFilePermissions(into.resolve(d), perms(dirModes.get(d) | 0700));
    }

    private static void createParents(Path into, Path rel) throws IOException {
        Path parent = rel.getParent();
        if (parent == null) return;
        Path cur = into;
        for (Path part : parent) {
            cur = cur.resolve(part);
            if (Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                Files.createDirectory(cur);
            } catch (FileAlreadyExistsException x) {
                throw refused("'" + printable(rel.toString()) + "' is under a file");
            }
        }
    }

    /** A relative, normalized path of plain segments; anything else is refused. */
    static Path checkName(String name, Limits limits) throws IOException {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxNameBytes())
            throw refused("an entry has an empty or too long name");
        if (name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0 || name.matches("^[A-Za-z]:.*"))
            throw refused("entry '" + printable(name) + "' is not a relative path");
        String[] parts = name.split("/", -1);
        if (parts.length > limits.maxDepth()) throw refused("entry '" + printable(name) + "' is deeper than " + limits.maxDepth() + " levels");
        for (String s : parts) {
            if (s.isEmpty() || s.equals(".") || s.equals(".."))
                throw refused("entry '" + printable(name) + "' has a '" + s + "' segment: it could leave the target");
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < 0x20) throw refused("entry '" + printable(name) + "' has a control character");
            }
        }
        return Path.of(name);
    }

    /** The mode talent wrote; an entry with any other extra field (another tool's link or owner fields) is refused. */
    private static int modeOf(ZipEntry e, String raw) throws IOException {
        byte[] x = e.getExtra();
        if (x == null || x.length != 8) throw refused("entry '" + printable(raw) + "' has no talent mode field (or other extra fields)");
        ByteBuffer b = ByteBuffer.wrap(x).order(ByteOrder.LITTLE_ENDIAN);
        int id = b.getShort() & 0xffff, len = b.getShort() & 0xffff;
        if (id != MODE_FIELD || len != 4) throw refused("entry '" + printable(raw) + "' has an extra field that is not talent's mode");
        return b.getInt();
    }

    static byte[] modeField(int mode) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) MODE_FIELD).putShort((short) 4).putInt(mode).array();
    }

    /** The mode bit of a permission, as chmod numbers it (the archive's mode field holds these, not enum order). */
    private static int bit(PosixFilePermission x) {
        return switch (x) {
            case OWNER_READ -> 0400;
            case OWNER_WRITE -> 0200;
            case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040;
            case GROUP_WRITE -> 020;
            case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04;
            case OTHERS_WRITE -> 02;
            case OTHERS_EXECUTE -> 01;
        };
    }

    private static int bits(Set<PosixFilePermission> p) {
        int m = 0;
        for (PosixFilePermission x : p) m |= bit(x);
        return m;
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission x : PosixFilePermission.values()) {
            if ((mode & bit(x)) != 0) s.add(x);
        }
        return s;
    }

    private static IOException refused(String why) {
        return new IOException("working directory archive refused: " + why);
    }

    private static String printable(String s) {
        String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
