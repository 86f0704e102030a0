package dev.talent.migrate.control;

import static dev.talent.migrate.control.ControlException.Reason.ALREADY_RUNNING;
import static dev.talent.migrate.control.ControlException.Reason.IO;
import static dev.talent.migrate.control.ControlException.Reason.UNSAFE_DIRECTORY;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;

/**
 * The control socket of one running app: accepts connections on {@code <dir>/<app>.sock} (mode 0600 in the
 * user's 0700 directory), checks that each peer is the same user (SO_PEERCRED; root is not an exception: a
 * socket serves the user who started the app), reads one request line, asks the {@link ControlHandler}, answers
 * one line and closes. Protocol: {@link ControlProtocol}.
 *
 * <p>Threads: one daemon platform thread accepts; each connection gets a virtual thread, since a waiting
 * {@code migrate} may block for as long as the migration takes. {@link #close()} stops accepting, interrupts
 * the connection threads and removes the socket file (only if it is still the one this server bound).
 */
public final class ControlServer implements AutoCloseable {
    /** A connected client sends its request at once; one that does not within this time is dropped. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long start() waits for an existing socket's app to say who it is. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** How long close() lets interrupted connections answer before closing them. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final String app;
    private final ControlPaths paths;
    private final Path socket;
    private final ControlHandler handler;
    private final ServerSocketChannel server;
    private final Object socketFileKey;
    private final UserPrincipal owner;
    private final long pid = ProcessHandle.current().pid();
    private final Map<SocketChannel, Thread> connections = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(String app, ControlPaths paths, Path socket, ControlHandler handler, ServerSocketChannel server,
            Object socketFileKey, UserPrincipal owner) {
        this.app = app;
        this.paths = paths;
        this.socket = socket;
        this.handler = handler;
        this.server = server;
        this.socketFileKey = socketFileKey;
        this.owner = owner;
        this.acceptor = Thread.ofPlatform().daemon().name("talent-control-" + app).unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code <paths.directory()>/<app>.sock} and starts serving. A stale socket (its app ended without
     * removing it) is replaced.
     *
     * @throws ControlException BAD_NAME (see {@link ControlPaths#socketFor}), UNSAFE_DIRECTORY, ALREADY_RUNNING
     *     (an app with this name answers on the socket: "choose another --name"), IO
     */
    public static ControlServer start(ControlPaths paths, String app, ControlHandler handler) throws ControlException {
        Objects.requireNonNull(handler, "handler");
        Path socket = paths.socketFor(app);
        paths.ensureDirectory();
        // Two apps starting with the same name could both find the socket stale and the second delete the
        // first's fresh socket; the lock makes check-remove-bind one step per name.
        try (FileChannel lockFile = FileChannel.open(paths.directory().resolve(app + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            assert lock.isValid();
            removeStale(paths, app, socket);
            return bind(app, socket, paths, handler);
        } catch (OverlappingFileLockException e) {
            throw startedTogether(app, socket, null);
        } catch (IOException e) {
            throw new ControlException(IO, "cannot lock " + paths.directory().resolve(app + ".lock") + ": " + ControlPaths.describe(e), e);
        }
    }

    private static ControlException startedTogether(String app, Path socket, Exception cause) {
        return new ControlException(ALREADY_RUNNING, "an app named " + app + " started at the same moment (socket " + socket
                + "); choose another --name", cause);
    }

    private static ControlServer bind(String app, Path socket, ControlPaths paths, ControlHandler handler) throws ControlException {
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            // The directory already keeps others out; 0600 keeps the socket private even if it is moved or the
            // directory's mode is loosened later.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            UserPrincipal owner = Files.getOwner(paths.directory(), LinkOption.NOFOLLOW_LINKS);
            ControlServer started = new ControlServer(app, paths, socket, handler, server, key, owner);
            started.acceptor.start();
            return started;
        } catch (BindException e) {
            close(server);
            throw startedTogether(app, socket, e);
        } catch (IOException e) {
            close(server);
            throw new ControlException(IO, "cannot serve control socket " + socket + ": " + ControlPaths.describe(e), e);
        }
    }

    /** Refuses when an app answers on {@code socket}; deletes it when nothing does. */
    private static void removeStale(ControlPaths paths, String app, Path socket) throws ControlException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new ControlException(IO, "cannot read " + socket + ": " + ControlPaths.describe(e), e);
        }
        if (!attributes.isOther()) {
            throw new ControlException(UNSAFE_DIRECTORY, socket + " exists and is not a socket; talent does not remove it: "
                    + "move it away or choose another --name");
        }
        Optional<String> occupant = new ControlClient(paths).occupant(app, PROBE_TIMEOUT);
        if (occupant.isPresent()) {
            throw new ControlException(ALREADY_RUNNING, "an app named " + app + " is already running (" + occupant.get()
                    + "); choose another --name");
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new ControlException(IO, "cannot remove the stale socket " + socket + ": " + ControlPaths.describe(e), e);
        }
    }

    public String app() {
        return app;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) handler.serverFailed(e);
                return;
            }
            Thread thread = Thread.ofVirtual().name("talent-control-" + app + "-connection").unstarted(() -> serve(connection));
            connections.put(connection, thread);
            if (closed) {
                close(connection);
                connections.remove(connection);
                return;
            }
            thread.start();
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            LineChannel lines = new LineChannel(connection);
            // Read before judging the peer, so that a refused client gets its answer instead of a broken pipe.
            Optional<String> line = lines.readLine(Optional.of(REQUEST_TIMEOUT));
            if (line.isEmpty()) return; // a liveness probe: connected and closed
            UserPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
            Optional<String> refusal = refusal(peer, owner, app);
            if (HttpAlerts.isRequestLine(line.get())) {
                // the same socket speaks HTTP for intrusion detection systems (POST /v1/alerts); who may use it is
                // decided as for the line protocol: the socket's permissions and the peer's uid
                new HttpAlerts(new AlertDispatcher(paths)).serve(line.get(), lines, refusal);
                return;
            }
            ObjectNode response = refusal.isPresent()
                    ? ControlProtocol.failure(app, pid, ControlProtocol.PERMISSION_DENIED, refusal.get())
                    : answer(line.get());
            lines.writeLine(response.toString());
        } catch (IOException e) {
            // The client went away, timed out or sent an overlong line, or the server is closing: nothing to
            // answer to, and the run goes on.
        } finally {
            connections.remove(connection);
        }
    }

    /**
     * Whether {@code peer} may use the socket of an app whose control directory belongs to {@code owner}: only
     * the same user. Root is refused too: its own talent commands look in its own directory, and a socket that
     * root could reach would make another user's app controllable by whoever becomes root by mistake (sudo).
     *
     * @return the message for the peer when refused
     */
    static Optional<String> refusal(UserPrincipal peer, UserPrincipal owner, String app) {
        if (peer.equals(owner)) return Optional.empty();
        return Optional.of("permission denied: app " + app + " belongs to user " + owner.getName() + "; user " + peer.getName()
                + " may not control it (only the user who started it can)");
    }

    private ObjectNode answer(String line) {
        ControlProtocol.Request request;
        try {
            request = ControlProtocol.decode(line);
        } catch (ControlProtocol.BadRequestException e) {
            return ControlProtocol.failure(app, pid, ControlProtocol.BAD_REQUEST, e.getMessage());
        }
        try {
            ObjectNode response = ControlProtocol.success(app, pid);
            switch (request) {
                case ControlProtocol.Request.Ping p -> { }
                case ControlProtocol.Request.Status s -> {
                    StatusReport status = Objects.requireNonNull(handler.status(), "status() returned null");
                    response.set("status", ControlJson.MAPPER.valueToTree(status));
                }
                case ControlProtocol.Request.Migrate m -> {
                    Optional<MigrationRecord> done = Objects.requireNonNull(handler.migrate(m.to(), m.untilDone()), "migrate() returned null");
                    if (m.untilDone() && done.isEmpty()) throw new IllegalStateException("migrate(wait) returned no record");
                    if (done.isPresent()) response.set("migration", ControlJson.MAPPER.valueToTree(done.get()));
                    else response.put("queued", true);
                }
                case ControlProtocol.Request.RaiseAlert a -> {
                    if (!a.alert().concerns(app)) throw new ControlRequestException("alert " + a.alert().tag() + " is for app " + a.alert().app());
                    response.set("effect", ControlJson.MAPPER.valueToTree(Objects.requireNonNull(handler.alert(a.alert()))));
                }
                case ControlProtocol.Request.ClearAlert c -> handler.alertCleared(c.tag());
            }
            return response;
        } catch (ControlRequestException e) {
            return ControlProtocol.failure(app, pid, ControlProtocol.REFUSED, e.getMessage());
        } catch (InterruptedException e) {
            return ControlProtocol.failure(app, pid, ControlProtocol.REFUSED, "the app is shutting down");
        } catch (RuntimeException e) {
            return ControlProtocol.failure(app, pid, ControlProtocol.INTERNAL, "internal error in talent run: " + e);
        }
    }

    /** Stops accepting, ends open connections and removes the socket file. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        close(server);
        // Interrupted, a waiting migrate answers "shutting down"; give the threads a moment to say so, then cut
        // off whatever is still open.
        connections.values().forEach(Thread::interrupt);
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        try {
            acceptor.join(CLOSE_GRACE);
            for (Thread thread : connections.values()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.keySet().forEach(ControlServer::close);
        try {
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            // Another app may have replaced a socket it (wrongly) found stale; its socket is not ours to remove.
            if (Objects.equals(key, socketFileKey)) Files.deleteIfExists(socket);
        } catch (IOException e) {
            // Gone already, or the directory went away: nothing left to clean.
        }
    }

    private static void close(java.nio.channels.Channel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort; the descriptor is released either way.
        }
    }
}
