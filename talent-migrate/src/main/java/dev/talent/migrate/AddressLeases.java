package dev.talent.migrate;

import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Which app holds which address of a bridge's subnet, across the {@code talent run}s of this machine: one file per
 * address in {@code /run/talent/net/<bridge>/} (a tmpfs: a reboot frees every address), created exclusively and
 * holding the state directory of the run that holds it. A lease is held for the app's whole life, also while a
 * killed run waits for {@code --resume} (its state directory still has {@code run.json}); it is free again when
 * that run ended normally (no {@code run.json}) and the lease is older than {@link #GRACE} (a run that is just
 * starting writes run.json right after taking its lease).
 */
public final class AddressLeases {

    static final Path DEFAULT_DIR = Path.of("/run/talent/net");
    static final Duration GRACE = Duration.ofMinutes(2);

    private final Path dir;
    private final NetworkConfig config;

    AddressLeases(Path root, NetworkConfig config) throws IOException {
        this.config = config;
        this.dir = root.resolve(config.bridge());
        Files.createDirectories(dir);
    }

    static AddressLeases open(NetworkConfig config) throws IOException {
        return new AddressLeases(DEFAULT_DIR, config);
    }

    /**
     * Takes {@code wanted} (refused when another live run holds it), or the lowest free address of the subnet,
     * for the run whose state directory is {@code owner}.
     */
    Ipv4 acquire(java.util.Optional<Ipv4> wanted, Path owner) throws IOException {
        Path self = owner.toAbsolutePath().normalize();
        if (wanted.isPresent()) {
            config.checkAppAddress(wanted.get());
            if (!tryTake(wanted.get(), self)) {
                throw new IOException("address " + wanted.get() + " is held by the talent run in " + holder(wanted.get())
                        + " (its lease: " + dir.resolve(wanted.get().toString()) + ")");
            }
            return wanted.get();
        }
        for (long v = Integer.toUnsignedLong(config.network().value()) + 1;
             v <= Integer.toUnsignedLong(config.network().value()) + (1L << (32 - config.prefix())) - 2; v++) {
            Ipv4 a = new Ipv4((int) v);
            if (a.equals(config.gateway())) continue;
            if (tryTake(a, self)) return a;
        }
        throw new IOException("no free address left in " + config.subnet() + " (leases in " + dir + ")");
    }

    /** Gives the address back, if {@code owner} holds it. */
    void release(Ipv4 address, Path owner) throws IOException {
        Path lease = dir.resolve(address.toString());
        if (!owner.toAbsolutePath().normalize().toString().equals(read(lease))) return;
        Files.deleteIfExists(lease);
        // the bridge's directory goes with its last lease (a run that takes one meanwhile makes it again: tryTake)
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // other runs hold addresses of this bridge
        }
    }

    private boolean tryTake(Ipv4 a, Path self) throws IOException {
        Path lease = dir.resolve(a.toString());
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Files.write(lease, self.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.NoSuchFileException e) {
                // the last lease of the bridge was released and its directory removed meanwhile
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                String holder = read(lease);
                if (holder == null) continue; // removed meanwhile
                if (holder.equals(self.toString())) {
                    Files.setLastModifiedTime(lease, FileTime.from(Instant.now()));
                    return true;
                }
                if (!stale(lease, holder)) return false;
                Files.deleteIfExists(lease);
            }
        }
        return false;
    }

    private static boolean stale(Path lease, String holder) throws IOException {
        if (Files.exists(Path.of(holder).resolve(RunState.RUN_FILE), LinkOption.NOFOLLOW_LINKS)) return false;
        try {
            return Files.getLastModifiedTime(lease, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(Instant.now().minus(GRACE));
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        }
    }

    private String holder(Ipv4 a) throws IOException {
        String h = read(dir.resolve(a.toString()));
        return h == null ? "(released meanwhile)" : h;
    }

    private static String read(Path lease) throws IOException {
        try {
            if (!Files.isRegularFile(lease, LinkOption.NOFOLLOW_LINKS) || Files.size(lease) > 4096) return null;
            return Files.readString(lease, StandardCharsets.UTF_8).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }
}
