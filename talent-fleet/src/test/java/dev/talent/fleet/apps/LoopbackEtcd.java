package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A one-member etcd (Debian's etcd-server) on loopback without TLS, in a temporary directory, for the store's ITs. */
final class LoopbackEtcd implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final String url;

    LoopbackEtcd() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("talent-etcd-");
        int client = freePort(), peer = freePort();
        url = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        process = new ProcessBuilder("etcd", "--name", "t", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", url, "--advertise-client-urls", url, "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl, "--initial-cluster", "t=" + peerUrl, "--log-level", "error")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try (Client c = Client.builder().endpoints(url).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    c.getKVClient().get(Etcd.bytes("/ready")).get(1, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline || !process.isAlive())
                        throw new IOException("etcd did not start: " + Files.readString(dir.resolve("etcd.log")), e);
                    Thread.sleep(100);
                }
            }
        }
    }

    Etcd connect() { return Etcd.of(Client.builder().endpoints(url).build()); }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
