package dev.talent.compiler.ast;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.compiler.CompilationFailedException;
import dev.talent.compiler.Diagnostic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code clang -Xclang -ast-dump=json -fsyntax-only} on one file and builds the {@link Node} tree.
 *
 * <p>clang's JSON dumper leaves out "file" and "line" of a location when they equal those of the location it
 * printed just before (in document order: loc, range.begin, range.end; spellingLoc before expansionLoc).
 * This loader replays that order to give every location its file and line, which is how nodes from headers
 * are told apart from the main file.
 */
public class ClangAstLoader {
    private static final Pattern CLANG_MESSAGE =
            Pattern.compile("^(.*?):(\\d+):(\\d+): (error|fatal error|warning): (.*)$");

    private final String clang;
    private final ObjectMapper mapper;

    public ClangAstLoader() {
        this(System.getenv().getOrDefault("TALENT_CLANG", "clang"));
    }

    public ClangAstLoader(String clang) {
        this.clang = clang;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public TranslationUnit load(Path source, List<String> preprocessorArgs) throws CompilationFailedException {
        List<String> cmd = new ArrayList<>(List.of(clang, "-Xclang", "-ast-dump=json", "-fsyntax-only",
                "-fsigned-char", "-fno-color-diagnostics"));
        cmd.addAll(preprocessorArgs);
        cmd.add(source.toString());
        JsonNode json;
        String stderr;
        int rc;
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (InputStream in = p.getInputStream()) {
                json = mapper.readTree(in);
            }
            stderr = err.join();
            rc = p.waitFor();
        } catch (IOException e) {
            throw new CompilationFailedException(List.of(Diagnostic.error(source.toString(), 0, 0,
                    "cannot run " + clang + ": " + e.getMessage(),
                    "install clang (Debian: apt-get install clang) or set TALENT_CLANG")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (rc != 0 || json == null || json.isMissingNode() || json.isNull()) {
            throw new CompilationFailedException(clangErrors(source, stderr));
        }
        String text;
        try {
            text = new String(Files.readAllBytes(source), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Node root = build(json, new Tracker());
        return new TranslationUnit(source, source.toString(), text, root);
    }

    /**
     * The file after {@code clang -E} (same options as the AST), or null when clang fails: its line markers
     * tell which {@code #pragma talent} lines are in active preprocessor branches.
     */
    public String preprocess(Path source, List<String> preprocessorArgs) {
        List<String> cmd = new ArrayList<>(List.of(clang, "-E", "-fsigned-char", "-fno-color-diagnostics"));
        cmd.addAll(preprocessorArgs);
        cmd.add(source.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = readAll(p.getInputStream());
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Builds a tree from already-dumped JSON (tests). */
    public TranslationUnit fromJson(Path source, String text, String jsonText) throws IOException {
        return new TranslationUnit(source, source.toString(), text, build(mapper.readTree(jsonText), new Tracker()));
    }

    private static List<Diagnostic> clangErrors(Path source, String stderr) {
        List<Diagnostic> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = CLANG_MESSAGE.matcher(line);
            if (m.matches() && m.group(4).contains("error")) {
                out.add(Diagnostic.error(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        m.group(5), "fix the C error first: talent instruments programs that compile"));
            }
        }
        if (out.isEmpty()) {
            out.add(Diagnostic.error(source.toString(), 0, 0, "clang could not parse the file: " + stderr.strip(),
                    "check the -I/-D options given to talent build"));
        }
        return out;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** clang's "last printed file/line" state. */
    private static final class Tracker {
        String file;
        int line;

        SourceLoc bare(JsonNode l) {
            if (l == null || !l.has("offset")) return SourceLoc.NONE;
            if (l.has("file")) file = l.get("file").asText();
            if (l.has("line")) line = l.get("line").asInt();
            return new SourceLoc(file, line, l.path("col").asInt(), l.get("offset").asInt(), l.path("tokLen").asInt(),
                    false, file, l.get("offset").asInt());
        }

        SourceLoc loc(JsonNode l) {
            if (l == null || l.isMissingNode()) return SourceLoc.NONE;
            if (l.has("spellingLoc") || l.has("expansionLoc")) {
                SourceLoc spelling = bare(l.get("spellingLoc"));
                SourceLoc expansion = bare(l.get("expansionLoc"));
                return new SourceLoc(expansion.file(), expansion.line(), expansion.col(), expansion.offset(),
                        expansion.tokLen(), true, spelling.file(), spelling.offset());
            }
            return bare(l);
        }
    }

    /**
     * Visits the JSON object in document order: locations are interpreted in the order clang printed them,
     * including locations nested in attributes (e.g. referencedDecl) that talent does not otherwise use.
     */
    private static Node build(JsonNode json, Tracker t) {
        SourceLoc loc = SourceLoc.NONE;
        SourceLoc begin = SourceLoc.NONE;
        SourceLoc end = SourceLoc.NONE;
        List<JsonNode> children = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "loc" -> loc = t.loc(e.getValue());
                case "range" -> {
                    begin = t.loc(e.getValue().get("begin"));
                    end = t.loc(e.getValue().get("end"));
                }
                case "inner" -> children.addAll(toList(e.getValue()));
                default -> skipNested(e.getValue(), t);
            }
        }
        Node node = new Node(json, loc, begin, end);
        for (JsonNode c : children) node.addChild(build(c, t));
        return node;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** Attributes other than loc/range/inner may hold nodes with locations (e.g. "decl" of a type). */
    private static void skipNested(JsonNode v, Tracker t) {
        if (v.isObject()) {
            if (v.has("kind") && (v.has("loc") || v.has("range") || v.has("inner"))) {
                build(v, t);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "loc" -> t.loc(e.getValue());
                    case "range" -> {
                        t.loc(e.getValue().get("begin"));
                        t.loc(e.getValue().get("end"));
                    }
                    default -> skipNested(e.getValue(), t);
                }
            }
        } else if (v.isArray()) {
            v.forEach(x -> skipNested(x, t));
        }
    }
}
