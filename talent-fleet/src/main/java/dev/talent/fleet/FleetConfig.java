package dev.talent.fleet;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * How a process reaches the fleet: etcd's client URLs and its own TLS identity (the fleet CA, a certificate and its
 * key). The file ({@code fleet.conf}) is {@code key=value} lines:
 *
 * <pre>
 *   etcd=https://10.213.0.11:2379,https://10.213.0.12:2379
 *   ca=pki/ca.crt
 *   cert=pki/cli.crt
 *   key=pki/cli.key
 *   net.bridge=tfapp0                 (optional, all or none: the --net apps' segment, see AppNetwork)
 *   net.subnet=10.213.0.0/24
 *   net.gateway=10.213.0.1
 *   net.subnet6=fd74:616c:656e:213::/64
 *   net.range=10.213.0.128-10.213.0.254
 * </pre>
 *
 * Relative paths are taken from the file's directory. Only https endpoints are accepted: the fleet speaks mutual
 * TLS everywhere.
 */
public record FleetConfig(List<URI> etcd, Path ca, Path cert, Path key, java.util.Optional<AppNetwork> net) {
    /** The most a fleet.conf can be: it is a few lines. */
    private static final long MAX_SIZE = 64 * 1024;

    public FleetConfig {
        etcd = List.copyOf(etcd);
        if (etcd.isEmpty()) throw new IllegalArgumentException("no etcd endpoint");
    }

    /** Without an app network ({@code deploy --net} is then refused). */
    public FleetConfig(List<URI> etcd, Path ca, Path cert, Path key) {
        this(etcd, ca, cert, key, java.util.Optional.empty());
    }

    /** This configuration with the app network {@code n}. */
    public FleetConfig withNet(AppNetwork n) { return new FleetConfig(etcd, ca, cert, key, java.util.Optional.of(n)); }

    public TlsFiles tls() { return new TlsFiles(ca, cert, key); }

    /** Reads and checks a fleet.conf. */
    public static FleetConfig read(Path file) throws FleetException {
        Properties p = new Properties();
        try {
            if (Files.size(file) > MAX_SIZE) throw new FleetException(file + " is larger than " + MAX_SIZE + " bytes: not a fleet.conf");
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) { p.load(r); }
        } catch (NoSuchFileException e) {
            throw new FleetException("no fleet configuration at " + file + " (make a test fleet with `talent lab up`)", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        List<URI> endpoints = new ArrayList<>();
        for (String s : require(p, "etcd", file).split(",", -1)) {
            URI u;
            try {
                u = URI.create(s.strip());
            } catch (IllegalArgumentException e) {
                throw new FleetException(file + ": etcd endpoint '" + s.strip() + "' is not a URL", e);
            }
            if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() <= 0)
                throw new FleetException(file + ": etcd endpoint '" + s.strip() + "' is not https://HOST:PORT (the fleet uses mutual TLS)");
            endpoints.add(u);
        }
        java.util.Optional<AppNetwork> net = java.util.Optional.empty();
        if (p.getProperty("net.bridge") != null) {
            try {
                net = java.util.Optional.of(AppNetwork.of(require(p, "net.bridge", file), require(p, "net.subnet", file),
                        require(p, "net.gateway", file), require(p, "net.range", file),
                        p.getProperty("net.subnet6") == null ? null : p.getProperty("net.subnet6").strip()));
            } catch (IllegalArgumentException e) {
                throw new FleetException(file + ": the app network (net.*): " + e.getMessage(), e);
            }
        }
        return new FleetConfig(endpoints, base.resolve(require(p, "ca", file)), base.resolve(require(p, "cert", file)),
                base.resolve(require(p, "key", file)), net);
    }

    /** Writes this configuration to {@code file} (absolute paths). */
    public void write(Path file) throws IOException {
        StringBuilder s = new StringBuilder("# talent fleet: etcd endpoints and this process's TLS identity\n");
        s.append("etcd=").append(String.join(",", etcd.stream().map(URI::toString).toList())).append('\n');
        s.append("ca=").append(ca.toAbsolutePath()).append('\n');
        s.append("cert=").append(cert.toAbsolutePath()).append('\n');
        s.append("key=").append(key.toAbsolutePath()).append('\n');
        if (net.isPresent()) {
            AppNetwork n = net.get();
            s.append("# the segment of the --net apps: each host's bridge on it, its subnet, gateway, the apps' range\n");
            s.append("net.bridge=").append(n.config().bridge()).append('\n');
            s.append("net.subnet=").append(n.config().subnet()).append('\n');
            s.append("net.gateway=").append(n.config().gateway()).append('\n');
            s.append("net.subnet6=").append(n.config().subnet6()).append('\n');
            s.append("net.range=").append(n.range()).append('\n');
        }
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static String require(Properties p, String name, Path file) throws FleetException {
        String v = p.getProperty(name);
        if (v == null || v.isBlank()) throw new FleetException(file + " has no '" + name + "=' line");
        return v.strip();
    }
}
