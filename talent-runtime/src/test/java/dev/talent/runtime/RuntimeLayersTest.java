package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's subsystems (one C file and its header each) depend on one another without a cycle (issue 14), in
 * what they include and in what they call: each file is compiled alone and {@code nm} tells which symbols it uses
 * that another file defines. A call back up (frames.c into main.c, values.c into frames.c) goes through a hook or an
 * operations table that the upper file installs, never through a direct reference.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RuntimeLayersTest {

    private static final Path SOURCES = Path.of("src/main/c");
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s+\"([^\"]+)\"", Pattern.MULTILINE);

    /** An edge a -> b, with what makes it (the header included, the symbols referenced). */
    record Graph(Map<String, Map<String, Set<String>>> edges) {
        Graph() {
            this(new TreeMap<>());
        }

        void add(String from, String to, String why) {
            if (!from.equals(to)) {
                edges.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(why);
            }
        }

        /** One cycle, written "a -> b [why] -> a [why]", or empty when there is none. */
        Optional<String> cycle() {
            Map<String, Integer> state = new HashMap<>();   // absent: new, 1: on the path, 2: done
            List<String> path = new ArrayList<>();
            for (String start : edges.keySet()) {
                Optional<String> found = visit(start, state, path);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        private Optional<String> visit(String node, Map<String, Integer> state, List<String> path) {
            Integer s = state.get(node);
            if (s != null && s == 2) {
                return Optional.empty();
            }
            if (s != null) {
                List<String> loop = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
                loop.add(node);
                StringBuilder text = new StringBuilder(loop.getFirst());
                for (int i = 1; i < loop.size(); i++) {
                    text.append(" -> ").append(loop.get(i)).append(' ').append(edges.get(loop.get(i - 1)).get(loop.get(i)));
                }
                return Optional.of(text.toString());
            }
            state.put(node, 1);
            path.add(node);
            for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
                Optional<String> found = visit(next, state, path);
                if (found.isPresent()) {
                    return found;
                }
            }
            path.removeLast();
            state.put(node, 2);
            return Optional.empty();
        }
    }

    private static String subsystem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    private static List<Path> sources(String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    static Graph includeGraph(Map<String, String> files) {
        Graph g = new Graph();
        files.forEach((name, text) -> {
            Matcher m = INCLUDE.matcher(text);
            while (m.find()) {
                String header = Path.of(m.group(1)).getFileName().toString();
                g.add(subsystem(Path.of(name)), header.substring(0, header.lastIndexOf('.')), "#include \"" + m.group(1) + "\"");
            }
        });
        return g;
    }

    @Test
    void subsystemsIncludeOneAnotherWithoutACycle() throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (Path p : sources("")) {
            if (p.toString().endsWith(".c") || p.toString().endsWith(".h")) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }

        assertThat(files).hasSizeGreaterThan(20);
        assertThat(includeGraph(files).cycle()).isEmpty();
    }

    @Test
    void subsystemsCallOneAnotherWithoutACycle(@TempDir Path dir) throws IOException, InterruptedException {
        Map<String, Set<String>> defined = new HashMap<>();
        Map<String, Set<String>> undefined = new TreeMap<>();
        for (Path c : sources(".c")) {
            if (!c.getParent().equals(SOURCES)) {
                continue;
            }
            String name = subsystem(c);
            Path object = dir.resolve(name + ".o");
            run(dir, "gcc", "-std=c99", "-D_POSIX_C_SOURCE=200809L", "-c", "-I" + SOURCES.resolve("include").toAbsolutePath(),
                    "-I" + SOURCES.toAbsolutePath(), c.toAbsolutePath().toString(), "-o", object.toString());
            undefined.put(name, new TreeSet<>());
            // nm -P: "name type [value size]"; upper case types are global, U undefined
            for (String line : run(dir, "nm", "-P", object.toString()).split("\n", -1)) {
                String[] f = line.trim().split("\\s+", -1);
                if (f.length < 2) {
                    continue;
                }
                if (f[1].equals("U")) {
                    undefined.get(name).add(f[0]);
                } else if (f[1].length() == 1 && Character.isUpperCase(f[1].charAt(0))) {
                    defined.computeIfAbsent(f[0], k -> new TreeSet<>()).add(name);
                }
            }
        }
        Graph calls = new Graph();
        undefined.forEach((file, symbols) -> symbols.forEach(sym -> defined.getOrDefault(sym, Set.of())
                .forEach(owner -> calls.add(file + ".c", owner + ".c", sym))));

        assertThat(undefined).hasSizeGreaterThan(20);
        assertThat(calls.edges()).as("edges found").containsKey("main.c");
        assertThat(calls.cycle()).as("a call cycle between runtime files").isEmpty();
        // the link wraps strerror and strsignal, and a program may define its own: the runtime's messages use
        // tl_strerror (strerror.c), which neither reaches
        assertThat(undefined.entrySet().stream().filter(e -> e.getValue().contains("strerror")
                || e.getValue().contains("strsignal")).map(Map.Entry::getKey))
                .as("runtime files calling the program's strerror or strsignal").isEmpty();
    }

    @Test
    void aCycleIsFoundAndNamed() {
        Graph g = new Graph();
        g.add("main.c", "frames.c", "tl_restore_begin");
        g.add("frames.c", "values.c", "tl_decode_value");
        g.add("values.c", "diag.c", "tl_die");
        assertThat(g.cycle()).isEmpty();

        g.add("values.c", "frames.c", "tl_resolve_object");

        assertThat(g.cycle()).contains("frames.c -> values.c [tl_decode_value] -> frames.c [tl_resolve_object]");
    }

    @Test
    void anIncludeCycleIsFound() {
        Graph g = includeGraph(Map.of("a.c", "#include \"b.h\"\n", "b.h", "#include \"c.h\"\n", "c.h", "  # include \"a.h\"\n"));

        assertThat(g.cycle()).hasValueSatisfying(c -> assertThat(c).contains("#include \"a.h\""));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s finished", String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as("%s\n%s", String.join(" ", command), out).isZero();
        return out;
    }
}
