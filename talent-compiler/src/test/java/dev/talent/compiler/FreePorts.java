package dev.talent.compiler;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;

/** Loopback UDP ports for the epoll ITs' programs. */
final class FreePorts {
    private FreePorts() {}

    /** Two consecutive free UDP ports; returns the first. */
    static int udpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int port = a.getLocalPort();
                if (port >= 65535) continue;
                try (DatagramSocket b = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress())) {
                    if (b.getLocalPort() == port + 1) return port;
                }
            } catch (BindException e) {
                // taken: another pair
            }
        }
        throw new AssertionError("no two consecutive free UDP ports");
    }
}
