package dev.talent.compiler;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.Variable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the portable checkpoint of one build depends on, by name: the function table, every point (its number,
 * function, kind and the frame variables it saves, with their ids and types as written), every global and static
 * (by its key, with its type descriptor expanded), every allocation site's type and every type descriptor (by
 * its C spelling, expanded through the descriptors it refers to). Two builds of one program from two ISAs'
 * preprocessing can exchange checkpoints exactly when their descriptions are equal; {@link #differences} names
 * what differs. Positions (columns of the expanded text) and the descriptors' numbering are left out.
 */
final class FormatDescription {
    private static final Pattern TYPE_DEF =
            Pattern.compile("static const talent_type (talent_td_\\d+)(?: __attribute__\\(\\(unused\\)\\))? = (.*);");
    private static final Pattern ARRAY_START = Pattern.compile("static const (\\w+) (\\w+)\\[\\] = \\{");
    private static final Pattern REF = Pattern.compile("talent_td_\\d+(?:_fields)?");
    private static final Pattern POSITION = Pattern.compile("\"[^\"]*:\\d+:\\d+\"");

    private static final Pattern FIELD_ROW = Pattern.compile("TALENT_(?:BIT)?FIELD\\((?:[^,]*, )?(\\w+), &?(talent_td_\\d+)");
    private static final Pattern TD_REF = Pattern.compile("&(talent_td_\\d+)");

    /** One entry: what must be equal ({@code exact}) and how a message shows it ({@code readable}). */
    record Entry(String exact, String readable, boolean soft) {
        Entry(String exact, String readable) {
            this(exact, readable, false);
        }

        static Entry of(String s) {
            return new Entry(s, s);
        }
    }

    private static final Pattern CONST_ROW = Pattern.compile(".*, 1 \\},?$");

    /**
     * The entries that decide whether two builds exchange checkpoints: all but the soft ones, a {@code const}
     * global and the type of its own descriptor, which a checkpoint never holds (talent.h: never saved or
     * restored; a pointer into one is restored by its element path, checked against the destination's table).
     */
    static Map<String, Entry> hard(Map<String, Entry> description) {
        Map<String, Entry> out = new LinkedHashMap<>();
        description.forEach((k, v) -> {
            if (!v.soft()) out.put(k, v);
        });
        return out;
    }

    /** The soft entries (see {@link #hard}). */
    static Map<String, Entry> soft(Map<String, Entry> description) {
        Map<String, Entry> out = new LinkedHashMap<>();
        description.forEach((k, v) -> {
            if (v.soft()) out.put(k, v);
        });
        return out;
    }

    private FormatDescription() {}

    /** Entries "what" to its description, for the analysis {@code a} and its instrumented texts. */
    static Map<String, Entry> of(CheckpointCompiler.Analysis a, List<String> texts) {
        Map<String, Entry> out = new LinkedHashMap<>();
        out.put("the number of functions", Entry.of(Integer.toString(a.functionTable().size())));
        for (FunctionModel f : a.functionTable()) out.put("function " + f.id, Entry.of(f.name));
        out.put("the number of checkpoint points", Entry.of(Integer.toString(a.pointTable().size())));
        for (Point p : a.pointTable()) {
            StringBuilder sb = new StringBuilder(p.isSite() ? "site" : p.isBlockingSite() ? "blocking site" : "call");
            sb.append(" in '").append(p.function.name).append("'; saves");
            for (Variable v : p.saved) sb.append(' ').append(v.id).append(':').append(v.name).append(" (").append(v.typeSpelling).append(')');
            out.put("point " + p.id, Entry.of(sb.toString()));
        }
        for (int i = 0; i < texts.size(); i++) tables(a.units().get(i).tu.unitName(), texts.get(i), out);
        return out;
    }

    /** The entries of one unit's tables (after CheckpointCompiler.TABLES_MARK). */
    private static void tables(String unit, String text, Map<String, Entry> out) {
        int at = text.lastIndexOf(CheckpointCompiler.TABLES_MARK);
        if (at < 0) return;
        String[] lines = text.substring(at).split("\n", -1);
        Map<String, String> defs = new java.util.TreeMap<>();
        Map<String, List<String>> arrays = new LinkedHashMap<>();
        Map<String, String> arrayTypes = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher t = TYPE_DEF.matcher(lines[i]);
            if (t.matches()) {
                defs.put(t.group(1), t.group(2));
                continue;
            }
            Matcher arr = ARRAY_START.matcher(lines[i]);
            if (arr.matches()) {
                List<String> rows = new ArrayList<>();
                while (++i < lines.length && !lines[i].startsWith("};")) rows.add(lines[i].strip());
                arrays.put(arr.group(2), rows);
                arrayTypes.put(arr.group(2), arr.group(1));
            }
        }
        for (Map.Entry<String, List<String>> e : arrays.entrySet()) {
            if (e.getKey().endsWith("_fields")) defs.put(e.getKey(), "{" + String.join(" ", e.getValue()) + "}");
        }
        Map<String, String> memo = new HashMap<>();
        Set<String> constTypes = new HashSet<>();
        for (Map.Entry<String, List<String>> e : arrays.entrySet()) {
            if (!"talent_global".equals(arrayTypes.get(e.getKey()))) continue;
            for (String row : e.getValue()) {
                Matcher td = TD_REF.matcher(row);
                if (CONST_ROW.matcher(row).matches() && td.find()) constTypes.add(td.group(1));
            }
        }
        Set<String> seenTypes = new HashSet<>();
        for (Map.Entry<String, String> d : defs.entrySet()) {
            if (d.getKey().endsWith("_fields")) continue;
            String name = firstString(d.getValue());
            if (name == null) continue;
            String key = "type '" + name + "' of " + unit;
            Entry value = new Entry(expand(d.getKey(), defs, memo, new HashSet<>()), readable(d.getKey(), defs, 0),
                    constTypes.contains(d.getKey()) && name.startsWith("const "));
            // one spelling may have descriptors in several tables (file scope, pointees): all must agree
            if (!seenTypes.add(key)) value = mergeDistinct(out.get(key), value);
            out.put(key, value);
        }
        for (Map.Entry<String, List<String>> e : arrays.entrySet()) {
            if (e.getKey().endsWith("_fields")) continue;
            String kind = arrayTypes.get(e.getKey()).equals("talent_global") ? "global" : arrayTypes.get(e.getKey()).replace("talent_", "");
            int n = 0;
            for (String row : e.getValue()) {
                String name = firstString(row);
                String key = kind + " '" + (name == null ? "#" + n : name) + "'" + (kind.equals("global") ? "" : " of " + unit);
                n++;
                Matcher td = TD_REF.matcher(row);
                out.put(key, new Entry(expandRefs(POSITION.matcher(row).replaceAll("\"\""), defs, memo, new HashSet<>()),
                        td.find() ? readable(td.group(1), defs, 0) : row, kind.equals("global") && CONST_ROW.matcher(row).matches()));
            }
        }
    }

    private static Entry mergeDistinct(Entry a, Entry b) {
        if (a == null || a.equals(b)) return b;
        TreeSet<String> exact = new TreeSet<>(List.of(a.exact().split(" \\| ")));
        exact.add(b.exact());
        TreeSet<String> readable = new TreeSet<>(List.of(a.readable().split(" \\| ")));
        readable.add(b.readable());
        return new Entry(String.join(" | ", exact), String.join(" | ", readable), a.soft() && b.soft());
    }

    /** A type as a message shows it: its spelling, and for a struct or union its members, two levels deep. */
    private static String readable(String ref, Map<String, String> defs, int depth) {
        String body = defs.get(ref);
        if (body == null) return ref;
        String name = firstString(body);
        String fields = defs.get(ref + "_fields");
        if (fields == null) {
            // an array or a pointer: its element type
            Matcher inner = TD_REF.matcher(body);
            return name + (inner.find() && depth < 2 && !inner.group(1).equals(ref) ? " of " + readable(inner.group(1), defs, depth + 1) : "");
        }
        if (depth >= 2) return name;
        StringBuilder sb = new StringBuilder(name).append(" { ");
        int n = 0;
        for (Matcher f = FIELD_ROW.matcher(fields); f.find(); n++) {
            if (n > 0) sb.append(", ");
            sb.append(f.group(1)).append(": ").append(readable(f.group(2), defs, depth + 1));
        }
        return sb.append(" }").toString();
    }

    /**
     * The contents of the first C string literal in {@code s}, escapes kept, or null. A scan, not a regular
     * expression: java.util.regex recurses once per character of a repeated group, and a long literal in a table
     * row (a global's initial text, a type spelling) overflowed the stack.
     */
    static String firstString(String s) {
        int open = s.indexOf('"');
        if (open < 0) return null;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') return s.substring(open + 1, i);
        }
        return null;
    }

    private static String expand(String ref, Map<String, String> defs, Map<String, String> memo, Set<String> visiting) {
        String done = memo.get(ref);
        if (done != null) return done;
        String body = defs.get(ref);
        if (body == null) return ref;
        if (!visiting.add(ref)) {
            String name = firstString(body);
            return "<" + (name == null ? "recursive" : name) + ">";
        }
        String out = "[" + expandRefs(body, defs, memo, visiting) + "]";
        visiting.remove(ref);
        // an expansion that cut a cycle depends on where it started: memoise only complete ones
        if (!out.contains("<")) memo.put(ref, out);
        return out;
    }

    private static String expandRefs(String s, Map<String, String> defs, Map<String, String> memo, Set<String> visiting) {
        Matcher m = REF.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(expand(m.group(), defs, memo, visiting)));
        m.appendTail(sb);
        return sb.toString();
    }

    /** What differs between two descriptions, one line each ("type 'state' of m.c is ... on x86_64 but ... on i686"), at most {@code max}. */
    static List<String> differences(Map<String, Entry> x, String xName, Map<String, Entry> y, String yName, int max) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new java.util.LinkedHashSet<>(x.keySet());
        keys.addAll(y.keySet());
        for (String k : keys) {
            Entry a = x.get(k);
            Entry b = y.get(k);
            if (a != null && a.equals(b)) continue;
            if (out.size() == max) {
                out.add("...");
                break;
            }
            out.add(k + " is " + shorten(a == null ? null : a.readable()) + " on " + xName + " but "
                    + shorten(b == null ? null : b.readable()) + " on " + yName);
        }
        return out;
    }

    private static String shorten(String s) {
        if (s == null) return "(none)";
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }
}
