package dev.talent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's policy file ({@code talent run --policy FILE}), TOML:
 * <pre>
 *   [platform.x86_64]
 *   tags = ["glibc-2.36", "CVE-2024-2961"]
 *   [diversity]
 *   weights = { isa = 3, libc = 2, host = 2 }
 *   avoid_recent = 2
 * </pre>
 * A fleet's controller reads the same file and also takes {@code [host.NAME] tags = [...]}: the tags of every
 * platform of host NAME ({@code talent run} has one host and ignores them).
 * Every key is checked: an unknown table or key, a tag that is not a tag, a weight that is not a small
 * non-negative integer is refused with the file and the key named, rather than half-applied.
 *
 * @param tags      the operator's tags of each platform, by platform name (platforms not listed have none)
 * @param diversity how destinations are drawn
 * @param hostTags  the operator's tags of each fleet host, by host name (hosts not listed have none)
 */
public record Policy(Map<String, Set<String>> tags, Diversity diversity, Map<String, Set<String>> hostTags) {
    /** A tag: a vulnerability id, a version, a free label. Bounded, printable, no spaces. */
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+/@-]{0,127}");
    private static final Pattern PLATFORM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A policy file is small; a bigger one is a mistake (or not a policy file). */
    private static final long MAX_BYTES = 1 << 20;
    private static final int MAX_TAGS = 256;

    public static final Policy EMPTY = new Policy(Map.of(), Diversity.DEFAULT);

    public Policy {
        tags = frozen(tags);
        hostTags = frozen(hostTags);
    }

    /** Without host tags ({@code talent run}). */
    public Policy(Map<String, Set<String>> tags, Diversity diversity) { this(tags, diversity, Map.of()); }

    private static Map<String, Set<String>> frozen(Map<String, Set<String>> m) {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
        return Collections.unmodifiableMap(copy);
    }

    /** The operator's tags of a fleet host (none when the file does not list it). */
    public Set<String> tagsOfHost(String host) {
        return hostTags.getOrDefault(host, Set.of());
    }

    /** The operator's tags of a platform (none when the file does not list it). */
    public Set<String> tagsOf(String platform) {
        return tags.getOrDefault(platform, Set.of());
    }

    /** Reads and checks a policy file. */
    public static Policy load(Path file) throws PolicyException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) throw new PolicyException(file + ": a policy file is at most 1 MiB");
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PolicyException(file + ": no such file");
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read it: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses policy text; {@code source} names it in messages. */
    public static Policy parse(String toml, String source) throws PolicyException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(toml);
        } catch (IOException e) {
            throw new PolicyException(source + ": not valid TOML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || root.isMissingNode()) return EMPTY;
        Map<String, Set<String>> tags = new LinkedHashMap<>();
        Map<String, Set<String>> hosts = new LinkedHashMap<>();
        Diversity diversity = Diversity.DEFAULT;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            switch (e.getKey()) {
                case "platform" -> tags = tagTables(e.getValue(), source, "platform");
                case "host" -> hosts = tagTables(e.getValue(), source, "host");
                case "diversity" -> diversity = diversity(e.getValue(), source);
                default -> throw new PolicyException(source + ": unknown key \"" + e.getKey()
                        + "\" (a policy has [platform.NAME] tables, [host.NAME] tables (a fleet's) and a [diversity] table)");
            }
        }
        return new Policy(tags, diversity, hosts);
    }

    /** {@code [platform.NAME]} or {@code [host.NAME]} tables, each {@code tags = [...]}. */
    private static Map<String, Set<String>> tagTables(JsonNode node, String source, String kind) throws PolicyException {
        if (!node.isObject()) throw new PolicyException(source + ": \"" + kind + "\" must be tables [" + kind + ".NAME]");
        Map<String, Set<String>> tags = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : node.properties()) {
            String name = p.getKey();
            String where = source + ": [" + kind + "." + name + "]";
            if (!PLATFORM_NAME.matcher(name).matches()) throw new PolicyException(where + ": not a " + kind + " name");
            if (!p.getValue().isObject()) throw new PolicyException(where + " must be a table");
            Set<String> set = new LinkedHashSet<>();
            for (Map.Entry<String, JsonNode> field : p.getValue().properties()) {
                if (!field.getKey().equals("tags")) {
                    throw new PolicyException(where + ": unknown key \"" + field.getKey() + "\" (a " + kind + " has tags = [...])");
                }
                JsonNode list = field.getValue();
                if (!list.isArray()) throw new PolicyException(where + ": tags must be an array of strings");
                if (list.size() > MAX_TAGS) throw new PolicyException(where + ": more than " + MAX_TAGS + " tags");
                for (JsonNode t : list) {
                    if (!t.isTextual() || !TAG.matcher(t.asText()).matches()) {
                        throw new PolicyException(where + ": tag " + t + " is not a tag (1-128 letters, digits and . _ : + / @ -, "
                                + "starting with a letter or digit)");
                    }
                    set.add(t.asText());
                }
            }
            tags.put(name, set);
        }
        return tags;
    }

    private static Diversity diversity(JsonNode node, String source) throws PolicyException {
        String where = source + ": [diversity]";
        if (!node.isObject()) throw new PolicyException(where + " must be a table");
        Map<Dimension, Integer> weights = null;
        int avoid = Diversity.DEFAULT.avoidRecent();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            switch (e.getKey()) {
                case "weights" -> {
                    if (!e.getValue().isObject()) throw new PolicyException(where + ": weights must be a table { isa = 3, ... }");
                    weights = new EnumMap<>(Dimension.class);
                    for (Map.Entry<String, JsonNode> entry : e.getValue().properties()) {
                        Dimension d = Dimension.fromKey(entry.getKey()).orElseThrow(() -> new PolicyException(where
                                + ": unknown weight \"" + entry.getKey() + "\" (known: " + Dimension.keys() + ")"));
                        weights.put(d, smallInt(entry.getValue(), where + ": weights." + entry.getKey(), 1000));
                    }
                }
                case "avoid_recent" -> avoid = smallInt(e.getValue(), where + ": avoid_recent", 64);
                default -> throw new PolicyException(where + ": unknown key \"" + e.getKey() + "\" (known: weights, avoid_recent)");
            }
        }
        return new Diversity(weights == null ? Diversity.DEFAULT.weights() : weights, avoid);
    }

    private static int smallInt(JsonNode v, String what, int max) throws PolicyException {
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > max) {
            throw new PolicyException(what + " must be an integer from 0 to " + max + ", not " + v);
        }
        return v.asInt();
    }

    /** Platform names the file tags that are not among {@code known} (worth a warning: a typo tags nothing). */
    public List<String> unknownPlatforms(Set<String> known) {
        List<String> unknown = new ArrayList<>();
        for (String p : tags.keySet()) if (!known.contains(p)) unknown.add(p);
        return unknown;
    }
}
