package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text format 0.0.4 (as the {@code talent run --metrics} IT's): every line is a
 * HELP/TYPE comment or a sample {@code name{label="value",...} value}; each sample's family was TYPEd before it.
 */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})?"
                    + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
    private static final Pattern COMMENT = Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* "
            + "(counter|gauge|histogram|summary|untyped))");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PrometheusText() {}

    /** "name{labels sorted by name}" to value, for every sample of {@code text}. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            if (line.startsWith("#")) {
                assertThat(COMMENT.matcher(line).matches()).as("comment line: %s", line).isTrue();
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ", -1);
                    types.put(parts[2], parts[3]);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line: %s", line).isTrue();
            String name = m.group(1);
            String family = name.replaceAll("_(bucket|count|sum|max|total|created)$", "");
            assertThat(types.containsKey(name) || types.containsKey(family)).as("TYPE of %s", name).isTrue();
            List<String> labels = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) labels.add(l.group(1) + "=\"" + l.group(2) + "\"");
            }
            labels.sort(null);
            String key = name + (labels.isEmpty() ? "" : "{" + String.join(",", labels) + "}");
            assertThat(samples.put(key, m.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3))))
                    .as("sample %s twice", key).isNull();
        }
        return samples;
    }

    /** The metric names and label names of {@code samples}. */
    public static List<java.util.Set<String>> namesAndLabels(Map<String, Double> samples) {
        java.util.Set<String> names = new java.util.HashSet<>(), labels = new java.util.HashSet<>();
        for (String key : samples.keySet()) {
            int brace = key.indexOf('{');
            names.add(brace < 0 ? key : key.substring(0, brace));
            if (brace >= 0) {
                Matcher l = LABEL.matcher(key.substring(brace));
                while (l.find()) labels.add(l.group(1));
            }
        }
        return List.of(names, labels);
    }
}
