package dev.talent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.base.FileTrees;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ProcessRunner;
import dev.talent.toolchain.ToolFailedException;
import dev.talent.toolchain.ToolchainProbe;
import dev.talent.toolchain.Userland;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects a platform's facts on the platform itself: a small C program ({@code facts-probe.c}) is built with the
 * platform's own compiler and C library and run the way its binaries run (natively or under qemu-user); it reports
 * its pointer size, byte order, C library and version ({@code gnu_get_libc_version()}), and what {@code uname()}
 * tells it (machine, kernel, host name). musl has no version call: its version is what the musl C library beside
 * the {@code libc.a} the platform links with prints about itself.
 *
 * <p>A result is cached (a JSON file per platform) under a key made of everything it depends on: the compiler,
 * the C library, the emulator (path, size, modification time), the running kernel, the host name and the probe's
 * source; a change to any of them probes again. So a start of {@code talent run --policy} costs a file read.
 */
public final class FactsProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most output of the probe that is read; it writes a few lines. */
    private static final int MAX_OUTPUT = 4096;
    private static final Pattern LINE = Pattern.compile("([a-z_]{1,32})=([\\x20-\\x7e]{1,128})");
    private static final Pattern MUSL_VERSION = Pattern.compile("(?m)^Version ([0-9][0-9A-Za-z._+-]{0,31})$");

    private final ToolchainProbe toolchain;
    private final Path cacheDir;

    private FactsProbe(ToolchainProbe toolchain, Path cacheDir) {
        this.toolchain = toolchain;
        this.cacheDir = cacheDir;
    }

    /** A probe using the host's toolchain, caching in {@code cacheDir/facts/}. */
    public static FactsProbe create(ToolchainProbe toolchain, Path cacheDir) {
        return new FactsProbe(toolchain, cacheDir.resolve("facts"));
    }

    /** The facts of each platform, in order; the first that cannot be probed fails them all (naming it). */
    public Map<String, PlatformFacts> detectAll(List<Platform> platforms) throws PolicyException, InterruptedException {
        Map<String, PlatformFacts> all = new LinkedHashMap<>();
        for (Platform p : platforms) all.put(p.name(), detect(p));
        return all;
    }

    /**
     * The facts of one platform, from the cache when nothing they depend on changed.
     *
     * @throws PolicyException the platform cannot build or run here (the message names the package), or the probe
     *     failed or said something that is not a fact
     */
    public PlatformFacts detect(Platform platform) throws PolicyException, InterruptedException {
        PlatformSupport support = toolchain.probe(platform);
        if (!support.isBuildable() || !support.isRunnable()) {
            throw new PolicyException("cannot detect the facts of platform " + platform.name() + ": missing "
                    + String.join(" ", support.missingPackages()) + " (apt-get install them)");
        }
        try {
            String key = cacheKey(platform, support);
            Path cached = cacheDir.resolve(platform.name() + "-" + key + ".json");
            Optional<PlatformFacts> hit = readCached(cached);
            if (hit.isPresent()) return hit.get();
            PlatformFacts facts = probe(platform);
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, platform.name(), ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(facts));
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return facts;
        } catch (IOException e) {
            throw new PolicyException("cannot detect the facts of platform " + platform.name() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<PlatformFacts> readCached(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_OUTPUT) return Optional.empty();
            return Optional.of(JSON.readValue(Files.readString(file), PlatformFacts.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // damaged or from another version: probed again and rewritten
        }
    }

    private PlatformFacts probe(Platform platform) throws PolicyException, IOException, InterruptedException {
        Path dir = Files.createTempDirectory("talent-facts-");
        try {
            Path source = dir.resolve("facts-probe.c");
            Files.write(source, probeSource());
            Path binary = dir.resolve("facts-probe." + platform.name());
            CrossCompiler compiler = CrossCompiler.forPlatform(platform, toolchain);
            compiler.linkExecutable(new ExecutableSpec(List.of(source), List.of(), List.of(), List.of(), binary));
            CapturedRun run = Launcher.forPlatform(platform, toolchain).runCapturing(binary, List.of(), EnvironmentChange.NONE, dir);
            if (run.exitCode() != 0) {
                throw new PolicyException("the facts probe of platform " + platform.name() + " exited with status "
                        + run.exitCode() + ": " + bounded(run.stderr()));
            }
            Map<String, String> said = parse(run.stdout(), platform);
            String libc = said.get("libc");
            String version = said.get("libc_version");
            if ("other".equals(libc) && platform.userland() == Userland.MUSL) {
                libc = "musl";
                version = muslVersion(platform);
            }
            if (version == null) {
                throw new PolicyException("the facts probe of platform " + platform.name() + " could not tell the version of "
                        + "its C library (" + libc + ")");
            }
            try {
                return new PlatformFacts(platform.name(), need(said, "machine", platform), Integer.parseInt(need(said,
                        "word_bits", platform)), need(said, "byte_order", platform), libc, version, need(said, "kernel", platform),
                        need(said, "host", platform));
            } catch (IllegalArgumentException e) {
                throw new PolicyException("the facts probe of platform " + platform.name() + " reported " + e.getMessage());
            }
        } catch (PlatformUnavailableException e) {
            throw new PolicyException("cannot detect the facts of platform " + platform.name() + ": " + e.getMessage(), e);
        } catch (ToolFailedException e) {
            throw new PolicyException("cannot build the facts probe for platform " + platform.name() + ": " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    /** The probe's {@code key=value} lines; anything else in its output is refused. */
    static Map<String, String> parse(String stdout, Platform platform) throws PolicyException {
        if (stdout.length() > MAX_OUTPUT) throw new PolicyException("the facts probe of " + platform.name() + " wrote too much");
        Map<String, String> said = new HashMap<>();
        for (String line : stdout.split("\n", -1)) {
            if (line.isEmpty()) continue;
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new PolicyException("the facts probe of platform " + platform.name() + " wrote a line that is not a "
                        + "fact: \"" + bounded(line) + "\"");
            }
            said.put(m.group(1), m.group(2).strip());
        }
        return said;
    }

    private static String need(Map<String, String> said, String key, Platform platform) throws PolicyException {
        String v = said.get(key);
        if (v == null || v.isEmpty()) {
            throw new PolicyException("the facts probe of platform " + platform.name() + " did not report its " + key);
        }
        return v;
    }

    /** musl's C library prints its version when run as a program; it sits beside the libc.a binaries link with. */
    private String muslVersion(Platform platform) throws PolicyException, IOException, InterruptedException {
        Path libc = platform.staticLibc(toolchain.host()).resolveSibling("libc.so");
        if (!Files.isRegularFile(libc)) {
            throw new PolicyException("cannot tell the musl version of platform " + platform.name() + ": " + libc
                    + " is missing (apt-get install musl)");
        }
        CapturedRun run = ProcessRunner.capture(List.of(libc.toString()), EnvironmentChange.NONE, Path.of("/"));
        Matcher m = MUSL_VERSION.matcher(bounded(run.stderr() + "\n" + run.stdout()));
        if (!m.find()) throw new PolicyException("cannot tell the musl version of platform " + platform.name() + " from " + libc);
        return m.group(1);
    }

    private String cacheKey(Platform platform, PlatformSupport support) throws IOException {
        StringBuilder key = new StringBuilder();
        key.append(platform.name()).append('\n');
        support.compiler().ifPresent(c -> key.append(stamp(c)));
        key.append(stamp(platform.staticLibc(toolchain.host())));
        support.emulator().ifPresent(e -> key.append(stamp(e)));
        key.append(readSmall(Path.of("/proc/sys/kernel/osrelease"))).append('\n');
        key.append(readSmall(Path.of("/proc/sys/kernel/hostname"))).append('\n');
        key.append(HexFormat.of().formatHex(probeSource()));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static String stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + " " + a.size() + " " + a.lastModifiedTime().toMillis() + "\n";
        } catch (IOException e) {
            return file + " missing\n";
        }
    }

    private static String readSmall(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static byte[] probeSource() throws IOException {
        try (InputStream in = FactsProbe.class.getResourceAsStream("facts-probe.c")) {
            if (in == null) throw new IOException("facts-probe.c is missing from talent's classpath");
            return in.readAllBytes();
        }
    }

    private static String bounded(String s) {
        String t = s.strip();
        return t.length() > 400 ? t.substring(0, 400) + "..." : t;
    }

    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException ignored) {
            // a temporary file left behind in /tmp
        }
    }
}
