package dev.talent.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The active alerts of one user on one host, kept in a file ({@code alerts.json}, mode 0600, in the user's private
 * control directory) so that they outlive the command that raised them: every {@code talent run} reads it when it
 * starts and when it is told of a change, and apps started later honour the quarantine too. Updates are
 * read-modify-write under an exclusive lock on {@code alerts.lock}, so that apps recording their effects at the same
 * moment do not lose each other's.
 */
public final class AlertBook {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 16L << 20;
    public static final int MAX_ALERTS = 1000;

    private static final Object IN_PROCESS = new Object();
    private final Path file;
    private final Path lock;

    private AlertBook(Path file) {
        this.file = file;
        this.lock = file.resolveSibling(file.getFileName() + ".lock");
    }

    /** The book in {@code directory} (which the caller has checked is private to the user). */
    public static AlertBook in(Path directory) { return new AlertBook(directory.resolve("alerts.json")); }

    public Path file() { return file; }

    /** The active alerts, oldest first. */
    public List<Alert> active() throws PolicyException {
        try {
            return read();
        } catch (IOException e) {
            throw new PolicyException("cannot read the alerts in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tags of the active alerts that concern {@code app}. */
    public Set<String> quarantinedTags(String app) throws PolicyException {
        Set<String> tags = new LinkedHashSet<>();
        for (Alert a : active()) if (a.concerns(app)) tags.add(a.tag());
        return tags;
    }

    /** Adds an alert; one with the same tag and app replaces the earlier (its effects are kept). Returns it. */
    public Alert raise(Alert alert) throws PolicyException {
        Alert[] stored = {alert};
        update(list -> {
            List<Alert> out = new ArrayList<>();
            for (Alert a : list) {
                if (a.tag().equals(alert.tag()) && java.util.Objects.equals(a.app(), alert.app())) {
                    stored[0] = new Alert(alert.tag(), alert.app(), alert.reason(), alert.at(), a.effects());
                } else {
                    out.add(a);
                }
            }
            if (out.size() >= MAX_ALERTS) throw new IllegalStateException("more than " + MAX_ALERTS + " active alerts");
            out.add(stored[0]);
            return out;
        });
        return stored[0];
    }

    /** Removes every alert with {@code tag} (whatever app it named); returns them. */
    public List<Alert> clear(String tag) throws PolicyException {
        List<Alert> removed = new ArrayList<>();
        update(list -> {
            List<Alert> out = new ArrayList<>();
            for (Alert a : list) (a.tag().equals(tag) ? removed : out).add(a);
            return out;
        });
        return removed;
    }

    /** Notes what the alert with {@code tag} (concerning {@code effect.app()}) did; nothing when it was cleared since. */
    public void recordEffect(String tag, Alert.Effect effect) throws PolicyException {
        update(list -> list.stream().map(a -> a.tag().equals(tag) && a.concerns(effect.app()) ? a.withEffect(effect) : a).toList());
    }

    /**
     * Notes what the alert with {@code tag} did to each app, all in one update of the book (one lock, one atomic
     * replacement of the file): what one alert did to many apps costs one write, not one per app. Effects of an alert
     * cleared since are dropped, as {@link #recordEffect} does.
     */
    public void recordEffects(String tag, List<Alert.Effect> effects) throws PolicyException {
        if (effects.isEmpty()) return;
        update(list -> list.stream().map(a -> {
            if (!a.tag().equals(tag)) return a;
            Alert with = a;
            for (Alert.Effect e : effects) if (a.concerns(e.app())) with = with.withEffect(e);
            return with;
        }).toList());
    }

    public Optional<Alert> find(String tag) throws PolicyException {
        return active().stream().filter(a -> a.tag().equals(tag)).findFirst();
    }

    private void update(UnaryOperator<List<Alert>> change) throws PolicyException {
        // the file lock keeps other processes out; threads of this one take turns first (a second lock of the same
        // file in one JVM is an OverlappingFileLockException, not a wait)
        synchronized (IN_PROCESS) {
            updateLocked(change);
        }
    }

    private void updateLocked(UnaryOperator<List<Alert>> change) throws PolicyException {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(lock, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                 FileLock held = ch.lock()) {
                if (!held.isValid()) throw new IOException("lost the lock on " + lock);
                List<Alert> next = change.apply(read());
                Path tmp = Files.createTempFile(file.getParent(), "alerts", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new PolicyException("cannot update the alerts in " + file + ": " + e.getMessage(), e);
        }
    }

    private List<Alert> read() throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return List.of();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException(file + " is not a regular file");
        if (Files.size(file) > MAX_BYTES) throw new IOException(file + " is larger than 16 MiB");
        try {
            List<Alert> list = JSON.readValue(Files.readAllBytes(file), new TypeReference<List<Alert>>() {});
            return list == null ? List.of() : list;
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("damaged (" + e.getMessage().lines().findFirst().orElse("") + "); remove it to clear every alert");
        }
    }
}
