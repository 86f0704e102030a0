package dev.talent.migrate.control;

import static dev.talent.migrate.control.ControlException.Reason.INTERNAL;
import static dev.talent.migrate.control.ControlException.Reason.IO;
import static dev.talent.migrate.control.ControlException.Reason.NOT_RUNNING;
import static dev.talent.migrate.control.ControlException.Reason.PERMISSION_DENIED;
import static dev.talent.migrate.control.ControlException.Reason.PROTOCOL;
import static dev.talent.migrate.control.ControlException.Reason.REFUSED;
import static dev.talent.migrate.control.ControlException.Reason.TIMEOUT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks to running apps through their control sockets ({@code talent status}, {@code talent migrate}). Every
 * failure is a {@link ControlException} whose message names the app and the socket.
 */
public final class ControlClient {
    /** How long a status or a queued migrate may take to be answered. */
    public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final ControlPaths paths;
    private final Duration answerTimeout;

    public ControlClient(ControlPaths paths) {
        this(paths, ANSWER_TIMEOUT);
    }

    ControlClient(ControlPaths paths, Duration answerTimeout) {
        this.paths = paths;
        this.answerTimeout = answerTimeout;
    }

    public static ControlClient forCurrentUser() {
        return new ControlClient(ControlPaths.forCurrentUser());
    }

    public ControlPaths paths() {
        return paths;
    }

    /** The apps that accept connections, and the stale sockets (see {@link ControlPaths#listApps()}). */
    public AppListing listApps() throws ControlException {
        return paths.listApps();
    }

    /** The status of app {@code app}; waits at most {@link #ANSWER_TIMEOUT}. */
    public StatusReport status(String app) throws ControlException {
        JsonNode response = exchange(app, new ControlProtocol.Request.Status(), Optional.of(answerTimeout));
        return field(app, response, "status", StatusReport.class);
    }

    /**
     * Asks app {@code app} to migrate now, to {@code to} or (empty) to a platform it chooses. With {@code wait},
     * returns the record once the migration is over (its {@code ok} says whether it succeeded), however long that
     * takes; without, returns empty once the app accepted the request (at most {@link #ANSWER_TIMEOUT}).
     *
     * @throws ControlException REFUSED: the app declined (the message says why), NOT_RUNNING, PERMISSION_DENIED,
     *     TIMEOUT, IO (e.g. the app ended while migrating), PROTOCOL, INTERNAL
     */
    public Optional<MigrationRecord> migrate(String app, Optional<String> to, boolean wait) throws ControlException {
        JsonNode response = exchange(app, new ControlProtocol.Request.Migrate(to, wait),
                wait ? Optional.empty() : Optional.of(answerTimeout));
        if (!wait) return Optional.empty();
        return Optional.of(field(app, response, "migration", MigrationRecord.class));
    }

    /**
     * Tells app {@code app} of an alert (already in the alert book); returns what it did, once any migration away
     * from a tagged platform is over (that is, waits as long as the migration takes).
     */
    public dev.talent.policy.Alert.Effect alert(String app, dev.talent.policy.Alert alert) throws ControlException {
        JsonNode response = exchange(app, new ControlProtocol.Request.RaiseAlert(alert), Optional.empty());
        return field(app, response, "effect", dev.talent.policy.Alert.Effect.class);
    }

    /** Tells app {@code app} that the alerts with {@code tag} were cleared. */
    public void clearAlert(String app, String tag) throws ControlException {
        exchange(app, new ControlProtocol.Request.ClearAlert(tag), Optional.of(answerTimeout));
    }

    /**
     * Who holds {@code app}'s socket, for a server about to start: empty when nothing accepts connections on it
     * (no socket, or a stale one), else a description ("pid 123", or why it could not say).
     */
    Optional<String> occupant(String app, Duration timeout) {
        try {
            return Optional.of("pid " + exchange(app, new ControlProtocol.Request.Ping(), Optional.of(timeout)).path("pid").asLong());
        } catch (ControlException e) {
            return switch (e.reason()) {
                case NOT_RUNNING -> Optional.empty();
                case TIMEOUT -> Optional.of("it accepts connections but did not answer within " + seconds(timeout));
                default -> Optional.of(e.getMessage());
            };
        }
    }

