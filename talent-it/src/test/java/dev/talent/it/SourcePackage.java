package dev.talent.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A Debian source package as {@code apt-get source --download-only} leaves it: NAME_VERSION.dsc beside the upstream
 * tarball NAME_UPSTREAM.orig.tar.gz. apt checked both against the signed Sources index; this checks the tarball
 * against the .dsc again and unpacks it itself, strictly: only regular files and directories, each path relative,
 * without "." or "..", under the one top directory, so that nothing in the tarball can write outside the target.
 */
final class SourcePackage {
    private static final int BLOCK = 512;
    private static final long MAX_FILE = 64L << 20;
    private static final long MAX_TOTAL = 256L << 20;
    private static final int MAX_ENTRIES = 10_000;

    private final Path dsc;
    private final Path tarball;

    private SourcePackage(Path dsc, Path tarball) {
        this.dsc = dsc;
        this.tarball = tarball;
    }

    Path tarball() {
        return tarball;
    }

    /** The package NAME in DIR (its only NAME_*.dsc), or empty when DIR holds none. */
    static Optional<SourcePackage> find(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        List<Path> dscs;
        try (var files = Files.list(dir)) {
            dscs = files.filter(p -> p.getFileName().toString().matches(Pattern.quote(name) + "_[^/]+\\.dsc")).sorted().toList();
        }
        if (dscs.isEmpty()) return Optional.empty();
        if (dscs.size() > 1) throw new IOException(dir + " holds more than one .dsc of " + name + ": " + dscs);
        Path dsc = dscs.getFirst();
        String text = Files.readString(dsc, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^ ([0-9a-f]{64}) ([0-9]+) (" + Pattern.quote(name) + "_[A-Za-z0-9.+~]+\\.orig\\.tar\\.gz)$")
                .matcher(text.substring(Math.max(0, text.indexOf("Checksums-Sha256:"))));
        if (!text.contains("Checksums-Sha256:") || !m.find()) {
            throw new IOException(dsc + " names no .orig.tar.gz under Checksums-Sha256");
        }
        Path tarball = dir.resolve(m.group(3));
        if (!Files.isRegularFile(tarball)) throw new IOException(dsc + " names " + tarball.getFileName() + ", which is not in " + dir);
        long size = Files.size(tarball);
        if (size != Long.parseLong(m.group(2))) {
            throw new IOException(tarball + " has " + size + " bytes, its .dsc says " + m.group(2));
        }
        String sha256 = sha256(tarball);
        if (!sha256.equals(m.group(1))) {
            throw new IOException(tarball + " has SHA-256 " + sha256 + ", its .dsc says " + m.group(1));
        }
        return Optional.of(new SourcePackage(dsc, tarball));
    }

    /** Unpacks the tarball into {@code into} (which must not exist yet) and returns its top directory. */
    Path unpack(Path into) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball))) {
            return unpackTar(in, into);
        } catch (IOException e) {
            throw new IOException(tarball + " (listed in " + dsc.getFileName() + "): " + e.getMessage(), e);
        }
    }

    /** A plain ustar/GNU tar stream: regular files and directories only, under one top directory. */
    static Path unpackTar(InputStream in, Path into) throws IOException {
        Files.createDirectory(into);
        Path root = into.toRealPath();
        String top = null;
        long total = 0;
        int entries = 0;
        byte[] header = new byte[BLOCK];
        while (true) {
            readFully(in, header);
            if (isZero(header)) break;
            if (++entries > MAX_ENTRIES) throw new IOException("more than " + MAX_ENTRIES + " entries");
            checkChecksum(header);
            String name = string(header, 0, 100);
            String magic = string(header, 257, 6);
            if (magic.equals("ustar")) { // POSIX ustar: a prefix may precede the name (GNU's "ustar  " has none)
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12);
            int mode = (int) octal(header, 100, 8);
            long mtime = octal(header, 136, 12);
            char type = (char) header[156];
            if (type == 'g') { // a pax global header: git archive's (GitHub's tarballs) holds the commit as a comment
                if (size > BLOCK) throw new IOException("pax global header '" + name + "' of " + size + " bytes");
                byte[] records = new byte[BLOCK];
                readFully(in, records);
                checkCommentsOnly(new String(records, 0, (int) size, StandardCharsets.UTF_8));
                entries--;
                continue;
            }
            boolean directory = type == '5';
            if (!directory && type != '0' && type != '\0') {
                throw new IOException("entry '" + name + "' is of type '" + type + "' (only regular files and directories are unpacked)");
            }
            String relative = checkedName(name, directory);
            if (!directory && !relative.contains("/")) throw new IOException("entry '" + name + "' is not under a top directory");
            String first = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : relative;
            if (top == null) top = first;
            if (!top.equals(first)) throw new IOException("entry '" + name + "' is not under the top directory '" + top + "'");
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root)) throw new IOException("entry '" + name + "' leaves the target directory");
            if (directory) {
                if (size != 0) throw new IOException("directory entry '" + name + "' has a size");
                Files.createDirectories(target);
                continue;
            }
            if (size > MAX_FILE || (total += size) > MAX_TOTAL) throw new IOException("entry '" + name + "' is too large");
            Files.createDirectories(target.getParent());
            if (!target.getParent().toRealPath().startsWith(root)) throw new IOException("entry '" + name + "' leaves the target directory");
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new IOException("entry '" + name + "' appears twice");
            byte[] data = new byte[(int) size];
            readFully(in, data);
            Files.write(target, data, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
            Files.setLastModifiedTime(target, FileTime.fromMillis(mtime * 1000));
            long padding = (BLOCK - size % BLOCK) % BLOCK;
            readFully(in, new byte[(int) padding]);
        }
        if (top == null) throw new IOException("no entries");
        return root.resolve(top);
    }

    /**
     * The records of a pax global header ({@code "LEN key=value\n"} each, LEN counting the whole record), accepted only
     * when every key is {@code comment}: any other (a path, a size, a time) would change how the entries that follow
     * are read, which this reader does not do.
     */
    static void checkCommentsOnly(String records) throws IOException {
        int at = 0;
        while (at < records.length()) {
            int space = records.indexOf(' ', at);
            if (space <= at || space - at > 4) throw new IOException("malformed pax global header record at " + at);
            int length;
            try {
                length = Integer.parseInt(records.substring(at, space));
            } catch (NumberFormatException e) {
                throw new IOException("malformed pax global header record at " + at, e);
            }
            if (length <= space - at + 1 || at + length > records.length() || records.charAt(at + length - 1) != '\n') {
                throw new IOException("malformed pax global header record at " + at);
            }
            String record = records.substring(space + 1, at + length - 1);
            if (!record.startsWith("comment=")) {
                throw new IOException("pax global header record '" + record.split("=", 2)[0] + "' (only comments are accepted)");
            }
            at += length;
        }
    }

    private static String checkedName(String name, boolean directory) throws IOException {
        String n = directory && name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.startsWith("/") || n.contains("\\") || n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IOException("entry '" + name + "' is not a plain relative path");
        }
        for (String part : n.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("entry '" + name + "' is not a plain relative path");
            }
        }
        return n;
    }

    private static void checkChecksum(byte[] header) throws IOException {
        long stored = octal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        if (sum != stored) throw new IOException("a tar header's checksum is wrong");
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        String s = string(header, offset, length).trim();
        if (s.isEmpty()) return 0;
        if (!s.matches("[0-7]{1,12}")) throw new IOException("a tar header field is not octal: '" + s + "'");
        return Long.parseLong(s, 8);
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) end++;
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    private static void readFully(InputStream in, byte[] buffer) throws IOException {
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n != buffer.length) throw new EOFException("the tar stream ends inside an entry");
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For tests of the reader: one tar header block (GNU magic) for an entry. */
    static byte[] header(String name, char type, long size, int mode) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8));
        put(h, 100, String.format("%07o", mode).getBytes(StandardCharsets.US_ASCII));
        put(h, 124, String.format("%011o", size).getBytes(StandardCharsets.US_ASCII));
        put(h, 136, String.format("%011o", 1_563_000_000L).getBytes(StandardCharsets.US_ASCII));
        h[156] = (byte) type;
        put(h, 257, "ustar  ".getBytes(StandardCharsets.US_ASCII));
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
        put(h, 148, String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII));
        h[155] = ' ';
        return h;
    }

    /** For tests of the reader: one entry of a tar stream. */
    record TarEntry(String name, char type, String content) {}

    /** For tests of the reader: a tar stream of these entries, padded and closed with two zero blocks. */
    static byte[] tar(List<TarEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TarEntry e : entries) {
            byte[] content = e.content().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(header(e.name(), e.type(), content.length, 0644));
            out.writeBytes(content);
            out.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
        }
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    private static void put(byte[] into, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, into, offset, bytes.length);
    }
}
