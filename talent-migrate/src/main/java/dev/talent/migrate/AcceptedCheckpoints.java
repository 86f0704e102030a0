package dev.talent.migrate;

import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.RuntimeContract;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The checkpoints talent has accepted from an app, kept in a directory of the state directory that no
 * container mounts ({@code <state>/accepted/<app>/}, mode 0700), so that a rollback always has one whatever the
 * program does to its own checkpoint directory.
 *
 * <p>Accepting: after the program stopped, talent lists the checkpoint directory the program wrote to, takes
 * the names {@code ckpt-<sequence>.tck} by falling sequence (a number, not a string), and copies the first file
 * that is a regular file (never a link: opened with O_NOFOLLOW), at most {@link #maxBytes} bytes long, starting
 * with the checkpoint magic and (up to {@link #VALIDATE_MAX_BYTES}) valid for talent's checkpoint reader. Nothing
 * the program said about the file (its name in an event) is used.
 *
 * <p>Authenticity: each accepted file gets an HMAC-SHA256 tag over the app's name, the file's name and its
 * bytes, under a random key of this state directory ({@code key}, 0600, created on first use, read again by
 * {@code talent run --resume}). The tag is checked on every copy out of here (into a destination's or the
 * source's checkpoint directory), during the copy itself, so the bytes checked are the bytes delivered. A
 * file changed after it was accepted is refused.
 *
 * <p>Taking ({@link #take}, a migration's stop): a full checkpoint of at most {@link #VALIDATE_MAX_BYTES} is read
 * once into memory (the same checks, the SHA-256 computed over the bytes read) and handed over from there;
 * its recovery copy is written, tagged and fsynced by {@link #keepPending()}, once the destination runs or before a
 * rollback, so that neither the fsync nor the tag is part of the downtime. Until then it is pending: every method that reads or
 * changes the set of accepted checkpoints writes it first.
 */
final class AcceptedCheckpoints {

    /** How many accepted checkpoints are kept (the runtime falls back to the older when the newer is damaged). */
    static final int KEEP = 2;
    static final long DEFAULT_MAX_BYTES = 8L << 30;
    /**
     * Accepted files up to this size are also read completely by talent's checkpoint reader, so that a damaged or
     * planted file is passed over before anything restarts from it; larger ones are validated by the runtime when
     * it restores (the Java reader holds a whole file in memory).
     */
    static final long VALIDATE_MAX_BYTES = 32L << 20;
    /** At most this many names are tried, newest first (a program may plant any number of them). */
    static final int MAX_CANDIDATES = 16;
    static final String KEY_FILE = "key";
    private static final int KEY_BYTES = 32;
    private static final String TAG_SUFFIX = ".hmac";
    private static final String MAC = "HmacSHA256";
    private static final byte[] MAGIC = "TALENTCK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_MAGIC = "TALENTDL".getBytes(StandardCharsets.US_ASCII);
    /** The fixed part of a delta's header before its base name (docs/FORMAT.md "Delta"): magic, major, minor, flags. */
    private static final int DELTA_NAME_OFFSET = 16;
    private static final int DELTA_MAX_NAME = 64;
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

    /**
     * One accepted checkpoint: {@code file} in the accepted directory, its sequence and its tag; {@code sockets} how many
     * sockets it carries (-1: not counted, a file too large for the Java reader or listed rather than accepted);
     * {@code sha256} and {@code size} describe the bytes accepted (null and -1 for a listed one).
     */
    @SuppressWarnings("ArrayRecordComponent") // tag and digest are read and written, never compared or hashed as a record
    record Accepted(Path file, BigInteger sequence, byte[] tag, int sockets, byte[] sha256, long size) {
        /** An accepted checkpoint whose sockets were not counted. */
        Accepted(Path file, BigInteger sequence, byte[] tag) {
            this(file, sequence, tag, -1, null, -1);
        }

        String name() { return file.getFileName().toString(); }
    }

    private final Path dir;
    private final String app;
    private final SecretKeySpec key;
    private final long maxBytes;
    /** Tags computed by this process: they win over the tag files, which only serve a later --resume. */
    private final Map<String, byte[]> tags = new HashMap<>();
    /** A checkpoint {@link #take} accepted in memory whose recovery copy is not written yet, or null. */
    private Pending pending;
    /**
     * What binds the checkpoint read last (taken, accepted or validated as a delta) to its writer's byte order; null
     * when nothing does, or when it was not read (larger than the Java reader reads).
     */
    private volatile dev.talent.format.ByteOrderBinding binding;
    /**
     * The listening TCP sockets of the checkpoint read last (what the program listened on when it stopped); empty when
     * it has none or was not read.
     */
    private volatile List<dev.talent.container.HostListeners.Listener> listeners = List.of();

    /** A checkpoint taken in memory: its name, sequence and tag, and the bytes checked. */
    @SuppressWarnings("ArrayRecordComponent") // the bytes and tag are written out, never compared or hashed as a record
    private record Pending(String name, BigInteger sequence, byte[] bytes) {}

    /**
     * What {@link #take} accepted: {@code bytes} holds the checkpoint when it was read into memory (its recovery copy
     * then waits for {@link #keepPending()}), null when it was copied into the accepted directory at once.
     */
    @SuppressWarnings("ArrayRecordComponent") // handed over as they are, never compared or hashed as a record
    record Taken(Accepted accepted, byte[] bytes) {}

    private AcceptedCheckpoints(Path dir, String app, byte[] key, long maxBytes) {
        this.dir = dir;
        this.app = app;
        this.key = new SecretKeySpec(key, MAC);
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating) {@code dir} and its key. An existing key must be a regular file of 32 bytes, owned by this
     * user and readable by nobody else; an existing directory must be this user's and closed to others.
     */
    static AcceptedCheckpoints open(Path dir, String app, long maxBytes) throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
        } catch (FileAlreadyExistsException e) {
            // checked below
        }
        checkPrivate(dir, true);
        Path keyFile = dir.resolve(KEY_FILE);
        byte[] key;
        try {
            checkPrivate(keyFile, false);
            key = Files.readAllBytes(keyFile);
            if (key.length != KEY_BYTES) {
                throw new IOException("the checkpoint key " + keyFile + " is " + key.length + " bytes, not " + KEY_BYTES
                        + "; remove " + dir + " to start over (its checkpoints can then not be resumed)");
            }
        } catch (NoSuchFileException e) {
            key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Path tmp = dir.resolve(".key.tmp");
            Files.deleteIfExists(tmp);
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                out.write(ByteBuffer.wrap(key));
                out.force(true);
            }
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        }
        return new AcceptedCheckpoints(dir, app, key, maxBytes);
    }

    private static void checkPrivate(Path path, boolean directory) throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String what = directory ? "directory of accepted checkpoints " : "checkpoint key ";
        if (a.isSymbolicLink() || (directory ? !a.isDirectory() : !a.isRegularFile())) {
            throw new IOException("the " + what + path + " is not a " + (directory ? "directory" : "regular file")
                    + "; talent does not use it");
        }
        if (!owner.equals(me)) {
            throw new IOException("the " + what + path + " belongs to uid " + owner + ", not to you; talent does not use it");
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(a.permissions());
        extra.removeAll(OWNER_RWX);
        if (!extra.isEmpty()) {
            throw new IOException("the " + what + path + " has mode " + PosixFilePermissions.toString(a.permissions())
                    + "; it must be accessible to its owner only; talent does not use it");
        }
    }

    Path directory() { return dir; }

    /**
     * Accepts the newest acceptable checkpoint (by sequence number) of {@code programDir}, the checkpoint directory
     * the stopped program wrote to, and prunes all but the {@link #KEEP} newest accepted ones. Newer files that are
     * refused (a link, not a regular file, too large, not a valid checkpoint) are passed over, each told to
     * {@code passedOver}: they are the program's doing, and the checkpoint its runtime has just written is older
     * than a name it planted.
     *
     * @throws CheckpointRefusedException no checkpoint there, or none acceptable (the message says why for each)
     */
    Accepted accept(Path programDir, java.util.function.Consumer<String> passedOver) throws IOException {
        return accept(programDir, null, passedOver);
    }

    /**
     * As {@link #accept(Path, java.util.function.Consumer)}, considering only sequences above {@code above} (null:
     * all): a checkpoint that is not newer than one talent holds is not taken over it.
     */
    Accepted accept(Path programDir, BigInteger above, java.util.function.Consumer<String> passedOver) throws IOException {
        keepPending();
        List<CheckpointDirectory.Entry> entries = checkpoints(programDir).stream()
                .filter(e -> above == null || e.sequence().compareTo(above) > 0).toList();
        if (entries.isEmpty()) {
            throw new CheckpointRefusedException("the program's checkpoint directory " + programDir + " holds no checkpoint"
                    + (above == null ? "" : " newer than " + above));
        }
        List<String> refused = new java.util.ArrayList<>();
        for (CheckpointDirectory.Entry entry : entries.subList(0, Math.min(entries.size(), MAX_CANDIDATES))) {
            try {
                Accepted a = acceptOne(entry);
                refused.forEach(passedOver);
                prune();
                return a;
            } catch (CheckpointRefusedException e) {
                refused.add(e.getMessage());
            }
        }
        throw new CheckpointRefusedException("no checkpoint of " + programDir + " is acceptable: " + String.join("; ", refused));
    }

    /** {@link #accept(Path, java.util.function.Consumer)} that drops what it passes over. */
    Accepted accept(Path programDir) throws IOException {
        return accept(programDir, m -> { });
    }

    /**
     * As {@link #accept(Path, java.util.function.Consumer)} for a migration's stop: the first acceptable checkpoint
     * that is a full one of at most {@link #VALIDATE_MAX_BYTES} is opened once (never through a link), read into
     * memory and checked there as a copy would be (regular file, size, magic, talent's reader, its META sequence),
     * its SHA-256 computed over the bytes read (its {@code tag} is null). Its recovery copy is written and tagged by
     * {@link #keepPending()}. A
     * larger checkpoint or a delta is copied and kept at once, as by {@code accept}.
     *
     * @throws CheckpointRefusedException no checkpoint there, or none acceptable (the message says why for each)
     */
    Taken take(Path programDir, java.util.function.Consumer<String> passedOver) throws IOException {
        return take(programDir, passedOver, null);
    }

    /**
     * What the first candidate of a take was once read into memory, its size and magic checked and its SHA-256
     * computed ({@link Accepted#sockets()} -1: not counted yet), before talent's reader validates it; {@code validated}
     * completes once that validation passed (normally) or refused the file (exceptionally). Nothing here may act on
     * the bytes before it completed normally.
     */
    @FunctionalInterface
    interface BeforeValidation {
        void read(Accepted read, byte[] bytes, java.util.concurrent.CompletableFuture<Void> validated) throws IOException;
    }

    /**
     * As {@link #take(Path, java.util.function.Consumer)}, telling {@code before} (null: nobody) of the newest candidate
     * read into memory before it is validated; when that one is refused, the older candidates are taken as without it.
     */
    Taken take(Path programDir, java.util.function.Consumer<String> passedOver, BeforeValidation before) throws IOException {
        keepPending();
        List<CheckpointDirectory.Entry> entries = checkpoints(programDir);
        if (entries.isEmpty()) {
            throw new CheckpointRefusedException("the program's checkpoint directory " + programDir + " holds no checkpoint");
        }
        List<String> refused = new java.util.ArrayList<>();
        boolean first = true;
        for (CheckpointDirectory.Entry entry : entries.subList(0, Math.min(entries.size(), MAX_CANDIDATES))) {
            try {
                Taken t = takeOne(entry, first ? before : null);
                refused.forEach(passedOver);
                if (t.bytes() == null) prune();
                return t;
            } catch (CheckpointRefusedException e) {
                refused.add(e.getMessage());
            }
            first = false;
        }
        throw new CheckpointRefusedException("no checkpoint of " + programDir + " is acceptable: " + String.join("; ", refused));
    }

    private Taken takeOne(CheckpointDirectory.Entry entry, BeforeValidation before) throws IOException {
        Path source = entry.file();
        String name = source.getFileName().toString();
        BasicFileAttributes a = regularFile(source);
        if (isDelta(name) || a.size() > VALIDATE_MAX_BYTES) return new Taken(acceptOne(entry), null);
        if (a.size() > maxBytes) {
            throw new CheckpointRefusedException(source + " is " + a.size() + " bytes, more than the " + maxBytes
                    + " bytes talent accepts; refused");
        }
        byte[] bytes;
        try (SeekableByteChannel in = Files.newByteChannel(source, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            bytes = readAll(in, source, a.size());
        }
        if (bytes.length < MAGIC.length) {
            throw new CheckpointRefusedException(source + " is too short to be a talent checkpoint; refused");
        }
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CheckpointRefusedException(source + " does not start like a talent checkpoint (magic "
                    + new String(MAGIC, StandardCharsets.US_ASCII) + "); refused");
        }
        byte[] sha = sha256().digest(bytes);
        var validated = new java.util.concurrent.CompletableFuture<Void>();
        try {
            if (before != null) before.read(new Accepted(dir.resolve(name), entry.sequence(), null, -1, sha, bytes.length), bytes, validated);
            int sockets = sockets(source, entry.sequence(), () -> CheckpointReader.read(bytes, name), name);
            synchronized (this) {
                // its tag is made when the recovery copy is written (keepPending), after the downtime: the bytes are this
                // process's own from here on, so nothing can change them in between
                pending = new Pending(name, entry.sequence(), bytes);
            }
            validated.complete(null);
            return new Taken(new Accepted(dir.resolve(name), entry.sequence(), null, sockets, sha, bytes.length), bytes);
        } catch (IOException | RuntimeException e) {
            validated.completeExceptionally(e);
            throw e;
        } finally {
            // anything else that went wrong: what was told of the file must not be used either (no-op once completed)
            validated.completeExceptionally(new CheckpointRefusedException(source + " was not accepted; refused"));
        }
    }

    /**
     * Reads {@code in} to its end into memory: {@code size} bytes as the file was found; a file that grew beyond that
     * since is refused (nothing may write it once the program stopped).
     */
    private static byte[] readAll(SeekableByteChannel in, Path from, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size));
        while (buf.hasRemaining() && in.read(buf) >= 0) {
            // read on until the end of the file or the size it had
        }
        // one byte more than it had: it grew (read into a buffer of its own, so the usual case is not copied again)
        if (!buf.hasRemaining() && in.read(ByteBuffer.allocate(1)) > 0) {
            throw new CheckpointRefusedException(from + " grew while talent read it (beyond the " + size + " bytes it had);"
                    + " refused");
        }
        return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
    }

    /**
     * Writes the recovery copy of the checkpoint {@link #take} holds in memory, if there is one: a new file, fsynced,
     * renamed into place with its tag, then older checkpoints pruned as by {@code accept}. The checkpoint is no longer
     * pending afterwards, even when writing it failed (the exception says why; the older ones stay).
     */
    synchronized void keepPending() throws IOException {
        Pending p = pending;
        if (p == null) return;
        pending = null;
        Path tmp = dir.resolve("." + p.name() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
            ByteBuffer b = ByteBuffer.wrap(p.bytes());
            while (b.hasRemaining()) out.write(b);
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        install(tmp, p.name(), mac(p.name()).doFinal(p.bytes()));
        prune();
    }

    /** Whether a checkpoint {@link #take} accepted waits for {@link #keepPending()}. */
    synchronized boolean hasPending() { return pending != null; }

    private static BasicFileAttributes regularFile(Path source) throws IOException {
        BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new CheckpointRefusedException(source + " is " + (a.isSymbolicLink()
                    ? "a symbolic link" : a.isDirectory() ? "a directory" : "not a regular file") + "; refused");
        }
        return a;
    }

    private Accepted acceptOne(CheckpointDirectory.Entry entry) throws IOException {
        binding = null;
        listeners = List.of();
        Path source = entry.file();
        String name = source.getFileName().toString();
        BasicFileAttributes a = regularFile(source);
        if (a.size() > maxBytes) {
            throw new CheckpointRefusedException(source + " is " + a.size() + " bytes, more than the " + maxBytes
                    + " bytes talent accepts; refused");
        }
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        byte[] tag;
        int sockets = -1;
        MessageDigest sha256 = sha256();
        long size;
        try {
            try (SeekableByteChannel in = Files.newByteChannel(source, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                 FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                         LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_RW))) {
                tag = copy(in, out, name, source, true, sha256);
                out.force(true);
                size = out.size();
            }
            if (isDelta(name)) {
                sockets = validateDelta(tmp, source, entry.sequence());
            } else if (Files.size(tmp) <= VALIDATE_MAX_BYTES) {
                // a pre-copy image carries the sequence of the process's last checkpoint, not its round
                sockets = validate(tmp, source, RuntimeContract.PRECOPY_IMAGE_NAME.matcher(name).matches() ? null
                        : entry.sequence());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        install(tmp, name, tag);
        return new Accepted(target, entry.sequence(), tag, sockets, sha256.digest(), size);
    }

    /** Moves the written copy {@code tmp} into place as {@code name}, with its tag file. */
    private void install(Path tmp, String name, byte[] tag) throws IOException {
        Path tagTmp = dir.resolve("." + name + TAG_SUFFIX + ".tmp");
        Files.deleteIfExists(tagTmp);
        Files.writeString(tagTmp, HexFormat.of().formatHex(tag) + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tagTmp, dir.resolve(name + TAG_SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        tags.put(name, tag);
    }

    /**
     * The copy (talent's own file) read completely by the Java reader, its META sequence equal to its name's; returns
     * how many sockets it carries (listening TCP and UDP sockets, recreated by the destination, and TCP connections).
     */
    private int validate(Path copy, Path source, BigInteger sequence) throws CheckpointRefusedException {
        return sockets(source, sequence, () -> CheckpointReader.read(copy), copy.toString());
    }

    /** Reads a checkpoint: from talent's copy, or from the bytes read into memory. */
    @FunctionalInterface
    private interface Read {
        Checkpoint read() throws IOException, CorruptCheckpointException;
    }

    /**
     * The checkpoint {@code read} reads, completely, its META sequence equal to {@code sequence} (null: not checked);
     * returns how many sockets it carries. {@code shown} is how the reader names it, replaced by the file's name.
     */
    private int sockets(Path source, BigInteger sequence, Read read, String shown) throws CheckpointRefusedException {
        binding = null;
        listeners = List.of();
        try {
            Checkpoint c = read.read();
            binding = dev.talent.format.ByteOrderBinding.of(c).orElse(null);
            listeners = listenersOf(c);
            BigInteger meta = new BigInteger(Long.toUnsignedString(c.meta().sequence()));
            if (sequence != null && !meta.equals(sequence)) {
                throw new CheckpointRefusedException(source + ": the name says sequence " + sequence + " but the file says "
                        + meta + "; refused");
            }
            return (int) c.files().stream().filter(f -> f.kind() == dev.talent.format.OpenFile.Kind.LISTENING_SOCKET
                    || f.kind() == dev.talent.format.OpenFile.Kind.TCP_CONNECTION).count();
        } catch (CorruptCheckpointException e) {
            throw new CheckpointRefusedException(source + " is not a valid checkpoint (" + Printable.escape(e.getMessage()
                    .replace(shown, source.getFileName().toString()), 300) + "); refused", e);
        } catch (IOException e) {
            throw new CheckpointRefusedException("cannot read talent's copy of " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * What binds the checkpoint accepted last to its writer's byte order (docs/FORMAT.md "Byte order only"); empty when
     * nothing does or when it was too large for the Java reader to read (its restore then decides).
     */
    Optional<dev.talent.format.ByteOrderBinding> binding() { return Optional.ofNullable(binding); }

    /**
     * The listening TCP sockets of the checkpoint accepted last, as its FILE entries name them: what the program
     * listened on at its stop, also a listener it opened after anything read from /proc before. Empty when it had
     * none or was too large for the Java reader to read.
     */
    List<dev.talent.container.HostListeners.Listener> listeners() { return listeners; }

    /**
     * The listening TCP sockets {@code c}'s FILE entries name. One the listener's own check refuses (which the reader
     * let pass: port 0) is left out: nothing is ended for it, and its restore says what keeps it from binding.
     */
    static List<dev.talent.container.HostListeners.Listener> listenersOf(Checkpoint c) {
        List<dev.talent.container.HostListeners.Listener> out = new java.util.ArrayList<>();
        for (dev.talent.format.OpenFile f : c.files()) {
            if (f.kind() != dev.talent.format.OpenFile.Kind.LISTENING_SOCKET) continue;
            try {
                dev.talent.container.HostListeners.fromCheckpointPath(f.path().toString())
                        .filter(l -> !out.contains(l)).ifPresent(out::add);
            } catch (IllegalArgumentException e) {
                // not one to look at (above)
            }
        }
        return List.copyOf(out);
    }

    /** The accepted checkpoints (full ones and deltas), newest first. */
    List<Accepted> list() throws IOException {
        keepPending();
        return checkpoints(dir).stream().map(e -> new Accepted(e.file(), e.sequence(),
                tags.get(e.file().getFileName().toString()))).toList();
    }

    /** The accepted pre-copy images (the bases of deltas), newest round first. */
    List<Accepted> images() throws IOException {
        keepPending();
        List<Accepted> out = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                java.util.regex.Matcher m = RuntimeContract.PRECOPY_IMAGE_NAME.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Accepted(f, new BigInteger(m.group(1)), tags.get(f.getFileName().toString())));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Accepted::sequence).reversed());
        return out;
    }

    /**
     * The checkpoint files of {@code dir}, newest first: {@code ckpt-<sequence>.tck} and, written after a pre-copy
     * round, {@code ckpt-<sequence>.tdl}; regular files only (never a link, nor a FIFO that would block a reader).
     */
    static List<CheckpointDirectory.Entry> checkpoints(Path dir) throws IOException {
        List<CheckpointDirectory.Entry> out = new java.util.ArrayList<>(CheckpointDirectory.list(dir));
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                java.util.regex.Matcher m = RuntimeContract.CHECKPOINT_DELTA_NAME.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new CheckpointDirectory.Entry(f, new BigInteger(m.group(1))));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(CheckpointDirectory.Entry::sequence).reversed());
        return out;
    }

    static boolean isDelta(String name) {
        return name.endsWith(RuntimeContract.DELTA_SUFFIX);
    }

    /**
     * Accepts the pre-copy image {@code name} the running program's round left in {@code programDir} (its tag and
     * SHA-256 as for a checkpoint; validated by the Java reader up to {@link #VALIDATE_MAX_BYTES}): the base a delta
     * written at the stop refers to. Older images that no kept delta refers to are removed.
     */
    Accepted acceptImage(Path programDir, String name) throws IOException {
        if (!RuntimeContract.PRECOPY_IMAGE_NAME.matcher(name).matches()) {
            throw new CheckpointRefusedException(name + " is not the name of a pre-copy image; refused");
        }
        java.util.regex.Matcher m = RuntimeContract.PRECOPY_IMAGE_NAME.matcher(name);
        if (!m.matches()) throw new IllegalStateException(name);
        keepPending();
        Accepted a = acceptOne(new CheckpointDirectory.Entry(programDir.resolve(name), new BigInteger(m.group(1))));
        prune();
        return a;
    }

    /**
     * A delta's base name, read from the header of talent's copy (bounded; the runtime reads it again and checks the
     * base's length and CRC). Null when the header does not name a pre-copy image.
     */
    static String deltaBase(Path delta) throws IOException {
        byte[] head = new byte[DELTA_NAME_OFFSET + 4 + DELTA_MAX_NAME];
        int n;
        try (InputStream in = Files.newInputStream(delta, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n < DELTA_NAME_OFFSET + 4 || !Arrays.equals(head, 0, 8, DELTA_MAGIC, 0, 8)) return null;
        int len = ByteBuffer.wrap(head).getInt(DELTA_NAME_OFFSET);
        if (len < 1 || len > DELTA_MAX_NAME || DELTA_NAME_OFFSET + 4 + len > n) return null;
        String name = new String(head, DELTA_NAME_OFFSET + 4, len, StandardCharsets.US_ASCII);
        return RuntimeContract.PRECOPY_IMAGE_NAME.matcher(name).matches() ? name : null;
    }

    /**
     * A delta (talent's copy, in this directory) must name a pre-copy image talent accepted; when both are small
     * enough it is rebuilt against that image and read completely, its META sequence equal to its name's.
     */
    private int validateDelta(Path copy, Path source, BigInteger sequence) throws IOException {
        String base = deltaBase(copy);
        if (base == null) {
            throw new CheckpointRefusedException(source + " is not a valid checkpoint delta (its header names no pre-copy "
                    + "image); refused");
        }
        Path basePath = dir.resolve(base);
        if (!Files.isRegularFile(basePath, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointRefusedException(source + " is a delta from " + base + ", an image talent did not accept; "
                    + "refused");
        }
        binding = null;
        listeners = List.of();
        if (Files.size(copy) > VALIDATE_MAX_BYTES || Files.size(basePath) > VALIDATE_MAX_BYTES) return -1;
        try {
            Checkpoint c = dev.talent.format.CheckpointDelta.read(copy);
            binding = dev.talent.format.ByteOrderBinding.of(c).orElse(null);
            listeners = listenersOf(c);
            BigInteger meta = new BigInteger(Long.toUnsignedString(c.meta().sequence()));
            if (!meta.equals(sequence)) {
                throw new CheckpointRefusedException(source + ": the name says sequence " + sequence + " but the file says "
                        + meta + "; refused");
            }
            return (int) c.files().stream().filter(f -> f.kind() == dev.talent.format.OpenFile.Kind.LISTENING_SOCKET
                    || f.kind() == dev.talent.format.OpenFile.Kind.TCP_CONNECTION).count();
        } catch (CorruptCheckpointException e) {
            throw new CheckpointRefusedException(source + " is not a valid checkpoint delta (" + Printable.escape(e.getMessage()
                    .replace(copy.toString(), source.getFileName().toString()), 300) + "); refused", e);
        }
    }

    Optional<Accepted> newest() throws IOException {
        return list().stream().findFirst();
    }

    private void prune() throws IOException {
        List<Accepted> all = list();
        for (Accepted old : all.subList(Math.min(KEEP, all.size()), all.size())) {
            Files.deleteIfExists(old.file());
            Files.deleteIfExists(dir.resolve(old.name() + TAG_SUFFIX));
            tags.remove(old.name());
        }
        // pre-copy images: the newest (a migration in progress may use it) and those the kept deltas refer to
        List<Accepted> images = images();
        if (images.isEmpty()) return;
        Set<String> keep = new java.util.HashSet<>();
        keep.add(images.get(0).name());
        for (Accepted a : all.subList(0, Math.min(KEEP, all.size()))) {
            if (isDelta(a.name())) {
                String base = deltaBase(a.file());
                if (base != null) keep.add(base);
            }
        }
        for (Accepted image : images) {
            if (keep.contains(image.name())) continue;
            Files.deleteIfExists(image.file());
            Files.deleteIfExists(dir.resolve(image.name() + TAG_SUFFIX));
            tags.remove(image.name());
        }
    }

    /**
     * Copies {@code accepted} into {@code emptyDir} (a checkpoint directory talent has just emptied) under its own
     * name, checking its tag on the bytes as they are copied; nothing is left there when the check fails.
     *
     * @throws CheckpointRefusedException the file no longer matches the tag talent gave it (or has none)
     */
    void copyInto(Accepted accepted, Path emptyDir) throws IOException {
        byte[] expected = accepted.tag() != null ? accepted.tag() : tags.get(accepted.name());
        if (expected == null) expected = readTag(accepted);
        Path part = emptyDir.resolve("." + accepted.name() + ".part");
        byte[] actual;
        try (SeekableByteChannel in = Files.newByteChannel(accepted.file(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             FileChannel out = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS))) {
            // not fsynced: the destination reads it right away, and the durable copy is the accepted one, which a
            // recovery copies again (docs/FORMAT.md "Durability")
            actual = copy(in, out, accepted.name(), accepted.file(), false, null);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            Files.deleteIfExists(part);
            throw new CheckpointRefusedException("checkpoint " + accepted.file() + " fails its authentication (HMAC-SHA256): "
                    + "it changed after talent accepted it; refused");
        }
        Files.move(part, emptyDir.resolve(accepted.name()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Checks the tag of {@code accepted} without copying it. */
    void verify(Accepted accepted) throws IOException {
        byte[] expected = accepted.tag() != null ? accepted.tag() : tags.get(accepted.name());
        if (expected == null) expected = readTag(accepted);
        byte[] actual;
        try (SeekableByteChannel in = Files.newByteChannel(accepted.file(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            actual = copy(in, null, accepted.name(), accepted.file(), false, null);
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new CheckpointRefusedException("checkpoint " + accepted.file() + " fails its authentication (HMAC-SHA256): "
                    + "it changed after talent accepted it; refused");
        }
    }

    private byte[] readTag(Accepted accepted) throws IOException {
        Path tagFile = dir.resolve(accepted.name() + TAG_SUFFIX);
        try {
            if (Files.size(tagFile) > 200) throw new CheckpointRefusedException("the tag file " + tagFile + " is too long; refused");
            return HexFormat.of().parseHex(Files.readString(tagFile).strip());
        } catch (NoSuchFileException e) {
            throw new CheckpointRefusedException("checkpoint " + accepted.file() + " has no tag (" + tagFile
                    + "): talent did not accept it; refused");
        } catch (IllegalArgumentException e) {
            throw new CheckpointRefusedException("the tag file " + tagFile + " is not hexadecimal; refused");
        }
    }

    /**
     * Opens {@code accepted} for a destination, bounded by {@link #maxBytes}. Its tag is not checked on the way: the
     * destination checks the bytes against the SHA-256 that was computed in the same pass as the tag when talent
     * accepted the file and that the source signed ({@link Accepted#sha256()}), so a file changed since is refused
     * there, and the hand-over hashes the bytes once on each side, as the tagged copy did.
     */
    InputStream open(Accepted accepted) throws IOException {
        InputStream in = Channels.newInputStream(Files.newByteChannel(accepted.file(), Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)));
        return new FilterInputStream(in) {
            private long total;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && (total += n) > maxBytes) {
                    throw new CheckpointRefusedException(accepted.file() + " grew beyond the " + maxBytes
                            + " bytes talent accepts; refused");
                }
                return n;
            }
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    /**
     * Copies {@code in} to {@code out} (null: only reads), returning the tag; bounded by {@link #maxBytes}; the bytes
     * also go to {@code digest} when there is one.
     */
    private byte[] copy(SeekableByteChannel in, FileChannel out, String name, Path from, boolean checkMagic,
            MessageDigest digest) throws IOException {
        Mac mac = mac(name);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long total = 0;
        boolean magicSeen = !checkMagic;
        byte[] magic = isDelta(name) ? DELTA_MAGIC : MAGIC;
        while (in.read(buf) >= 0) {
            if (!magicSeen) {
                if (buf.position() < MAGIC.length) continue; // a short first read: read on
                if (!Arrays.equals(buf.array(), 0, magic.length, magic, 0, magic.length)) {
                    throw new CheckpointRefusedException(from + " does not start like a talent checkpoint (magic "
                            + new String(magic, StandardCharsets.US_ASCII) + "); refused");
                }
                magicSeen = true;
            }
            total += buf.position();
            if (total > maxBytes) {
                throw new CheckpointRefusedException(from + " grew beyond the " + maxBytes + " bytes talent accepts; refused");
            }
            buf.flip();
            mac.update(buf.duplicate());
            if (digest != null) digest.update(buf.duplicate());
            if (out != null) {
                while (buf.hasRemaining()) out.write(buf);
            }
            buf.clear();
        }
        if (!magicSeen) throw new CheckpointRefusedException(from + " is too short to be a talent checkpoint; refused");
        return mac.doFinal();
    }

    private Mac mac(String name) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            mac.update(("talent-checkpoint-v1\n" + app + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** Removes every accepted checkpoint and its tag, keeping the key (a new run starts from nothing). */
    void clear() throws IOException {
        synchronized (this) {
            pending = null;
        }
        for (Accepted a : list()) {
            Files.deleteIfExists(a.file());
            Files.deleteIfExists(dir.resolve(a.name() + TAG_SUFFIX));
        }
        for (Accepted a : images()) {
            Files.deleteIfExists(a.file());
            Files.deleteIfExists(dir.resolve(a.name() + TAG_SUFFIX));
        }
        tags.clear();
    }

    /** Removes every accepted checkpoint and the key (the app has ended: nothing is left to resume). */
    void removeAll() throws IOException {
        synchronized (this) {
            pending = null;
        }
        StateFiles.deleteTree(dir);
        tags.clear();
    }
}
