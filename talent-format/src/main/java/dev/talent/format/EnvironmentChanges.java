package dev.talent.format;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ENVI} section (docs/FORMAT.md): what the program changed in its environment and locale since it started,
 * which a restart applies on top of the environment it is given before the program continues (the C runtime's
 * {@code env.c}). Only the changes are carried: what the program did not change is the host's, and a restored program
 * sees the new host's as a program started there would.
 *
 * @param variables the variables set or removed, by strictly increasing name (unsigned bytes)
 * @param locales the locale categories set, by strictly increasing category number
 */
public record EnvironmentChanges(List<Variable> variables, List<LocaleSetting> locales) {
    /** No change: what a file without an {@code ENVI} section means. */
    public static final EnvironmentChanges NONE = new EnvironmentChanges(List.of(), List.of());

    /** Names of the format's locale categories 1..12 (index 0 unused). */
    private static final List<String> CATEGORY_NAMES = List.of("?", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
            "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT",
            "LC_IDENTIFICATION");

    public EnvironmentChanges {
        variables = List.copyOf(variables);
        locales = List.copyOf(locales);
    }

    /** Whether nothing changed (the runtime then writes no section). */
    public boolean isEmpty() {
        return variables.isEmpty() && locales.isEmpty();
    }

    /** {@code LC_NUMERIC} for category 2; {@code ?} out of range. */
    public static String categoryName(int category) {
        return category >= 1 && category <= RuntimeContract.LOCALE_MAX_CATEGORY ? CATEGORY_NAMES.get(category) : "?";
    }

    /**
     * One variable.
     *
     * @param name its name (bytes: any but NUL and {@code =})
     * @param value the value it was set to (setenv, putenv), or empty when it was removed (unsetenv, clearenv)
     */
    public record Variable(ByteString name, Optional<ByteString> value) {
        public Variable {
            Objects.requireNonNull(name);
            Objects.requireNonNull(value);
        }
    }

    /**
     * One locale category the program set.
     *
     * @param category the format's category number ({@code RuntimeContract.LOCALE_*})
     * @param name the locale name (letters, digits and {@code ._@+,-}, never a path)
     */
    public record LocaleSetting(int category, String name) {
        public LocaleSetting {
            Objects.requireNonNull(name);
        }
    }
}
