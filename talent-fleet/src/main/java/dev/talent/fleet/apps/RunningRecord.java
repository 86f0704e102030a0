package dev.talent.fleet.apps;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an agent writes down of an app it runs ({@code apps/APP/running.json}), so that the agent started after it on
 * the same state directory (after a crash, a kill, an upgrade) adopts the app's container instead of losing it: the
 * app as it was started (binaries, arguments), the platform it runs on, the id of its container and since when, and
 * once its program ended with a status this agent saw, that status ({@code ended}; null while it runs).
 * Written atomically (a temporary file renamed over it) whenever the container that runs the app changes; removed
 * first when the app is removed, so a record means "this container should run".
 *
 * <p>Read back as hostile input (the state directory may have been tampered with, or the write torn): a regular
 * file (not a link) of at most {@link #MAX_BYTES}, exact fields, the app's name equal to its directory's, a known
 * platform with a binary, blob digests well formed, and a container id of exactly the form this host gives its
 * containers ({@code APP-HOST-PLATFORM-SERIAL}).
 */
record RunningRecord(AppsMessages.Start spec, String platform, String container, long since, Integer ended) {
    static final String FILE = "running.json";
    static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Writes {@code r} as {@code appDir/running.json}, replacing the one there at once. */
    static void write(Path appDir, RunningRecord r) throws IOException {
        Path tmp = appDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(tmp, JSON.writeValueAsBytes(r), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(tmp, appDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The record of the app in {@code appDir} (empty when there is none), checked as described above. */
    static Optional<RunningRecord> read(Path appDir, String host, long nowMs) throws IOException {
        String app = HostedApps.checkApp(appDir.getFileName().toString());
        Path f = appDir.resolve(FILE);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
        if (!a.isRegularFile()) throw new IOException(f + " is not a regular file");
        if (a.size() > MAX_BYTES) throw new IOException(f + " is " + a.size() + " bytes (at most " + MAX_BYTES + ")");
        byte[] b;
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            b = in.readNBytes(MAX_BYTES + 1);
        }
        if (b.length > MAX_BYTES) throw new IOException(f + " grew past " + MAX_BYTES + " bytes");
        RunningRecord r;
        try {
            r = JSON.readValue(b, RunningRecord.class);
        } catch (IOException e) {
            throw new IOException("unreadable " + f + ": " + HostedApps.printable(String.valueOf(e.getMessage())), e);
        }
        if (r == null || r.spec() == null) throw new IOException(f + " holds no app");
        r.check(app, host, nowMs);
        return Optional.of(r);
    }

    /** The serial of the container (its id's last part). */
    int serial() {
        Matcher m = Pattern.compile("-([1-9][0-9]{0,8})$").matcher(container);
        if (!m.find()) throw new IllegalStateException("unchecked record");
        return Integer.parseInt(m.group(1));
    }

    Platform checkedPlatform() throws IOException { return HostedApps.checkPlatform(platform); }

    private void check(String app, String host, long nowMs) throws IOException {
        if (!app.equals(spec.app())) throw new IOException("the record in " + app + "/ names another app: '" + HostedApps.printable(String.valueOf(spec.app())) + "'");
        Platform p = HostedApps.checkPlatform(platform);
        if (spec.binaries() == null || spec.binaries().isEmpty() || !spec.binaries().containsKey(p.name()))
            throw new IOException("the record of " + app + " has no binary for " + p.name());
        for (var e : spec.binaries().entrySet()) {
            HostedApps.checkPlatform(e.getKey());
            BlobStore.checkName(e.getValue());
        }
        if (spec.workdir() != null && !spec.workdir().isEmpty()) BlobStore.checkName(spec.workdir());
        if (spec.args() == null || spec.args().size() > HostedApps.MAX_ARGS || spec.args().stream().anyMatch(x -> x == null))
            throw new IOException("the record of " + app + " has malformed arguments");
        String expected = Pattern.quote(app + "-" + host + "-" + p.name() + "-") + "[1-9][0-9]{0,8}";
        if (container == null || !container.matches(expected))
            throw new IOException("the record of " + app + " names a container that is not this host's: '" + HostedApps.printable(String.valueOf(container)) + "'");
        if (since < 0 || since > nowMs + 86_400_000L) throw new IOException("the record of " + app + " has an impossible start time " + since);
        if (spec.epoch() < 0) throw new IOException("the record of " + app + " has an impossible placement epoch " + spec.epoch());
        if (ended != null && (ended < 0 || ended > 255)) throw new IOException("the record of " + app + " has an impossible exit status " + ended);
    }
}
