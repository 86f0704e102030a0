package dev.talent.compiler.ast;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.talent.compiler.CompilationFailedException;
import dev.talent.compiler.CompileEvent;
import dev.talent.compiler.Diagnostic;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How much of clang's JSON is read between two progress events. */
    static final long PROGRESS_STEP_BYTES = 32L << 20;

    private final String clang;
    private final ObjectMapper mapper;
    private final Consumer<CompileEvent> events;

    public ClangAstLoader() {
        this(System.getenv().getOrDefault("TALENT_CLANG", "clang"));
    }

    public ClangAstLoader(String clang) {
        this(clang, event -> { });
    }

    /** {@code events}: where progress is reported while a file's AST is read (the compiler never prints). */
    public ClangAstLoader(String clang, Consumer<CompileEvent> events) {
        this.clang = clang;
        this.events = events;
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
        Node root;
        String stderr;
        int rc;
        long sourceBytes = sizeOf(source);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CountingInputStream in = new CountingInputStream(p.getInputStream());
            try (in; JsonParser parser = mapper.createParser(in)) {
                root = parser.nextToken() == JsonToken.START_OBJECT
                        ? readNode(parser, new Tracker(new Interner()), new Progress(source, sourceBytes, in))
                        : null;
                // clang may still be writing after a failure: drain it so that it can exit
                in.transferTo(OutputStream.nullOutputStream());
            } catch (JsonProcessingException e) {
                root = null;   // clang failed half-way (closing the pipe ends it): its messages say why
            }
            stderr = err.join();
            rc = p.waitFor();
            events.accept(new CompileEvent.AstRead(source, sourceBytes, in.count(), true));
        } catch (IOException e) {
            throw new CompilationFailedException(List.of(Diagnostic.error(source.toString(), 0, 0,
                    "cannot run " + clang + ": " + e.getMessage(),
                    "install clang (Debian: apt-get install clang) or set TALENT_CLANG")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (rc != 0 || root == null) {
            throw new CompilationFailedException(clangErrors(source, stderr));
        }
        String text;
        try {
            text = new String(Files.readAllBytes(source), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TranslationUnit(source, source.toString(), text, root);
    }

    private static long sizeOf(Path source) {
        try {
            return Files.size(source);
        } catch (IOException e) {
            return -1;
        }
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

    /** The clang command this loader runs. */
    public String clang() {
        return clang;
    }

    /** What one run of the preprocessor gave: its exit code, its output, its messages. */
    public record Preprocessed(int exitCode, String output, String errors) {}

    /** {@code clang -E OPTIONS ARGS file} (line markers kept), for the unit's preprocessed text. */
    public Preprocessed runPreprocessor(Path file, List<String> options, List<String> preprocessorArgs) {
        List<String> cmd = new ArrayList<>(List.of(clang, "-E", "-fsigned-char", "-fno-color-diagnostics"));
        cmd.addAll(options);
        cmd.addAll(preprocessorArgs);
        cmd.add(file.toString());
        return runCapturing(cmd, file);
    }

    /**
     * The macros clang predefines for {@code target} (a triple such as {@code s390x-linux-gnu}), by name,
     * or an empty map when clang cannot say.
     */
    public Map<String, String> predefinedMacros(String target) {
        List<String> cmd = List.of(clang, "--target=" + target, "-fsigned-char", "-dM", "-E", "-x", "c", "/dev/null");
        Preprocessed p = runCapturing(cmd, Path.of("/dev/null"));
        Map<String, String> out = new HashMap<>();
        if (p.exitCode() != 0) return out;
        for (String l : p.output().split("\n", -1)) {
            if (!l.startsWith("#define ")) continue;
            String rest = l.substring("#define ".length());
            int sp = rest.indexOf(' ');
            out.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1));
        }
        return out;
    }

    private Preprocessed runCapturing(List<String> cmd, Path file) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return new Preprocessed(p.waitFor(), out, err.join());
        } catch (IOException e) {
            return new Preprocessed(-1, "", "cannot run " + clang + " on " + file + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Builds a tree from already-dumped JSON (tests). */
    public TranslationUnit fromJson(Path source, String text, String jsonText) throws IOException {
        try (JsonParser parser = mapper.createParser(jsonText)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object: clang's AST is one");
            Node root = readNode(parser, new Tracker(new Interner()), new Progress(source, text.length(), null));
            return new TranslationUnit(source, source.toString(), text, root);
        }
    }

    private static List<Diagnostic> clangErrors(Path source, String stderr) {
        List<Diagnostic> out = new ArrayList<>();
        for (String line : stderr.split("\n", -1)) {
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

    /** Counts the bytes of clang's JSON read so far (for progress). */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() { return count; }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }
    }

    /** Reports how much of a file's AST was read, every {@link #PROGRESS_STEP_BYTES} bytes of JSON. */
    private final class Progress {
        private final Path source;
        private final long sourceBytes;
        private final CountingInputStream in;
        private long next = PROGRESS_STEP_BYTES;

        Progress(Path source, long sourceBytes, CountingInputStream in) {
            this.source = source;
            this.sourceBytes = sourceBytes;
            this.in = in;
        }

        void update() {
            if (in == null || in.count() < next) return;
            next = in.count() + PROGRESS_STEP_BYTES;
            events.accept(new CompileEvent.AstRead(source, sourceBytes, in.count(), false));
        }
    }

    /** clang's "last printed file/line" state. */
    private static final class Tracker {
        final Interner strings;
        String file;
        int line;

        Tracker(Interner strings) {
            this.strings = strings;
        }

        SourceLoc bare(JsonNode l) {
            if (l == null || !l.has("offset")) return SourceLoc.NONE;
            if (l.has("file")) file = strings.string(l.get("file").asText());
            if (l.has("line")) line = l.get("line").asInt();
            return strings.loc(new SourceLoc(file, line, l.path("col").asInt(), l.get("offset").asInt(), l.path("tokLen").asInt(),
                    false, file, l.get("offset").asInt()));
        }

        SourceLoc loc(JsonNode l) {
            if (l == null || l.isMissingNode()) return SourceLoc.NONE;
            if (l.has("spellingLoc") || l.has("expansionLoc")) {
                SourceLoc spelling = bare(l.get("spellingLoc"));
                SourceLoc expansion = bare(l.get("expansionLoc"));
                return strings.loc(new SourceLoc(expansion.file(), expansion.line(), expansion.col(), expansion.offset(),
                        expansion.tokLen(), true, spelling.file(), spelling.offset()));
            }
            return bare(l);
        }
    }

    /**
     * Shares equal values between nodes: strings (file names, kinds, ids, type spellings), attribute values
     * (most are one of a few types, or a reference to one of a few declarations) and locations (a node's range
     * often starts where its first child's does). Lives only while one file is loaded.
     */
    private static final class Interner {
        private final Map<String, String> strings = new HashMap<>();
        private final Map<JsonNode, JsonNode> values = new HashMap<>();
        private final Map<SourceLoc, SourceLoc> locs = new HashMap<>();

        String string(String s) {
            String shared = strings.putIfAbsent(s, s);
            return shared == null ? s : shared;
        }

        SourceLoc loc(SourceLoc l) {
            SourceLoc shared = locs.putIfAbsent(l, l);
            return shared == null ? l : shared;
        }

        /** An equal value already seen, else this one (its parts shared first). */
        JsonNode value(JsonNode v) {
            JsonNode canonical = switch (v) {
                case TextNode t -> NODES.textNode(string(t.textValue()));
                case ObjectNode o -> {
                    ObjectNode copy = NODES.objectNode();
                    for (Map.Entry<String, JsonNode> e : o.properties()) copy.set(string(e.getKey()), value(e.getValue()));
                    yield copy;
                }
                case ArrayNode a -> {
                    ArrayNode copy = NODES.arrayNode(a.size());
                    for (JsonNode e : a) copy.add(value(e));
                    yield copy;
                }
                default -> v;   // numbers, booleans, null: small, or shared by Jackson already
            };
            JsonNode shared = values.putIfAbsent(canonical, canonical);
            return shared == null ? canonical : shared;
        }
    }

    /**
     * Reads one node from the parser, which is at the node's START_OBJECT, and builds it, visiting clang's JSON in
     * document order so that locations are interpreted in the order clang printed them, including locations nested
     * in attributes (e.g. referencedDecl) that talent does not otherwise use. Only the node's own attributes are
     * read as (small) JSON trees; its children are read by the same method as they stream by.
     */
    private Node readNode(JsonParser p, Tracker t, Progress progress) throws IOException {
        Interner in = t.strings;
        SourceLoc loc = SourceLoc.NONE;
        SourceLoc begin = SourceLoc.NONE;
        SourceLoc end = SourceLoc.NONE;
        String kind = "";
        String id = "";
        List<Object> attributes = new ArrayList<>();
        List<Node> children = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken token = p.nextToken();
            switch (key) {
                case "loc" -> loc = t.loc(mapper.readTree(p));
                case "range" -> {
                    JsonNode range = mapper.readTree(p);
                    begin = t.loc(range.get("begin"));
                    end = t.loc(range.get("end"));
                }
                case "inner" -> {
                    if (token != JsonToken.START_ARRAY) {
                        skipNested(mapper.readTree(p), t);
                        break;
                    }
                    children = new ArrayList<>();
                    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (token == JsonToken.START_OBJECT) {
                            children.add(readNode(p, t, progress));
                        } else {
                            p.skipChildren();
                            children.add(new Node("", "", SourceLoc.NONE, SourceLoc.NONE, SourceLoc.NONE, new Object[0]));
                        }
                    }
                }
                case "array_filler" -> {
                    if (token != JsonToken.START_ARRAY) {
                        skipNested(mapper.readTree(p), t);
                        break;
                    }
                    // clang's JSON prints an InitListExpr with an array filler (fewer initialisers than elements) as
                    // one "array_filler" array: the filler first, then the explicit initialisers, and no "inner".
                    // The filler is no element and is dropped (its locations tracked); the initialisers are children
                    if (children.isEmpty()) children = new ArrayList<>();
                    boolean filler = true;
                    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (filler || token != JsonToken.START_OBJECT) {
                            skipNested(mapper.readTree(p), t);
                            if (!filler) children.add(new Node("", "", SourceLoc.NONE, SourceLoc.NONE, SourceLoc.NONE, new Object[0]));
                            filler = false;
                        } else {
                            children.add(readNode(p, t, progress));
                        }
                    }
                }
                default -> {
                    JsonNode value = mapper.readTree(p);
                    skipNested(value, t);
                    if (key.equals("kind") && value.isTextual()) kind = in.string(value.textValue());
                    else if (key.equals("id") && value.isTextual()) id = in.string(value.textValue());
                    else {
                        attributes.add(in.string(key));
                        attributes.add(in.value(value));
                    }
                }
            }
        }
        progress.update();
        // GNU a ?: b: clang repeats a (the same nodes, the same ids) under two OpaqueValueExprs, the test and the value;
        // kept, every pass walking the tree would see a's calls and names three times and rewrite their text three
        // times. a is the operator's first child; the copies are read (for their locations) and dropped
        if (kind.equals("OpaqueValueExpr")) children = List.of();
        Node node = new Node(kind, id, loc, begin, end, attributes.toArray());
        if (!children.isEmpty()) node.setInner(children);
        return node;
    }

    /** Attributes other than loc/range/inner may hold nodes with locations (e.g. "decl" of a type). */
    private static void skipNested(JsonNode v, Tracker t) {
        if (v.isObject()) {
            if (v.has("kind") && (v.has("loc") || v.has("range") || v.has("inner"))) {
                trackNode(v, t);
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

    /** The locations of a node-like object found inside an attribute, in the order a node's are read. */
    private static void trackNode(JsonNode json, Tracker t) {
        List<JsonNode> children = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "loc" -> t.loc(e.getValue());
                case "range" -> {
                    t.loc(e.getValue().get("begin"));
                    t.loc(e.getValue().get("end"));
                }
                case "inner" -> e.getValue().forEach(children::add);
                default -> skipNested(e.getValue(), t);
            }
        }
        for (JsonNode c : children) trackNode(c, t);
    }
}
