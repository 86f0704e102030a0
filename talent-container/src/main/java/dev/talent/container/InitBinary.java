package dev.talent.container;

import dev.talent.base.FileTrees;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The container's pid 1 (talent-init.c, see its comment for why there is one): a static executable for the
 * host's ISA, compiled once with the host's gcc and kept as {@code <dir>/talent-init-<hash of the source>}, so
 * a state directory reuses it across runs and a changed source rebuilds it.
 */
final class InitBinary {

    static final String SOURCE_RESOURCE = "talent-init.c";

    private InitBinary() {}

    /** The init binary in {@code dir}, compiling it first if needed. */
    static Path ensure(Path dir, ToolchainProbe probe) throws ContainerException, IOException, InterruptedException {
        byte[] source = source();
        Path binary = dir.resolve("talent-init-" + sha256(source).substring(0, 16));
        if (Files.isExecutable(binary)) return binary;
        Isa host = probe.host().orElseThrow(() -> new ContainerException(
                "cannot build the container init: this host's ISA (" + System.getProperty("os.arch") + ") is not one talent knows"));
        CrossCompiler compiler;
        try {
            compiler = CrossCompiler.forPlatform(Platform.glibc(host), probe);
        } catch (PlatformUnavailableException e) {
            throw new ContainerException("cannot build the container init (" + e.getMessage() + ")", e);
        }
        Files.createDirectories(dir);
        // Compiled in a private directory and renamed into place: concurrent hosts see a whole binary or none.
        Path staging = Files.createTempDirectory(dir, ".build-");
        try {
            Path sourceFile = Files.write(staging.resolve(SOURCE_RESOURCE), source);
            Path output = staging.resolve("talent-init");
            compiler.linkExecutable(new ExecutableSpec(List.of(sourceFile), List.of("-Wall"), List.of(), List.of(), output));
            Files.move(output, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (ToolFailedException e) {
            throw new ContainerException("cannot build the container init: " + e.getMessage(), e.output(), e);
        } finally {
            FileTrees.deleteRecursively(staging);
        }
        return binary;
    }

    static byte[] source() throws IOException {
        try (InputStream in = InitBinary.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) throw new IllegalStateException(SOURCE_RESOURCE + " is missing from talent-container's resources");
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
