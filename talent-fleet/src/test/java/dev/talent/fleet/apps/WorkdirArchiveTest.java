package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WorkdirArchiveTest {
    @TempDir Path tmp;

    private static byte[] pack(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WorkdirArchive.pack(dir, out);
        return out.toByteArray();
    }

    /** A ZIP written by hand: entries with talent's mode field unless {@code extra} says otherwise. */
    private static byte[] zip(List<Object[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Object[] e : entries) {
                ZipEntry entry = new ZipEntry((String) e[0]);
                entry.setExtra((byte[]) e[2]);
                z.putNextEntry(entry);
                if (e[1] != null) z.write((byte[]) e[1]);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] file() { return WorkdirArchive.modeField(0100644); }

    private Path target() { return tmp.resolve("into"); }

    private List<Path> left() throws IOException {
        if (!Files.exists(target())) return List.of();
        try (Stream<Path> s = Files.walk(target())) {
            return s.filter(p -> !p.equals(target())).toList();
        }
    }

    @Test
    void aTreeComesBackWithItsFilesDirectoriesAndModes() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("a/b"));
        Files.createDirectories(src.resolve("empty"));
        Files.writeString(src.resolve("top.txt"), "top\n");
        Files.writeString(src.resolve("a/b/deep.bin"), "x".repeat(100_000));
        Files.writeString(src.resolve("a/run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(src.resolve("a/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(src.resolve("a/b"), PosixFilePermissions.fromString("r-xr-xr-x"));

        WorkdirArchive.unpack(new ByteArrayInputStream(pack(src)), target());

        assertThat(Files.readString(target().resolve("top.txt"))).isEqualTo("top\n");
        assertThat(Files.readString(target().resolve("a/b/deep.bin"))).hasSize(100_000);
        assertThat(Files.isDirectory(target().resolve("empty"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target().resolve("a/run.sh")))).isEqualTo("rwxr-x---");
        // a read-only directory keeps its read and execute bits; its owner may still write (the replica is talent's)
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target().resolve("a/b")))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void packingRefusesALinkInTheTree() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        Files.createSymbolicLink(src.resolve("link"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> pack(src)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
    }

    @Test
    void zipSlipIsRefusedAndNothingLandsOutside() throws IOException {
        byte[] z = zip(List.<Object[]>of(new Object[] {"../escaped.txt", "pwned".getBytes(StandardCharsets.UTF_8), file()}));
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(z), target()))
                .hasMessageContaining("'..' segment");
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        byte[] inner = zip(List.<Object[]>of(new Object[] {"a/../../x", new byte[1], file()}));
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(inner), tmp.resolve("into2")))
                .hasMessageContaining("'..' segment");
    }

    @Test
    void absolutePathsAreRefused() {
        for (String name : List.of("/etc/cron.d/x", "C:/windows/x", "a\\..\\..\\x", "a//b")) {
            assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(zip(List.<Object[]>of(new Object[] {name, new byte[1], file()}))),
                    tmp.resolve("t" + Integer.toHexString(name.hashCode()))))
                    .as(name).isInstanceOf(IOException.class).hasMessageContaining("refused");
        }
    }

    @Test
    void aSymlinkEntryOfAnotherToolIsRefused() throws IOException {
        // Info-ZIP's "ASi" unix field (0x756e) with S_IFLNK: unzip would make a link to /etc
        byte[] asi = ByteBuffer.allocate(4 + 14).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x756e).putShort((short) 14)
                .putInt(0).putShort((short) 0120777).putInt(0).putShort((short) 0).putShort((short) 0).array();
        byte[] z = zip(List.<Object[]>of(new Object[] {"etc", "/etc".getBytes(StandardCharsets.UTF_8), asi}));
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(z), target())).hasMessageContaining("mode field");
        // and talent's own field saying "link" or "device"
        for (int mode : new int[] {0120777, 0020666, 0010644, 0140755}) {
            byte[] t = zip(List.<Object[]>of(new Object[] {"x", new byte[1], WorkdirArchive.modeField(mode)}));
            assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(t), tmp.resolve("m" + mode)))
                    .hasMessageContaining("links and special files are refused");
        }
        assertThat(left()).isEmpty();
    }

    @Test
    void aBombIsStoppedAtTheLimitWhateverTheEntrySays() throws IOException {
        byte[] big = new byte[4 << 20]; // zeros: deflates to a few KiB
        byte[] z = zip(List.<Object[]>of(new Object[] {"bomb", big, file()}));
        assertThat(z.length).isLessThan(64 << 10);
        WorkdirArchive.Limits small = new WorkdirArchive.Limits(1 << 20, 10, 16, 255);
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(z), target(), small))
                .hasMessageContaining("more than 1048576 bytes");
    }

    @Test
    void tooManyEntriesTooDeepAndDuplicatesAreRefused() throws IOException {
        WorkdirArchive.Limits small = new WorkdirArchive.Limits(1 << 20, 3, 4, 255);
        List<Object[]> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) many.add(new Object[] {"f" + i, new byte[1], file()});
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(zip(many)), tmp.resolve("a"), small))
                .hasMessageContaining("more than 3 entries");
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(zip(List.<Object[]>of(new Object[] {"a/b/c/d/e", new byte[1], file()}))),
                tmp.resolve("b"), small)).hasMessageContaining("deeper");
        // ZipOutputStream refuses duplicate names itself: a second entry under a file's name as a directory
        byte[] clash = zip(List.<Object[]>of(new Object[] {"x", new byte[1], file()}, new Object[] {"x/y", new byte[1], file()}));
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(clash), tmp.resolve("c"), small))
                .hasMessageContaining("under a file");
    }

    @Test
    void anEntryWithoutTalentsModeIsRefused() {
        byte[] z = zip0("plain.txt");
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(z), target())).hasMessageContaining("mode field");
    }

    private static byte[] zip0(String name) {
        try {
            return zip(List.<Object[]>of(new Object[] {name, new byte[] {1}, null}));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theTargetMustBeEmpty() throws IOException {
        Files.createDirectories(target());
        Files.writeString(target().resolve("there"), "");
        assertThatThrownBy(() -> WorkdirArchive.unpack(new ByteArrayInputStream(zip0("y")), target())).hasMessageContaining("not empty");
        assertThat(Files.exists(target().resolve("y"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
