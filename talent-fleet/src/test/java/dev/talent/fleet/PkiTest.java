package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PkiTest {
    @TempDir Path tmp;

    @Test
    void issuesHostAndClientCertificatesSignedByTheCaWithPrivateKeys() throws Exception {
        Pki pki = Pki.at(tmp.resolve("pki"));
        pki.init("test CA");
        pki.issue("h1", Pki.Usage.HOST, List.of("10.213.0.11"), List.of("h1.lab"));
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());

        X509Certificate ca = Pki.readCertificate(pki.caCertificate());
        X509Certificate host = Pki.readCertificate(pki.certificate("h1"));
        X509Certificate cli = Pki.readCertificate(pki.certificate("cli"));
        host.verify(ca.getPublicKey());
        cli.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(host.getBasicConstraints()).isEqualTo(-1);
        assertThat(host.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cli.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(host.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .containsExactlyInAnyOrder("h1", "localhost", "h1.lab", "127.0.0.1", "10.213.0.11");
        for (String name : List.of("ca", "h1", "cli")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.key(name)))).isEqualTo("rw-------");
            assertThat(Pki.readKey(pki.key(name)).getAlgorithm()).isEqualTo("EC");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.dir()))).isEqualTo("rwx------");
    }

    @Test
    void refusesToOverwriteAndRefusesBadNamesAndAddresses() throws Exception {
        Pki pki = Pki.at(tmp.resolve("pki"));
        pki.init("test CA");
        assertThatThrownBy(() -> pki.init("again")).isInstanceOf(FleetException.class).hasMessageContaining("already has a CA");
        pki.issue("h1", Pki.Usage.HOST, List.of(), List.of());
        assertThatThrownBy(() -> pki.issue("h1", Pki.Usage.HOST, List.of(), List.of())).hasMessageContaining("refusing to overwrite");
        assertThatThrownBy(() -> pki.issue("../x", Pki.Usage.HOST, List.of(), List.of())).hasMessageContaining("not a certificate name");
        assertThatThrownBy(() -> pki.issue("ca", Pki.Usage.HOST, List.of(), List.of())).hasMessageContaining("not a certificate name");
        assertThatThrownBy(() -> pki.issue("h2", Pki.Usage.HOST, List.of("example.org"), List.of())).hasMessageContaining("not an IP address");
        assertThat(pki.certificate("h2")).doesNotExist();
    }

    @Test
    void issueWithoutCaSaysSo() {
        Pki pki = Pki.at(tmp.resolve("none"));
        assertThatThrownBy(() -> pki.issue("h1", Pki.Usage.HOST, List.of(), List.of())).isInstanceOf(FleetException.class)
                .hasMessageContaining("h1");
    }
}
