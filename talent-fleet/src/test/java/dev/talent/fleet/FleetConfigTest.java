package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetConfigTest {
    @TempDir Path tmp;

    @Test
    void roundTripsAndResolvesRelativePathsFromTheFile() throws Exception {
        Path f = tmp.resolve("fleet.conf");
        Files.writeString(f, "etcd=https://10.213.0.11:2379, https://10.213.0.12:2379\nca=pki/ca.crt\ncert=pki/cli.crt\nkey=/abs/cli.key\n");
        FleetConfig c = FleetConfig.read(f);
        assertThat(c.etcd()).containsExactly(URI.create("https://10.213.0.11:2379"), URI.create("https://10.213.0.12:2379"));
        assertThat(c.ca()).isEqualTo(tmp.resolve("pki/ca.crt"));
        assertThat(c.key()).isEqualTo(Path.of("/abs/cli.key"));
        Path g = tmp.resolve("again.conf");
        c.write(g);
        assertThat(FleetConfig.read(g)).isEqualTo(c);
    }

    @Test
    void refusesPlainHttpMissingLinesAndMissingFiles() throws Exception {
        Path f = tmp.resolve("fleet.conf");
        Files.writeString(f, "etcd=http://10.213.0.11:2379\nca=a\ncert=b\nkey=c\n");
        assertThatThrownBy(() -> FleetConfig.read(f)).isInstanceOf(FleetException.class).hasMessageContaining("mutual TLS");
        Files.writeString(f, "etcd=https://10.213.0.11:2379\nca=a\ncert=b\n");
        assertThatThrownBy(() -> FleetConfig.read(f)).hasMessageContaining("'key='");
        assertThatThrownBy(() -> FleetConfig.read(tmp.resolve("none"))).hasMessageContaining("talent lab up");
        assertThatThrownBy(() -> new FleetConfig(List.of(), f, f, f)).isInstanceOf(IllegalArgumentException.class);
    }

    private static final String BASE = """
            etcd=https://10.213.0.11:2379
            ca=a
            cert=b
            key=c
            """;
    private static final String NET = """
            net.bridge=tfapp0
            net.subnet=10.213.0.0/24
            net.gateway=10.213.0.1
            """;

    @Test
    void theAppNetworkLinesRoundTripAndAreAllOrNone() throws Exception {
        Path f = tmp.resolve("fleet.conf");
        Files.writeString(f, BASE + NET + "net.range=10.213.0.128-10.213.0.254\n");
        FleetConfig c = FleetConfig.read(f);
        assertThat(c.net()).hasValueSatisfying(n -> {
            assertThat(n.config().bridge()).isEqualTo("tfapp0");
            assertThat(n.range()).isEqualTo("10.213.0.128-10.213.0.254");
            assertThat(n.config().gateway().toString()).isEqualTo("10.213.0.1");
        });
        Path g = tmp.resolve("again.conf");
        c.write(g);
        assertThat(FleetConfig.read(g)).isEqualTo(c);
        Files.writeString(f, BASE + NET);
        assertThatThrownBy(() -> FleetConfig.read(f)).hasMessageContaining("'net.range='");
        Files.writeString(f, BASE + NET + "net.range=10.213.0.128-10.213.1.254\n");
        assertThatThrownBy(() -> FleetConfig.read(f)).hasMessageContaining("the app network (net.*)");
        Files.writeString(f, BASE);
        assertThat(FleetConfig.read(f).net()).isEmpty();
    }
}
