package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.it.SourcePackage.TarEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The unpacking of Debian's upstream tarballs (DebianSourcesIT): nothing in a tarball writes outside its target. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SourcePackageTest {
    @TempDir
    Path dir;

    @Test
    void unpacksRegularFilesAndDirectoriesUnderTheTopDirectory() throws IOException {
        Path top = unpack(List.of(new TarEntry("pkg-1.0/", '5', ""), new TarEntry("pkg-1.0/a.c", '0', "int main(void) { return 0; }\n"),
                new TarEntry("pkg-1.0/sub/b.h", '0', "#define B 1\n")));
        assertThat(top).isEqualTo(dir.resolve("out").toRealPath().resolve("pkg-1.0"));
        assertThat(top.resolve("a.c")).hasContent("int main(void) { return 0; }");
        assertThat(top.resolve("sub/b.h")).hasContent("#define B 1");
    }

    @Test
    void refusesEveryEntryThatIsNotAPlainRelativePathUnderTheTopDirectory() {
        for (String name : List.of("../evil", "/etc/evil", "pkg-1.0/../../evil", "pkg-1.0/./a.c", "pkg-1.0//a.c", "evil")) {
            assertThatThrownBy(() -> unpack(List.of(new TarEntry("pkg-1.0/x.c", '0', "x"), new TarEntry(name, '0', "evil"))))
                    .as(name).isInstanceOf(IOException.class).hasMessageContaining("entry '" + name + "'");
            assertThat(dir.resolve("evil")).doesNotExist();
            assertThat(Path.of("/etc/evil")).doesNotExist();
        }
        assertThatThrownBy(() -> unpack(List.of(new TarEntry("pkg-1.0/x.c", '0', "x"), new TarEntry("other-2.0/y.c", '0', "y"))))
                .hasMessageContaining("not under the top directory 'pkg-1.0'");
    }

    @Test
    void refusesLinksDevicesAndExtendedHeaders() {
        for (char type : List.of('1', '2', '3', '4', '6', 'L', 'K', 'x')) {
            assertThatThrownBy(() -> unpack(List.of(new TarEntry("pkg-1.0/link", type, "/etc/passwd"))))
                    .as("type " + type).hasMessageContaining("of type '" + type + "'");
        }
    }

    /** git archive (GitHub's tarballs, cJSON's) starts with a pax global header holding the commit as a comment. */
    @Test
    void skipsAPaxGlobalHeaderOfCommentsAndRefusesAnyOther() throws IOException {
        String comment = "52 comment=324a6ac9a9b285ff7a5a3e5b2e5b4a3c2d1e0f9a\n";
        Path top = unpack(List.of(new TarEntry("pax_global_header", 'g', comment), new TarEntry("pkg-1.0/a.c", '0', "abc")));
        assertThat(top.resolve("a.c")).hasContent("abc");
        assertThat(top.getParent().resolve("pax_global_header")).doesNotExist();
        for (String records : List.of("20 path=/etc/passwd\n", comment + "15 size=999999\n", "52 comment=x\n", "5 comment=\n",
                "x comment=abc\n")) {
            assertThatThrownBy(() -> unpack(List.of(new TarEntry("pax_global_header", 'g', records), new TarEntry("pkg-1.0/a.c", '0', "abc"))))
                    .as(records).isInstanceOf(IOException.class).hasMessageContaining("pax global header");
        }
    }

    @Test
    void refusesACorruptHeaderAndATruncatedStream() throws IOException {
        byte[] good = SourcePackage.tar(List.of(new TarEntry("pkg-1.0/a.c", '0', "abc")));
        byte[] corrupt = good.clone();
        corrupt[3] ^= 1;
        assertThatThrownBy(() -> SourcePackage.unpackTar(new ByteArrayInputStream(corrupt), dir.resolve("c")))
                .hasMessageContaining("checksum");
        assertThatThrownBy(() -> SourcePackage.unpackTar(new ByteArrayInputStream(good, 0, 600), dir.resolve("t")))
                .hasMessageContaining("ends inside an entry");
    }

    @Test
    void findsThePackageOnlyWhenTheTarballMatchesTheDsc() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        assertThat(SourcePackage.find(src, "pkg")).isEmpty();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(SourcePackage.tar(List.of(new TarEntry("pkg-1.0/a.c", '0', "abc"))));
        }
        Path tarball = Files.write(src.resolve("pkg_1.0.orig.tar.gz"), gz.toByteArray());
        String dsc = "Source: pkg\nChecksums-Sha256:\n " + SourcePackage.sha256(tarball) + " " + Files.size(tarball)
                + " pkg_1.0.orig.tar.gz\n";
        Files.writeString(src.resolve("pkg_1.0-1.dsc"), dsc, StandardCharsets.UTF_8);
        Path top = SourcePackage.find(src, "pkg").orElseThrow().unpack(dir.resolve("out"));
        assertThat(top.resolve("a.c")).hasContent("abc");

        Files.write(tarball, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(src.resolve("pkg_1.0-1.dsc"), dsc.replace(" " + (Files.size(tarball) - 1) + " ", " " + Files.size(tarball) + " "));
        assertThatThrownBy(() -> SourcePackage.find(src, "pkg")).hasMessageContaining("has SHA-256");
    }

    private Path unpack(List<TarEntry> entries) throws IOException {
        Path into = dir.resolve("out");
        if (Files.exists(into)) {
            try (Stream<Path> s = Files.walk(into)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return SourcePackage.unpackTar(new ByteArrayInputStream(SourcePackage.tar(entries)), into);
    }
}
