package dev.talent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The C runtime's source files (talent-runtime/src/main/c), packaged as class-path resources under
 * {@value #RESOURCE_ROOT}. The list is found by scanning the directory or jar that holds the resources, so a
 * file added to src/main/c is picked up without touching any Java code.
 */
public final class RuntimeSources {

    public static final String RESOURCE_ROOT = "dev/talent/runtime/c/";
    /** The one file every runtime has: the contract with generated code. Used to locate the resources. */
    public static final String CONTRACT_HEADER = "include/talent.h";

    /** Relative path ("include/talent.h", "checkpoint.c") to content, sorted by path. */
    private final Map<String, byte[]> files;

    private RuntimeSources(Map<String, byte[]> files) {
        this.files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** The runtime sources on this class's class path (a directory in development, the jar when packaged). */
    public static RuntimeSources fromClasspath() {
        return fromClassLoader(RuntimeSources.class.getClassLoader());
    }

    static RuntimeSources fromClassLoader(ClassLoader loader) {
        URL anchor = loader.getResource(RESOURCE_ROOT + CONTRACT_HEADER);
        if (anchor == null) {
            throw new IllegalStateException("the C runtime is not on the class path (no " + RESOURCE_ROOT
                    + CONTRACT_HEADER + "); was talent-runtime built?");
        }
        try {
            return switch (anchor.getProtocol()) {
                case "file" -> fromDirectory(Path.of(anchor.toURI()).getParent().getParent());
                case "jar" -> fromJar(anchor);
                default -> throw new IllegalStateException("cannot list runtime sources at " + anchor);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("reading the C runtime sources at " + anchor, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sources in a directory laid out like src/main/c. */
    public static RuntimeSources fromDirectory(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return new RuntimeSources(files);
    }

    private static RuntimeSources fromJar(URL anchor) throws IOException, URISyntaxException {
        JarURLConnection connection = (JarURLConnection) anchor.openConnection();
        Path jarPath = Path.of(connection.getJarFileURL().toURI());
        Map<String, byte[]> files = new TreeMap<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (entry.isDirectory() || !entry.getName().startsWith(RESOURCE_ROOT)) continue;
                try (InputStream in = jar.getInputStream(entry)) {
                    files.put(entry.getName().substring(RESOURCE_ROOT.length()), in.readAllBytes());
                }
            }
        }
        return new RuntimeSources(files);
    }

    /** Every file, as a path relative to src/main/c, sorted. */
    public List<String> paths() { return List.copyOf(files.keySet()); }

    /** The translation units of libtalent: the {@code .c} files at the top level (subdirectories hold headers). */
    public List<String> translationUnits() {
        return files.keySet().stream().filter(p -> p.endsWith(".c") && !p.contains("/")).toList();
    }

    public byte[] content(String path) {
        byte[] bytes = files.get(path);
        if (bytes == null) throw new IllegalArgumentException("no runtime source " + path);
        return bytes.clone();
    }

    /** SHA-256 over every path and content, hex: changes whenever any runtime file changes. */
    public String sha256() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((path, bytes) -> {
                digest.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Long.toString(bytes.length).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(bytes);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every file under {@code directory}, keeping the relative layout (include/ stays include/). */
    public void extractTo(Path directory) throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = directory.resolve(file.getKey()).normalize();
            if (!target.startsWith(directory.normalize())) throw new IOException("bad runtime path " + file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
    }
}
