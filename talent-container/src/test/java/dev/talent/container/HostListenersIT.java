package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The listeners of a process read from /proc, and the TIME_WAIT connections that keep a listener's port from
 * binding again (a server that closed first and never set SO_REUSEADDR), on this machine's loopback.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HostListenersIT {
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    @Test
    void theListenersOfAProcessAreReadFromItsDescriptors() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(LOOPBACK, 0));
            assertThat(HostListeners.of(ProcessHandle.current().pid()))
                    .contains(new HostListeners.Listener(LOOPBACK, s.getLocalPort()));
        }
        assertThat(HostListeners.of(Long.MAX_VALUE / 2)).as("a process that does not exist").isEmpty();
    }

    @Test
    void timeWaitConnectionsThatKeepAPortFromBindingAreEndedAndNoOthers() throws Exception {
        assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false), "ending sockets needs root");
        int port;
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(false);
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            port = listener.getLocalPort();
            try (Socket peer = new Socket(LOOPBACK, port)) {
                try (Socket served = listener.accept()) {
                    assertThat(served.isConnected()).isTrue();
                } // the server closes first: its side waits in TIME_WAIT
                try (InputStream in = peer.getInputStream()) {
                    assertThat(in.read()).isEqualTo(-1);
                }
            }
        }
        HostListeners.Listener l = new HostListeners.Listener(LOOPBACK, port);
        assertThatThrownBy(() -> bind(port)).as("a bind with SO_REUSEADDR while the TIME_WAIT lasts")
                .isInstanceOf(BindException.class);
        assertThat(HostListeners.clearTimeWait(List.of(l))).containsExactly(l);
        bind(port);
        assertThat(HostListeners.clearTimeWait(List.of(l))).as("a port that binds is left alone").isEmpty();
    }

    private static void bind(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(LOOPBACK, port));
        }
    }
}
