package dev.talent.migrate.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ControlServerTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir Path temp;
    private ControlPaths paths;
    private ControlClient client;
    private RecordingHandler handler;
    private final List<ControlServer> servers = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        paths = ControlPaths.at(temp.resolve("ctl"));
        client = new ControlClient(paths);
        handler = new RecordingHandler(Samples.status("counter", PID), Samples.succeeded("counter"));
    }

    @AfterEach
    void closeServers() {
        servers.forEach(ControlServer::close);
    }

    private ControlServer start(String app, ControlHandler h) throws ControlException {
        ControlServer server = ControlServer.start(paths, app, h);
        servers.add(server);
        return server;
    }

    /** Sends {@code line} as it is and returns the answer, as a client of another talent version would. */
    private JsonNode raw(String app, String line) throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(paths.socketFor(app)))) {
            LineChannel lines = new LineChannel(channel);
            lines.writeLine(line);
            return ControlJson.MAPPER.readTree(lines.readLine(Optional.empty()).orElseThrow());
        }
    }

    @Test
    void statusRoundTrip() throws Exception {
        ControlServer server = start("counter", handler);

        assertThat(client.status("counter")).isEqualTo(Samples.status("counter", PID));
        JsonNode answer = raw("counter", "{\"op\":\"status\"}");
        assertThat(answer.get("ok").booleanValue()).isTrue();
        assertThat(answer.get("app").asText()).isEqualTo("counter");
        assertThat(answer.get("pid").asLong()).isEqualTo(PID);
        assertThat(answer.at("/status/state").asText()).isEqualTo("running");
        assertThat(server.socket()).isEqualTo(temp.resolve("ctl/counter.sock"));
    }

    @Test
    void directoryAndSocketAreTheUsersOnly() throws Exception {
        start("counter", handler);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.directory()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.socketFor("counter")))).isEqualTo("rw-------");
    }

    @Test
    void migrateWaitsForTheRecord() throws Exception {
        start("counter", handler);
        handler.holdMigrations();

        CompletableFuture<Optional<MigrationRecord>> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return client.migrate("counter", Optional.of("s390x"), true);
            } catch (ControlException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(handler.migrateEntered.await(10, TimeUnit.SECONDS)).isTrue();
        // The handler has not returned, so there can be no answer yet.
        assertThat(answer).isNotDone();
        handler.release();

        assertThat(answer.get(10, TimeUnit.SECONDS)).contains(Samples.succeeded("counter"));
        assertThat(handler.migrateCalls).containsExactly(new RecordingHandler.MigrateCall(Optional.of("s390x"), true));
    }

    @Test
    void migrateWithoutWaitingOnlyQueues() throws Exception {
        start("counter", handler);

        assertThat(client.migrate("counter", Optional.empty(), false)).isEmpty();
        assertThat(handler.migrateCalls).containsExactly(new RecordingHandler.MigrateCall(Optional.empty(), false));
        assertThat(raw("counter", "{\"op\":\"migrate\",\"to\":null,\"wait\":false}").get("queued").booleanValue()).isTrue();
    }

    @Test
    void failedMigrationIsAnAnswerNotAnError() throws Exception {
        handler.record = Samples.failedAtSync("counter");
        start("counter", handler);

        MigrationRecord record = client.migrate("counter", Optional.empty(), true).orElseThrow();

        assertThat(record.ok()).isFalse();
        assertThat(record.failedStep()).isEqualTo("sync");
        assertThat(record.startMs()).isNull();
    }

    @Test
    void declinedRequestCarriesTheHandlersMessage() throws Exception {
        handler.refusal = new ControlRequestException("s390y is not one of this run's platforms: x86_64, s390x");
        start("counter", handler);

        assertThatThrownBy(() -> client.migrate("counter", Optional.of("s390y"), true))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.REFUSED))
                .hasMessage("app counter declined: s390y is not one of this run's platforms: x86_64, s390x");
    }

    @Test
    void handlerBugIsReportedAsInternal() throws Exception {
        handler.bug = new IllegalStateException("no current host");
        start("counter", handler);

        assertThatThrownBy(() -> client.status("counter"))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.INTERNAL))
                .hasMessageContaining("no current host");
        // The server survives a handler's exception.
        handler.bug = null;
        assertThat(client.status("counter").app()).isEqualTo("counter");
    }

    @Test
    void malformedRequestsAreAnsweredWithAnError() throws Exception {
        start("counter", handler);

        for (String request : List.of("hello", "[1,2]", "{}", "{\"op\":\"fly\"}", "{\"op\":\"status\",\"verbose\":true}",
                "{\"op\":\"migrate\",\"wait\":\"yes\"}", "{\"op\":\"migrate\",\"to\":7}", "{\"op\":\"migrate\",\"to\":\"\"}")) {
            JsonNode answer = raw("counter", request);
            assertThat(answer.get("ok").booleanValue()).as(request).isFalse();
            assertThat(answer.get("code").asText()).as(request).isEqualTo("bad-request");
            assertThat(answer.get("pid").asLong()).as(request).isEqualTo(PID);
        }
        assertThat(raw("counter", "{\"op\":\"fly\"}").get("error").asText())
                .isEqualTo("unknown op \"fly\" (this app understands status, migrate, ping, alert, alert-clear)");
        assertThat(handler.migrateCalls).isEmpty();
    }

    @Test
    void staleSocketIsReplaced() throws Exception {
        paths.ensureDirectory();
        Path socket = paths.socketFor("counter");
        // A server that ended without removing its socket (as after kill -9).
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertThat(socket).exists();
        assertThatThrownBy(() -> client.status("counter"))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.NOT_RUNNING))
                .hasMessageContaining("stale socket at " + socket);

        start("counter", handler);

        assertThat(client.status("counter").pid()).isEqualTo(PID);
    }

    @Test
    void secondServerWithTheSameNameIsRefused() throws Exception {
        start("counter", handler);

        assertThatThrownBy(() -> start("counter", new RecordingHandler(null, null)))
                .isInstanceOfSatisfying(ControlException.class,
                        e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.ALREADY_RUNNING))
                .hasMessage("an app named counter is already running (pid " + PID + "); choose another --name");
        assertThat(client.status("counter").app()).isEqualTo("counter");
    }

    @Test
    void sameNameStartedTwiceAtOnceHasOneWinner() throws Exception {
        List<CompletableFuture<Object>> starts = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    ControlServer server = ControlServer.start(paths, "counter", handler);
                    synchronized (servers) {
                        servers.add(server);
                    }
                    return server;
                } catch (ControlException e) {
                    return e.reason();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        go.countDown();
        List<Object> outcomes = starts.stream().map(CompletableFuture::join).toList();

        assertThat(outcomes).filteredOn(ControlServer.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !(o instanceof ControlServer)).containsOnly(ControlException.Reason.ALREADY_RUNNING);
        assertThat(client.status("counter").pid()).isEqualTo(PID);
    }

    @Test
    void appThatAcceptsButDoesNotAnswerIsNotReplaced() throws Exception {
        paths.ensureDirectory();
        try (ServerSocketChannel stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stuck.bind(UnixDomainSocketAddress.of(paths.socketFor("counter")));

            assertThatThrownBy(() -> start("counter", handler))
                    .hasMessage("an app named counter is already running (it accepts connections but did not answer within 2 s); "
                            + "choose another --name");
            assertThat(paths.socketFor("counter")).exists();
        }
    }

    @Test
    void somethingElseAtTheSocketPathIsLeftAlone() throws Exception {
        paths.ensureDirectory();
        Files.writeString(paths.socketFor("counter"), "not a socket");

        assertThatThrownBy(() -> start("counter", handler)).isInstanceOf(ControlException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(paths.socketFor("counter")).hasContent("not a socket");
    }

    @Test
    void directoryOpenToOthersIsRefused() throws Exception {
        Files.createDirectory(paths.directory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(paths.directory(), PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> start("counter", handler))
                .isInstanceOfSatisfying(ControlException.class,
                        e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.UNSAFE_DIRECTORY))
                .hasMessage("the control directory " + paths.directory() + " has mode rwxr-xr-x; it must be accessible to you only: "
                        + "chmod 700 " + paths.directory());
        assertThat(paths.directory().resolve("counter.sock")).doesNotExist();
        // A client does not talk through such a directory either.
        assertThatThrownBy(() -> client.status("counter")).isInstanceOfSatisfying(ControlException.class,
                e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.UNSAFE_DIRECTORY));
    }

    @Test
    void symbolicLinkAsDirectoryIsRefused() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"));
        Files.createSymbolicLink(paths.directory(), real);

        assertThatThrownBy(() -> start("counter", handler)).isInstanceOf(ControlException.class)
                .hasMessageContaining("is a symbolic link");
    }

    @Test
    void anotherUsersDirectoryIsRefused() throws Exception {
        assumeTrue(CurrentUser.uid() == 0, "changing a directory's owner needs root");
        Files.createDirectory(paths.directory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(paths.directory(), "unix:uid", 65534);

        assertThatThrownBy(() -> start("counter", handler)).isInstanceOf(ControlException.class)
                .hasMessageStartingWith("the control directory " + paths.directory() + " belongs to uid 65534, not to you (uid 0)");
    }

    @Test
    void closeRemovesTheSocket() throws Exception {
        ControlServer server = start("counter", handler);
        server.close();
        server.close();

        assertThat(server.socket()).doesNotExist();
        assertThatThrownBy(() -> client.status("counter"))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.NOT_RUNNING))
                .hasMessage("no app named counter is running (no socket at " + server.socket() + ")");
    }

    @Test
    void closeEndsAWaitingMigration() throws Exception {
        ControlServer server = start("counter", handler);
        handler.holdMigrations();
        CompletableFuture<ControlException> failure = CompletableFuture.supplyAsync(() -> {
            try {
                client.migrate("counter", Optional.empty(), true);
                return null;
            } catch (ControlException e) {
                return e;
            }
        });
        assertThat(handler.migrateEntered.await(10, TimeUnit.SECONDS)).isTrue();

        server.close();

        ControlException e = failure.get(10, TimeUnit.SECONDS);
        assertThat(e).isNotNull().hasMessage("app counter declined: the app is shutting down");
        assertThat(handler.interrupted).isTrue();
    }

    @Test
    void silentAppTimesOut() throws Exception {
        paths.ensureDirectory();
        // Accepts connections (the backlog does) but never answers, like a stuck process.
        try (ServerSocketChannel stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stuck.bind(UnixDomainSocketAddress.of(paths.socketFor("counter")));
            ControlClient impatient = new ControlClient(paths, Duration.ofMillis(200));

            assertThatThrownBy(() -> impatient.status("counter"))
                    .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.TIMEOUT))
                    .hasMessageStartingWith("app counter did not answer within 0.2 s");
        }
    }

    @Test
    void somethingNotSpeakingTheProtocolIsNamed() throws Exception {
        paths.ensureDirectory();
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(paths.socketFor("counter")));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel c = other.accept()) {
                    new LineChannel(c).writeLine("HTTP/1.1 400 Bad Request");
                } catch (IOException e) {
                    // the test fails on the client side then
                }
            });

            assertThatThrownBy(() -> client.status("counter"))
                    .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.PROTOCOL))
                    .hasMessageContaining("does not speak talent's control protocol: HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void listingSeparatesRunningAppsFromStaleSockets() throws Exception {
        start("beta", handler);
        start("alpha", handler);
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(paths.socketFor("gone")));
        dead.close();
        Files.writeString(paths.directory().resolve("notes.txt"), "ignored");

        AppListing listing = client.listApps();

        assertThat(listing.running()).containsExactly("alpha", "beta");
        assertThat(listing.stale()).containsExactly(paths.socketFor("gone"));
        // The probes did not disturb the servers.
        assertThat(client.status("alpha").app()).isEqualTo("counter");
    }

    @Test
    void missingDirectoryMeansNoApps() throws Exception {
        assertThat(client.listApps()).isEqualTo(new AppListing(List.of(), List.of()));
        assertThatThrownBy(() -> client.status("counter")).hasMessage("no app named counter is running (no socket at "
                + paths.directory().resolve("counter.sock") + ")");
    }

    @Test
    void appNamesMustMakeSocketPaths() {
        for (String bad : List.of("", "../x", "a/b", ".hidden", "-rf", "a b", "x".repeat(65))) {
            assertThatThrownBy(() -> paths.socketFor(bad)).as(bad)
                    .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.reason()).isEqualTo(ControlException.Reason.BAD_NAME));
        }
        ControlPaths deep = ControlPaths.at(Path.of("/" + "d".repeat(50), "e".repeat(50)));
        assertThatThrownBy(() -> deep.socketFor("app-name")).hasMessageContaining("more than the 107 a Unix socket path can have");
    }

    @Test
    void onlyTheSameUserIsServed() throws Exception {
        UserPrincipalLookupService users = temp.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = Files.getOwner(temp);
        UserPrincipal other = lookupOther(users, owner);

        assertThat(ControlServer.refusal(owner, owner, "counter")).isEmpty();
        assertThat(ControlServer.refusal(other, owner, "counter")).hasValue("permission denied: app counter belongs to user "
                + owner.getName() + "; user " + other.getName() + " may not control it (only the user who started it can)");
        // root is not an exception.
        UserPrincipal root = users.lookupPrincipalByName("root");
        assertThat(ControlServer.refusal(root, other, "counter")).isPresent();
    }

    private static UserPrincipal lookupOther(UserPrincipalLookupService users, UserPrincipal owner) throws IOException {
        for (String name : List.of("nobody", "root", "daemon")) {
            try {
                UserPrincipal candidate = users.lookupPrincipalByName(name);
                if (!candidate.equals(owner)) return candidate;
            } catch (UserPrincipalNotFoundException e) {
                // try the next
            }
        }
        throw new IllegalStateException("no second user on this system");
    }

    @Test
    void directoryFollowsXdgRuntimeDir() throws Exception {
        Path runtime = Files.createDirectory(temp.resolve("run-user"));

        assertThat(ControlPaths.resolve(Map.of("XDG_RUNTIME_DIR", runtime.toString()), 1000).directory())
                .isEqualTo(runtime.resolve("talent"));
        assertThat(ControlPaths.resolve(Map.of(), 1000).directory()).isEqualTo(Path.of("/tmp/talent-1000"));
        assertThat(ControlPaths.resolve(Map.of("XDG_RUNTIME_DIR", temp.resolve("missing").toString()), 1000).directory())
                .isEqualTo(Path.of("/tmp/talent-1000"));
        assertThat(ControlPaths.resolve(Map.of("XDG_RUNTIME_DIR", "relative/dir"), 7).directory()).isEqualTo(Path.of("/tmp/talent-7"));
    }

    @Test
    void effectiveUidComesFromProcStatus() {
        assertThat(CurrentUser.effectiveUid(List.of("Name:\tjava", "Uid:\t1000\t1001\t1000\t1001", "Gid:\t5\t5\t5\t5"))).isEqualTo(1001);
        assertThatThrownBy(() -> CurrentUser.effectiveUid(List.of("Name:\tjava"))).isInstanceOf(IllegalStateException.class);
    }
}
