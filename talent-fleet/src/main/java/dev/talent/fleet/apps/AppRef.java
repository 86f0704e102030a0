package dev.talent.fleet.apps;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An app named on the command line: {@code APP} (the deployed app, else its newest kept incarnation) or
 * {@code APP@GENERATION} (one kept incarnation of an ended app, its generation as {@code talent status --all} prints it:
 * 20 digits; leading zeros may be left out). Both parts end up in etcd keys, so they are checked strictly: the name as
 * {@code deploy --name} takes it ({@link AppRecords#NAME}), the generation 1 to 20 ASCII digits, at most etcd's largest
 * revision ({@link Long#MAX_VALUE}); nothing else (no '/', no control character, no second '@').
 *
 * @param app        the app's name
 * @param generation the incarnation, 20 digits (as the archive's keys have it), or empty for the current one
 */
public record AppRef(String app, Optional<String> generation) {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");

    public AppRef {
        if (app == null || !AppRecords.NAME.matcher(app).matches()) throw new IllegalArgumentException(nameProblem(app));
        if (generation.isPresent() && !AppArchive.GENERATION.matcher(generation.get()).matches())
            throw new IllegalArgumentException("not a generation: " + shown(generation.get()));
    }

    /** {@code APP} or {@code APP@GENERATION}; an IllegalArgumentException says what is wrong, the text shown safely. */
    public static AppRef parse(String text) {
        if (text == null) throw new IllegalArgumentException("no app name");
        int at = text.indexOf('@');
        if (at < 0) return new AppRef(text, Optional.empty());
        String app = text.substring(0, at), g = text.substring(at + 1);
        if (!AppRecords.NAME.matcher(app).matches()) throw new IllegalArgumentException(nameProblem(app) + " (in " + shown(text) + ")");
        if (!DIGITS.matcher(g).matches())
            throw new IllegalArgumentException(shown(text) + ": the generation after '@' is 1 to 20 digits, as talent status --all prints it"
                    + " (e.g. " + app + "@00000000000000000123)");
        long value;
        try {
            value = Long.parseLong(g);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(shown(text) + ": generation " + g + " is beyond etcd's revisions");
        }
        return new AppRef(app, Optional.of(AppArchive.generation(value)));
    }

    /** Whether {@code text} names an incarnation ({@code APP@...}): the commands that act on a running app refuse it. */
    public static boolean hasGeneration(String text) {
        return text != null && text.indexOf('@') >= 0;
    }

    /** As given back to the user: {@code APP} or {@code APP@GENERATION} (20 digits). */
    @Override
    public String toString() {
        return generation.map(g -> app + "@" + g).orElse(app);
    }

    private static String nameProblem(String app) {
        return shown(app) + " is not an app name (1 to 40 of a-z, 0-9 and '-', not starting with '-')";
    }

    static String shown(String s) {
        if (s == null) return "(none)";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
