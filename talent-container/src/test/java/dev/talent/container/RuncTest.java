package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RuncTest {

    @TempDir Path dir;

    @Test
    void versionIsReadFromTheFirstLine() {
        String output = "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\ngo: go1.19.8\n";

        assertThat(Runc.parseVersion(output)).contains("1.1.5+ds1");
        assertThat(Runc.parseVersion("crun version 1.8\n")).isEmpty();
    }

    @Test
    void foundOnTheSearchPathFirst() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("runc"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin.resolve("runc"), PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(Runc.find(List.of(dir.resolve("empty"), bin))).hasValueSatisfying(
                r -> assertThat(r.executable()).isEqualTo(bin.resolve("runc")));
    }

    @Test
    void missingMessageNamesTheDebianPackage() {
        assertThat(Runc.missingMessage()).contains("/usr/sbin").endsWith("install it with: apt-get install runc");
    }
}
