package dev.talent.migrate.control;

import static dev.talent.migrate.control.ControlException.Reason.BAD_NAME;
import static dev.talent.migrate.control.ControlException.Reason.IO;
import static dev.talent.migrate.control.ControlException.Reason.UNSAFE_DIRECTORY;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the control sockets of the current user live: {@code $XDG_RUNTIME_DIR/talent/} when that variable names
 * a writable directory, else {@code /tmp/talent-<uid>/}; one socket {@code <app>.sock} per running app.
 *
 * <p>The directory is the access control: mode 0700 and owned by the user, checked before every use, so other
 * users can neither connect nor plant a socket for us to talk to. (A server and a client must agree on the
 * directory: a {@code talent run} started without XDG_RUNTIME_DIR is found only by clients without it too.)
 */
public final class ControlPaths {
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    static final String SUFFIX = ".sock";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    private ControlPaths(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The directory for the current user and environment (see the class comment). */
    public static ControlPaths forCurrentUser() {
        return resolve(System.getenv(), CurrentUser.uid());
    }

    /** A given directory (tests, or a caller with its own location); it must still be 0700 and the user's. */
    public static ControlPaths at(Path directory) {
        return new ControlPaths(directory);
    }

    static ControlPaths resolve(Map<String, String> env, int uid) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            Path dir = Path.of(runtime);
            if (dir.isAbsolute() && Files.isDirectory(dir) && Files.isWritable(dir)) return new ControlPaths(dir.resolve("talent"));
        }
        return new ControlPaths(Path.of("/tmp", "talent-" + uid));
    }

    public Path directory() {
        return directory;
    }

    /**
     * The socket of app {@code app}.
     *
     * @throws ControlException BAD_NAME: the name is not 1-64 of letters, digits, '.', '_', '-' (not starting with
     *     '.' or '-'), or the path would exceed the 107 bytes a Unix socket path can have
     */
    public Path socketFor(String app) throws ControlException {
        if (app == null || !NAME.matcher(app).matches()) {
            throw new ControlException(BAD_NAME, "app name \"" + app + "\" is not usable: use 1 to 64 letters, digits, '.', '_' "
                    + "or '-', not starting with '.' or '-'");
        }
        Path socket = directory.resolve(app + SUFFIX);
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new ControlException(BAD_NAME, "socket path " + socket + " is " + bytes + " bytes, more than the "
                    + MAX_SOCKET_PATH_BYTES + " a Unix socket path can have: choose a shorter name"
                    + " or set XDG_RUNTIME_DIR to a shorter directory");
        }
        return socket;
    }

    /**
     * Creates the directory (mode 0700) unless it exists, then checks it as {@link #checkDirectory()} does.
     *
     * @throws ControlException UNSAFE_DIRECTORY (see {@link #checkDirectory()}), IO: it cannot be created
     */
    public void ensureDirectory() throws ControlException {
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            // Checked below, whoever created it.
        } catch (IOException e) {
            throw new ControlException(IO, "cannot create the control directory " + directory + ": " + describe(e), e);
        }
        checkDirectory();
    }

    /**
     * Whether the directory exists; when it does, that it is safe to use.
     *
     * @throws ControlException UNSAFE_DIRECTORY: it is a symbolic link or not a directory, belongs to another
     *     user, or is accessible to group or others; nothing in it is used then
     */
    public boolean checkDirectory() throws ControlException {
        PosixFileAttributes attributes;
        int owner;
        try {
            attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new ControlException(IO, "cannot read the control directory " + directory + ": " + describe(e), e);
        }
        if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
            throw new ControlException(UNSAFE_DIRECTORY, "the control directory " + directory + " is "
                    + (attributes.isSymbolicLink() ? "a symbolic link" : "not a directory") + "; talent does not use it: remove it");
        }
        int uid = CurrentUser.uid();
        if (owner != uid) {
            throw new ControlException(UNSAFE_DIRECTORY, "the control directory " + directory + " belongs to uid " + owner
                    + ", not to you (uid " + uid + "); talent does not use it: have it removed, or set XDG_RUNTIME_DIR "
                    + "to a directory of yours");
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(attributes.permissions());
        extra.removeAll(OWNER_ONLY);
        if (!extra.isEmpty()) {
            throw new ControlException(UNSAFE_DIRECTORY, "the control directory " + directory + " has mode "
                    + PosixFilePermissions.toString(attributes.permissions()) + "; it must be accessible to you only: chmod 700 "
                    + directory);
        }
        return true;
    }

    /**
     * The apps whose sockets accept a connection, and the stale sockets, both sorted by name. Only connects
     * (the server ignores a connection that sends nothing); a missing directory means no apps.
     *
     * @throws ControlException UNSAFE_DIRECTORY, IO: the directory cannot be listed
     */
    public AppListing listApps() throws ControlException {
        if (!checkDirectory()) return new AppListing(List.of(), List.of());
        List<Path> sockets;
        try (Stream<Path> entries = Files.list(directory)) {
            sockets = entries.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .filter(ControlPaths::isSocket).sorted().toList();
        } catch (IOException e) {
            throw new ControlException(IO, "cannot list the control directory " + directory + ": " + describe(e), e);
        }
        List<String> running = new ArrayList<>();
        List<Path> stale = new ArrayList<>();
        for (Path socket : sockets) {
            String name = socket.getFileName().toString();
            if (answers(socket)) running.add(name.substring(0, name.length() - SUFFIX.length()));
            else stale.add(socket);
        }
        return new AppListing(running, stale);
    }

    private static boolean isSocket(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            // Vanished since the listing, or not ours to connect to: either way no app we can talk to.
            return false;
        }
    }

    static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