    /** One request, one response; the response is returned only when it says ok. */
    private JsonNode exchange(String app, ControlProtocol.Request request, Optional<Duration> timeout) throws ControlException {
        Path socket = paths.socketFor(app);
        if (!paths.checkDirectory() || !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw notRunning(app, "no socket at " + socket);
        }
        String line;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            connect(app, socket, channel);
            LineChannel lines = new LineChannel(channel);
            IOException unsent = null;
            try {
                lines.writeLine(ControlProtocol.encode(request));
            } catch (IOException e) {
                // The other side may have answered (e.g. with an error) and closed before reading: read it anyway.
                unsent = e;
            }
            Optional<String> answer = lines.readLine(timeout);
            if (answer.isEmpty() && unsent != null) throw unsent;
            line = answer.orElseThrow(() -> new ControlException(IO, "app " + app
                    + " closed the connection without answering (did it just end? socket " + socket + ")"));
        } catch (LineChannel.TimeoutException e) {
            throw new ControlException(TIMEOUT, "app " + app + " did not answer within " + seconds(timeout.orElseThrow())
                    + " (socket " + socket + "); it may be busy or stuck", e);
        } catch (LineChannel.LineTooLongException e) {
            throw new ControlException(PROTOCOL, "app " + app + " answered with a line longer than "
                    + LineChannel.MAX_LINE_BYTES + " bytes (socket " + socket + ")", e);
        } catch (IOException e) {
            throw new ControlException(IO, "talking to app " + app + " (socket " + socket + ") failed: " + ControlPaths.describe(e), e);
        }
        return checked(app, socket, line);
    }

    private static void connect(String app, Path socket, SocketChannel channel) throws ControlException, IOException {
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            throw notRunning(app, "stale socket at " + socket + ": the app ended without removing it");
        } catch (AccessDeniedException e) {
            throw permissionDenied(app, socket, e);
        } catch (SocketException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Permission denied")) throw permissionDenied(app, socket, e);
            if (message.contains("No such file")) throw notRunning(app, "no socket at " + socket);
            throw e;
        }
    }

    private static JsonNode checked(String app, Path socket, String line) throws ControlException {
        JsonNode response;
        try {
            response = ControlJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw notOurs(socket, line);
        }
        if (response == null || !response.isObject() || !response.path("ok").isBoolean()) throw notOurs(socket, line);
        if (response.get("ok").booleanValue()) return response;
        String error = response.path("error").asText("(no message)");
        throw switch (response.path("code").asText("")) {
            case ControlProtocol.REFUSED -> new ControlException(REFUSED, "app " + app + " declined: " + error);
            case ControlProtocol.PERMISSION_DENIED -> new ControlException(PERMISSION_DENIED, error);
            case ControlProtocol.BAD_REQUEST -> new ControlException(PROTOCOL, "app " + app + " did not understand the request ("
                    + error + "); is it running a different talent version?");
            case ControlProtocol.INTERNAL -> new ControlException(INTERNAL, "app " + app + " failed to answer: " + error);
            default -> new ControlException(PROTOCOL, "app " + app + " answered an error talent does not know: " + error);
        };
    }

    private static <T> T field(String app, JsonNode response, String name, Class<T> type) throws ControlException {
        JsonNode value = response.get(name);
        if (value == null || !value.isObject()) {
            throw new ControlException(PROTOCOL, "app " + app + " answered without \"" + name + "\": " + abbreviate(response.toString()));
        }
        try {
            return ControlJson.MAPPER.treeToValue(value, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ControlException(PROTOCOL, "app " + app + " answered a malformed \"" + name + "\": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    private static ControlException notRunning(String app, String detail) {
        return new ControlException(NOT_RUNNING, "no app named " + app + " is running (" + detail + ")");
    }

    private static ControlException permissionDenied(String app, Path socket, Exception cause) {
        return new ControlException(PERMISSION_DENIED, "permission denied connecting to " + socket
                + ": app " + app + " belongs to another user (only the user who started it can control it)", cause);
    }

    private static ControlException notOurs(Path socket, String line) {
        return new ControlException(PROTOCOL, "what answers on " + socket + " does not speak talent's control protocol: "
                + abbreviate(line));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
