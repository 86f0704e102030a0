package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compiler's packages form layers (docs/ARCHITECTURE.md "The compiler's packages and emitters"): ast and rewrite
 * depend on no other, analysis only on ast (facts, no text: it never reaches emit), emit on the three. Below the
 * compiler itself they may use its value types only. Read from the sources' names of other packages.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CompilerPackagesTest {
    private static final Path MAIN = Path.of("src/main/java/dev/talent/compiler");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.talent\\.compiler\\.(ast|rewrite|analysis|emit|[A-Z]\\w*)\\b");
    private static final Set<String> VALUE_TYPES = Set.of("Diagnostic", "CompileEvent", "CompilationFailedException",
            "TalentVersion");

    @Test
    void thePackagesFormLayersWithoutACycle() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String pkg : new String[] {"ast", "rewrite", "analysis", "emit"}) {
            Set<String> used = new TreeSet<>();
            try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = REFERENCE.matcher(Files.readString(f));
                    while (m.find()) if (!m.group(1).equals(pkg)) used.add(m.group(1));
                }
            }
            uses.put(pkg, used);
        }
        assertThat(uses.get("ast")).isSubsetOf(VALUE_TYPES);
        assertThat(uses.get("rewrite")).isSubsetOf(VALUE_TYPES);
        assertThat(uses.get("analysis")).isSubsetOf(union(VALUE_TYPES, "ast"));
        assertThat(uses.get("emit")).isSubsetOf(union(VALUE_TYPES, "ast", "rewrite", "analysis"));
        // the check sees what it should: emit does use the three
        assertThat(uses.get("emit")).contains("ast", "rewrite", "analysis");
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(Set.of(more));
        return out;
    }
}
