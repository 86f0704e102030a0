package dev.talent.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.env.SyncLimits;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@code talent run} keeps in its state directory about itself, so that a run killed with SIGKILL can be
 * found and resumed ({@code talent run --resume NAME}):
 *
 * <ul>
 *   <li>{@code lock}: held (an advisory lock of the open file) while a supervisor runs; a second supervisor of
 *       the same state directory is refused while the first lives, whatever its name;</li>
 *   <li>{@code run.json}: the request and the platform the program runs on, written at start and after each
 *       migration, removed when the run ends normally. Its presence without a lock holder means that a run was
 *       killed: a new run refuses to start over it and points at {@code --resume}.</li>
 * </ul>
 */
public final class RunState implements AutoCloseable {
    static final String LOCK_FILE = "lock";
    static final String RUN_FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_RUN_FILE_BYTES = 1 << 20;

    private final Path stateDir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunState(Path stateDir, FileChannel lockChannel, FileLock lock) {
        this.stateDir = stateDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** A run as saved in {@code run.json}: the request and where the program ran last. */
    public record Saved(RunRequest request, Platform platform) {}

    /**
     * Takes the state directory's lock (creating the directory).
     *
     * @throws IOException another supervisor holds it ("already supervised by pid N")
     */
    public static RunState lock(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder;
            try {
                holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                holder = "?";
            }
            channel.close();
            throw new IOException("another talent run (pid " + Printable.escape(holder, 20) + ") supervises the state "
                    + "directory " + stateDir + "; two supervisors never run the same app");
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new RunState(stateDir, channel, lock);
    }

    public Path stateDirectory() { return stateDir; }

    /** The run a killed supervisor left, if {@code run.json} is there. */
    public Optional<Saved> saved() throws IOException {
        return saved(stateDir);
    }

    /** The run a killed supervisor left in {@code stateDir}, if its {@code run.json} is there (read without the lock). */
    public static Optional<Saved> saved(Path stateDir) throws IOException {
        Path file = stateDir.resolve(RUN_FILE);
        try {
            if (Files.size(file) > MAX_RUN_FILE_BYTES) throw new IOException(file + " is too large to be talent's");
            return Optional.of(parse(JSON.readTree(file.toFile())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + file + " (written by talent run to resume a killed run): " + e.getMessage(), e);
        }
    }

    /** Writes {@code run.json} (atomically): the run goes on on {@code platform}. */
    void record(RunRequest r, Platform platform) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("version", 1);
        o.put("name", r.name());
        o.put("program", r.program().toString());
        ArrayNode args = o.putArray("args");
        r.args().forEach(args::add);
        ArrayNode platforms = o.putArray("platforms");
        r.platforms().forEach(p -> platforms.add(p.name()));
        r.every().ifPresent(i -> { o.put("everyMinMs", i.min().toMillis()); o.put("everyMaxMs", i.max().toMillis()); });
        r.migrations().ifPresent(m -> o.put("migrations", m));
        o.put("workdir", r.workdir().toString());
        o.put("stateDir", r.stateDir().toString());
        o.put("presyncEveryMs", r.presyncEvery().toMillis());
        r.log().ifPresent(l -> o.put("log", l.toAbsolutePath().toString()));
        r.programStdout().ifPresent(f -> o.put("programStdout", f.toString()));
        o.put("syncMaxBytes", r.syncLimits().maxBytes());
        o.put("syncMaxFiles", r.syncLimits().maxFiles());
        o.put("syncMaxDepth", r.syncLimits().maxDepth());
        r.network().ifPresent(n -> {
            ObjectNode net = o.putObject("network");
            net.put("bridge", n.config().bridge());
            net.put("subnet", n.config().subnet());
            net.put("gateway", n.config().gateway().toString());
            net.put("subnet6", n.config().subnet6());
            n.address().ifPresent(a -> net.put("address", a.toString()));
        });
        o.put("platform", platform.name());
        Path tmp = stateDir.resolve("." + RUN_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        Files.move(tmp, stateDir.resolve(RUN_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The run has ended normally: nothing to resume. */
    void finished() throws IOException {
        Files.deleteIfExists(stateDir.resolve(RUN_FILE));
    }

    private static Saved parse(JsonNode o) {
        List<String> args = new ArrayList<>();
        o.get("args").forEach(a -> args.add(a.asText()));
        List<Platform> platforms = new ArrayList<>();
        o.get("platforms").forEach(p -> platforms.add(Platform.parse(p.asText())));
        Optional<Interval> every = o.has("everyMinMs") ? Optional.of(new Interval(Duration.ofMillis(o.get("everyMinMs").asLong()),
                Duration.ofMillis(o.get("everyMaxMs").asLong()))) : Optional.empty();
        OptionalInt migrations = o.has("migrations") ? OptionalInt.of(o.get("migrations").asInt()) : OptionalInt.empty();
        RunRequest request = new RunRequest(o.get("name").asText(), Path.of(o.get("program").asText()), args, platforms, every,
                migrations, Path.of(o.get("workdir").asText()), Path.of(o.get("stateDir").asText()),
                Duration.ofMillis(o.get("presyncEveryMs").asLong()), Optional.ofNullable(o.get("log")).map(l -> Path.of(l.asText())),
                Optional.empty(), Optional.empty(), Optional.ofNullable(o.get("programStdout")).map(f -> Path.of(f.asText())),
                o.has("syncMaxBytes") ? new SyncLimits(o.get("syncMaxBytes").asLong(), o.get("syncMaxFiles").asLong(),
                        o.get("syncMaxDepth").asInt()) : SyncLimits.DEFAULT);
        JsonNode net = o.get("network");
        if (net != null && net.isObject()) {
            request = request.withNetwork(Optional.of(new NetRequest(dev.talent.container.NetworkConfig.of(
                    net.get("bridge").asText(), net.get("subnet").asText(), net.get("gateway").asText())
                    .withSubnet6(net.has("subnet6") ? net.get("subnet6").asText()
                            : dev.talent.container.NetworkConfig.DEFAULT_SUBNET6),
                    net.has("address") ? Optional.of(dev.talent.container.Ipv4.parse(net.get("address").asText()))
                            : Optional.empty())));
        }
        return new Saved(request, Platform.parse(o.get("platform").asText()));
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
