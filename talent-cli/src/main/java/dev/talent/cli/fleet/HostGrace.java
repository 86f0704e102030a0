package dev.talent.cli.fleet;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code talent controller --host-grace}: a duration as {@code 500ms}, {@code 30s} or {@code 2m}, from 1 s to 1 day. */
final class HostGrace {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})(ms|s|m)");
    static final long MIN_MS = 1_000, MAX_MS = 86_400_000;

    private HostGrace() {}

    static long parseMs(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) throw new IllegalArgumentException("not a duration (e.g. 30s, 2m, 5000ms): '" + text + "'");
        long n = Long.parseLong(m.group(1));
        long ms = switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
        if (ms < MIN_MS || ms > MAX_MS) throw new IllegalArgumentException(text + " is not between 1s and 1 day");
        return ms;
    }
}
