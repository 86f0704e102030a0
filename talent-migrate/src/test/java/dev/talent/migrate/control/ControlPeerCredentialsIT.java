package dev.talent.migrate.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/**
 * A real connection from another user is refused by its SO_PEERCRED uid. The 0700 directory keeps other users
 * out before that, so the client runs as nobody with CAP_DAC_OVERRIDE (setpriv, as root): it gets through the
 * file permissions, as root would, and only the peer check is left to stop it.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ControlPeerCredentialsIT {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String CLIENT = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            s.sendall(b'{"op":"migrate","to":"s390x","wait":false}\\n')
            print(s.makefile().readline(), end='')
            """;

    @TempDir Path temp;

    @Test
    void anotherUsersConnectionIsRefused() throws Exception {
        assumeTrue(CurrentUser.uid() == 0, "running as another user needs root");
        assumeTrue(Files.isExecutable(SETPRIV) && Files.isExecutable(PYTHON), "needs setpriv (util-linux) and python3");
        RecordingHandler handler = new RecordingHandler(Samples.status("counter", 1), Samples.succeeded("counter"));

        try (ControlServer server = ControlServer.start(ControlPaths.at(temp.resolve("ctl")), "counter", handler)) {
            Process client = new ProcessBuilder(List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=+dac_override", "--ambient-caps=+dac_override", PYTHON.toString(), "-c", CLIENT,
                    server.socket().toString())).redirectErrorStream(true).start();
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assumeTrue(!output.contains("setpriv:"), "setpriv cannot change user here: " + output);
            assertThat(client.exitValue()).as(output).isZero();

            JsonNode answer = ControlJson.MAPPER.readTree(output);
            assertThat(answer.get("ok").booleanValue()).isFalse();
            assertThat(answer.get("code").asText()).isEqualTo("permission-denied");
            assertThat(answer.get("error").asText()).startsWith("permission denied: app counter belongs to user root; user nobody");
            assertThat(handler.migrateCalls).isEmpty();
        }
    }
}
