package dev.talent.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates an {@code ENVI} payload (docs/FORMAT.md "ENVI", "Validation"), by the rules the C runtime's
 * {@code env.c} applies: bounded counts and lengths, names without NUL or {@code =} in strictly increasing byte order,
 * no value for a removal, locale categories 1..12 in increasing order, locale names that cannot be paths.
 */
final class EnvironmentSection {
    private EnvironmentSection() {}

    static EnvironmentChanges read(PayloadReader in) throws CorruptCheckpointException {
        int at = in.offset();
        // each variable takes at least 9 bytes: op, two lengths
        int n = in.count("variable count", 9);
        if (n > RuntimeContract.ENV_MAX_VARS) {
            throw in.error(at, n + " environment variables (at most " + RuntimeContract.ENV_MAX_VARS + ")");
        }
        List<EnvironmentChanges.Variable> vars = new ArrayList<>(n);
        byte[] previous = null;
        long total = 0;
        for (int i = 0; i < n; i++) {
            int vat = in.offset();
            String what = "variable " + i;
            int op = in.u8(what + " operation");
            byte[] name = in.byteString(what + " name").toByteArray();
            byte[] value = in.byteString(what + " value").toByteArray();
            if (op != RuntimeContract.ENV_SET && op != RuntimeContract.ENV_UNSET) {
                throw in.error(vat, what + ": operation " + op + " is neither 1 (set) nor 2 (unset)");
            }
            if (name.length == 0 || name.length > RuntimeContract.ENV_MAX_NAME || contains(name, 0) || contains(name, '=')) {
                throw in.error(vat, what + ": a name of " + name.length + " bytes that is empty, longer than "
                        + RuntimeContract.ENV_MAX_NAME + ", or holds '=' or a NUL");
            }
            int maxValue = op == RuntimeContract.ENV_SET ? RuntimeContract.ENV_MAX_VALUE : 0;
            if (value.length > maxValue || contains(value, 0)) {
                throw in.error(vat, what + ": a value of " + value.length + " bytes (at most " + maxValue
                        + " for this operation) or one that holds a NUL");
            }
            if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
                throw in.error(vat, what + ": names are not in strictly increasing byte order");
            }
            total += name.length + (long) value.length;
            if (total > RuntimeContract.ENV_MAX_TOTAL) {
                throw in.error(vat, what + ": names and values exceed " + RuntimeContract.ENV_MAX_TOTAL + " bytes in all");
            }
            previous = name;
            vars.add(new EnvironmentChanges.Variable(ByteString.of(name),
                    op == RuntimeContract.ENV_SET ? Optional.of(ByteString.of(value)) : Optional.empty()));
        }
        int lat = in.offset();
        int nloc = in.u8("locale count");
        if (nloc > RuntimeContract.LOCALE_MAX_CATEGORY) {
            throw in.error(lat, nloc + " locale categories (at most " + RuntimeContract.LOCALE_MAX_CATEGORY + ")");
        }
        List<EnvironmentChanges.LocaleSetting> locales = new ArrayList<>(nloc);
        int previousCategory = 0;
        for (int i = 0; i < nloc; i++) {
            int cat = in.offset();
            int category = in.u8("locale category");
            String name = in.str("locale name");
            if (category < 1 || category > RuntimeContract.LOCALE_MAX_CATEGORY || category <= previousCategory) {
                throw in.error(cat, "locale category " + category + " out of range 1.." + RuntimeContract.LOCALE_MAX_CATEGORY
                        + " or not after the previous one (" + previousCategory + ")");
            }
            if (!validLocaleName(name)) {
                throw in.error(cat, "locale of " + EnvironmentChanges.categoryName(category) + ": a name of "
                        + name.length() + " characters that is not 1 to " + RuntimeContract.LOCALE_MAX_NAME
                        + " letters, digits and '._@+,-' starting with a letter or digit");
            }
            previousCategory = category;
            locales.add(new EnvironmentChanges.LocaleSetting(category, name));
        }
        return new EnvironmentChanges(vars, locales);
    }

    /** 1 to LOCALE_MAX_NAME ASCII letters, digits and {@code ._@+,-}, the first a letter or digit: never a path. */
    static boolean validLocaleName(String s) {
        if (s.isEmpty() || s.length() > RuntimeContract.LOCALE_MAX_NAME) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || "._@+,-".indexOf(c) < 0)) return false;
        }
        return true;
    }

    private static boolean contains(byte[] b, int v) {
        for (byte x : b) {
            if (x == v) return true;
        }
        return false;
    }
}
