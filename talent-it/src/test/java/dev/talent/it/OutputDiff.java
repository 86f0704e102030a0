package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares two runs of a program and explains the first difference. */
final class OutputDiff {
    private static final int CONTEXT_LINES = 3;

    private OutputDiff() {}

    /**
     * Asserts that actual equals expected in stdout, exit status and every output file.
     *
     * @param what    e.g. "x86_64 -> s390x -> ... migration of types (chain 1)"
     * @param details appended to a failure message (e.g. the segments with their stderr)
     */
    static void assertSameRun(String what, RunOutcome expected, RunOutcome actual, String details) {
        assertThat(actual.stdout())
                .withFailMessage(() -> what + ": stdout differs from the reference\n"
                        + firstDifference(expected.stdout(), actual.stdout()) + "\n" + details)
                .isEqualTo(expected.stdout());
        assertThat(actual.exitCode())
                .withFailMessage(() -> what + ": exit status " + actual.exitCode() + ", reference "
                        + expected.exitCode() + "\n" + details)
                .isEqualTo(expected.exitCode());
        for (Map.Entry<String, byte[]> file : expected.files().entrySet()) {
            byte[] got = actual.files().get(file.getKey());
            assertThat(got).withFailMessage(() -> what + ": output file " + file.getKey() + " was not written\n" + details)
                    .isNotNull();
            assertThat(got)
                    .withFailMessage(() -> what + ": output file " + file.getKey() + " differs from the reference\n"
                            + firstDifference(file.getValue(), got) + "\n" + details)
                    .isEqualTo(file.getValue());
        }
    }

    /** The first differing line with a few lines of context, numbered from 1. */
    static String firstDifference(byte[] expected, byte[] actual) {
        List<String> e = lines(expected);
        List<String> a = lines(actual);
        int n = Math.max(e.size(), a.size());
        for (int i = 0; i < n; i++) {
            String el = i < e.size() ? e.get(i) : null;
            String al = i < a.size() ? a.get(i) : null;
            if (el == null || !el.equals(al)) {
                StringBuilder sb = new StringBuilder("first difference at line " + (i + 1) + " (reference has "
                        + e.size() + " lines, actual " + a.size() + "):\n");
                for (int k = Math.max(0, i - CONTEXT_LINES); k < i; k++) sb.append("    ").append(e.get(k)).append('\n');
                sb.append("  - ").append(el == null ? "<end of output>" : el).append('\n');
                sb.append("  + ").append(al == null ? "<end of output>" : al).append('\n');
                for (int k = i + 1; k < Math.min(a.size(), i + 1 + CONTEXT_LINES); k++)
                    sb.append("  + ").append(a.get(k)).append('\n');
                return sb.toString();
            }
        }
        return "same lines, different bytes (line endings or a missing final newline)";
    }

    private static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1));
    }
}
