package dev.talent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a talentcc object carries besides its host code, in its section {@value #SECTION}: the translation unit
 * (absolute path of the C source), the options it was compiled with, and the SHA-256 of the source and of each
 * project header it includes. talent instruments whole programs (the call graph across files decides which
 * functions are chain functions; function and point ids are program-wide), so the instrumentation happens at
 * link time from these notes, as link-time optimisation does from the intermediate code objects carry.
 *
 * <p>A note comes out of a file anyone may have written: it is read bounded ({@value #MAX_BYTES} bytes), every
 * field checked, every option checked as on talent build's command line (an option talent would refuse there is
 * refused here), and the hashes are checked against the files before anything is compiled.
 */
public record CcNote(Path source, List<String> preprocessorArgs, List<String> compileFlags, Map<Path, String> hashes) {

    public static final String SECTION = ".talent.unit";
    public static final int MAX_BYTES = 1 << 20;
    private static final int MAX_ITEMS = 4096;
    private static final int MAX_STRING = 4096;
    private static final int VERSION = 1;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern OPTIMIZATION = Pattern.compile("-O(0|1|2|3|s|g|z|fast)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    public CcNote {
        preprocessorArgs = List.copyOf(preprocessorArgs);
        compileFlags = List.copyOf(compileFlags);
        hashes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    /** A note whose files are hashed now: {@code source} and {@code headers} as they are. */
    public static CcNote of(Path source, CcOptions cc, List<Path> headers) throws IOException {
        Map<Path, String> hashes = new LinkedHashMap<>();
        Path abs = source.toAbsolutePath().normalize();
        hashes.put(abs, sha256(abs));
        for (Path h : headers) {
            Path ah = h.toAbsolutePath().normalize();
            if (!hashes.containsKey(ah)) hashes.put(ah, sha256(ah));
        }
        return new CcNote(abs, cc.preprocessorArgs(), cc.compileFlags(), hashes);
    }

    public byte[] toBytes() {
        ObjectNode root = JSON.createObjectNode();
        root.put("talentcc", VERSION);
        root.put("source", source.toString());
        ArrayNode pp = root.putArray("preprocessor");
        preprocessorArgs.forEach(pp::add);
        ArrayNode cf = root.putArray("compile");
        compileFlags.forEach(cf::add);
        ObjectNode files = root.putObject("files");
        hashes.forEach((p, h) -> files.put(p.toString(), h));
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads and checks a note; the message of the exception says what is wrong with it. */
    public static CcNote parse(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) throw new IOException("talentcc note larger than " + MAX_BYTES + " bytes");
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException("talentcc note is not JSON");
        }
        if (root == null || !root.isObject() || root.path("talentcc").asInt(-1) != VERSION) {
            throw new IOException("talentcc note of an unknown version (rebuild the object with this talentcc)");
        }
        Path source = absolute(text(root.get("source"), "source"), "source");
        if (!source.toString().endsWith(".c")) throw new IOException("talentcc note: source is not a .c file");
        List<String> pp = strings(root.get("preprocessor"), "preprocessor");
        for (String a : pp) {
            if (!(a.startsWith("-I/") || a.startsWith("-D") || a.startsWith("-U") || a.startsWith("-std=")
                    || CcOptions.isCharSignedness(a))) {
                throw new IOException("talentcc note: unexpected preprocessor option " + a);
            }
        }
        List<String> compile = strings(root.get("compile"), "compile");
        for (int i = 0; i < compile.size(); i++) {
            String a = compile.get(i);
            if (pp.contains(a) || OPTIMIZATION.matcher(a).matches()) continue;
            if (a.startsWith("-W") && !a.startsWith("-Wp,")) continue;
            Optional<String> why = CcOptions.refusal(a);
            if (why.isPresent()) throw new IOException("talentcc note: option " + a + " refused: " + why.get());
            if (CcOptions.takesValue(a)) i++;
        }
        JsonNode files = root.get("files");
        if (files == null || !files.isObject() || files.size() > MAX_ITEMS || files.size() == 0) {
            throw new IOException("talentcc note: bad file list");
        }
        Map<Path, String> hashes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = files.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String h = text(e.getValue(), "hash");
            if (!SHA256.matcher(h).matches()) throw new IOException("talentcc note: bad hash");
            hashes.put(absolute(e.getKey(), "file"), h);
        }
        if (!hashes.containsKey(source)) throw new IOException("talentcc note: the source has no hash");
        return new CcNote(source, pp, compile, hashes);
    }

    /** The first file whose contents are no longer those the object was compiled from, if any. */
    public Optional<Path> changedFile() throws IOException {
        for (Map.Entry<Path, String> e : hashes.entrySet()) {
            if (!Files.isRegularFile(e.getKey()) || !sha256(e.getKey()).equals(e.getValue())) return Optional.of(e.getKey());
        }
        return Optional.empty();
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode n, String what) throws IOException {
        if (n == null || !n.isTextual() || n.asText().length() > MAX_STRING || n.asText().indexOf('\0') >= 0) {
            throw new IOException("talentcc note: bad " + what);
        }
        return n.asText();
    }

    private static Path absolute(String s, String what) throws IOException {
        Path p = Path.of(s);
        if (!p.isAbsolute() || !p.normalize().equals(p)) throw new IOException("talentcc note: " + what + " is not a normal absolute path");
        return p;
    }

    private static List<String> strings(JsonNode n, String what) throws IOException {
        if (n == null || !n.isArray() || n.size() > MAX_ITEMS) throw new IOException("talentcc note: bad " + what);
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) out.add(text(e, what));
        return out;
    }
}
