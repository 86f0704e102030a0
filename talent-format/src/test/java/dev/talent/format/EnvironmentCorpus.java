package dev.talent.format;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code ENVI} files of the shared corpus ({@link ForgedCorpus}): a valid one both readers accept, and forged ones
 * both refuse, each reaching the rule it is about (docs/FORMAT.md "ENVI", "Validation").
 */
final class EnvironmentCorpus {
    private EnvironmentCorpus() {}

    static EnvironmentChanges.Variable set(String name, String value) {
        return new EnvironmentChanges.Variable(ByteString.utf8(name), Optional.of(ByteString.utf8(value)));
    }

    static EnvironmentChanges.Variable unset(String name) {
        return new EnvironmentChanges.Variable(ByteString.utf8(name), Optional.empty());
    }

    static EnvironmentChanges.LocaleSetting locale(int category, String name) {
        return new EnvironmentChanges.LocaleSetting(category, name);
    }

    /** What units does, and a program that set its locale: a set, an unset, a non-UTF-8 value, two categories. */
    static EnvironmentChanges sample() {
        return new EnvironmentChanges(List.of(set("LANG", "C.UTF-8"), unset("TZ"), set("UNITS_SYSTEM", "si"),
                new EnvironmentChanges.Variable(ByteString.utf8("X_LATIN1"), Optional.of(ByteString.of(new byte[] {'c', (byte) 0xE9})))),
                List.of(locale(RuntimeContract.LOCALE_CTYPE, "C.UTF-8"), locale(RuntimeContract.LOCALE_NUMERIC, "de_DE.UTF-8@euro")));
    }

    static Checkpoint with(Checkpoint c, EnvironmentChanges env) {
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(), c.heap(), c.files(),
                c.pendingWait(), c.epoll(), env);
    }

    static void valid(Checkpoint base, Map<String, byte[]> out) {
        out.put("environment.tck", CheckpointWriter.write(with(base, sample())));
    }

    static Map<String, byte[]> forged(Checkpoint base) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<EnvironmentChanges.LocaleSetting> noLocale = List.of();
        List<EnvironmentChanges.Variable> noVars = List.of();
        out.put("environment-name-with-equals.tck", write(base, List.of(set("A=B", "1")), noLocale));
        out.put("environment-empty-name.tck", write(base, List.of(set("", "1")), noLocale));
        out.put("environment-name-with-nul.tck", write(base, List.of(set("A\0B", "1")), noLocale));
        out.put("environment-value-with-nul.tck", write(base, List.of(set("A", "1\0rm")), noLocale));
        out.put("environment-names-out-of-order.tck", write(base, List.of(set("B", "1"), set("A", "2")), noLocale));
        out.put("environment-name-twice.tck", write(base, List.of(set("A", "1"), unset("A")), noLocale));
        out.put("environment-name-too-long.tck", write(base, List.of(set("N".repeat(RuntimeContract.ENV_MAX_NAME + 1), "1")), noLocale));
        out.put("environment-value-too-long.tck", write(base, List.of(set("A", "v".repeat(RuntimeContract.ENV_MAX_VALUE + 1))), noLocale));
        out.put("environment-locale-path.tck", write(base, noVars, List.of(locale(RuntimeContract.LOCALE_NUMERIC, "../../tmp/evil"))));
        out.put("environment-locale-slash.tck", write(base, noVars, List.of(locale(RuntimeContract.LOCALE_NUMERIC, "C/UTF-8"))));
        out.put("environment-locale-empty.tck", write(base, noVars, List.of(locale(RuntimeContract.LOCALE_NUMERIC, ""))));
        out.put("environment-locale-too-long.tck", write(base, noVars, List.of(locale(RuntimeContract.LOCALE_NUMERIC,
                "a".repeat(RuntimeContract.LOCALE_MAX_NAME + 1)))));
        out.put("environment-locale-category-0.tck", write(base, noVars, List.of(locale(0, "C"))));
        out.put("environment-locale-category-13.tck", write(base, noVars, List.of(locale(13, "C"))));
        out.put("environment-locale-categories-out-of-order.tck", write(base, noVars,
                List.of(locale(RuntimeContract.LOCALE_NUMERIC, "C"), locale(RuntimeContract.LOCALE_CTYPE, "C"))));
        out.put("environment-locale-category-twice.tck", write(base, noVars,
                List.of(locale(RuntimeContract.LOCALE_NUMERIC, "C"), locale(RuntimeContract.LOCALE_NUMERIC, "POSIX"))));
        // raw payloads the writer cannot express
        Sections one = Sections.of(write(base, List.of(unset("A")), noLocale));
        // the unset's value length (0) made 1, with one byte appended to the payload's variable: a value on an unset
        out.put("environment-unset-with-value.tck", one.withPayload(Wire.ENVI, p -> {
            byte[] q = new byte[p.length + 1];
            // u32 count, u8 op, u32 1, 'A', u32 value length, [value], u8 locale count
            System.arraycopy(p, 0, q, 0, 10);
            q[13] = 1;
            q[14] = 'x';
            q[15] = 0;
            return q;
        }).toBytes());
        out.put("environment-unknown-operation.tck", one.withPayload(Wire.ENVI, p -> { p[4] = 3; return p; }).toBytes());
        out.put("environment-variable-count.tck", one.withPayload(Wire.ENVI, p -> { p[0] = (byte) 0x80; return p; }).toBytes());
        out.put("environment-locale-count.tck", one.withPayload(Wire.ENVI, p -> { p[p.length - 1] = 13; return p; }).toBytes());
        out.put("environment-left-over-bytes.tck", one.withPayload(Wire.ENVI, p -> Arrays.copyOf(p, p.length + 1)).toBytes());
        out.put("environment-truncated.tck", one.withPayload(Wire.ENVI, p -> Arrays.copyOf(p, p.length - 1)).toBytes());
        out.put("environment-locale-not-utf8.tck", Sections.of(write(base, noVars, List.of(locale(1, "C"))))
                .withPayload(Wire.ENVI, p -> { p[p.length - 1] = (byte) 0xC3; return p; }).toBytes());
        byte[] twice = CheckpointWriter.write(with(base, sample()));
        Sections s = Sections.of(twice);
        byte[] payload = s.sections().get(s.indexOf(Wire.ENVI)).payload();
        out.put("environment-section-twice.tck", s.inserting(0, Wire.ENVI, payload).toBytes());
        return out;
    }

    private static byte[] write(Checkpoint base, List<EnvironmentChanges.Variable> vars,
                                List<EnvironmentChanges.LocaleSetting> locales) {
        return CheckpointWriter.write(with(base, new EnvironmentChanges(vars, locales)));
    }
}
