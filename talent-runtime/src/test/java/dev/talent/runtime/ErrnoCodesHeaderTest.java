package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.format.ErrnoNames;
import dev.talent.format.RuntimeContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The errno codes of the ERRN section (docs/FORMAT.md): the runtime's errno_codes.h and talent-format's
 * {@link ErrnoNames} list the same names at the same codes, 1 to {@link RuntimeContract#ERRNO_MAX_CODE}. (That each
 * name is defined, and with a value of its own, by every C library the runtime builds with is checked by the compilers:
 * errnos.c switches over the list, so a missing name or two names of one value would not compile.)
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ErrnoCodesHeaderTest {

    private static final Pattern ENTRY = Pattern.compile("^TL_ERRNO_CODE\\((\\d+), (E[A-Z0-9]+)\\)$", Pattern.MULTILINE);

    static Map<Integer, String> header(String text) {
        Map<Integer, String> codes = new TreeMap<>();
        Matcher m = ENTRY.matcher(text);
        int last = 0;
        while (m.find()) {
            int code = Integer.parseInt(m.group(1));
            assertThat(code).as("codes by increasing number").isGreaterThan(last);
            last = code;
            codes.put(code, m.group(2));
        }
        return codes;
    }

    static Map<Integer, String> java() {
        Map<Integer, String> codes = new TreeMap<>();
        for (int code = 0; code <= RuntimeContract.ERRNO_MAX_CODE + 1; code++) {
            int c = code;
            ErrnoNames.name(code).ifPresent(n -> codes.put(c, n));
        }
        return codes;
    }

    @Test
    void headerAndJavaListAgreeOnEveryCode() throws IOException {
        String text = Files.readString(Path.of("src/main/c/errno_codes.h"));
        Map<Integer, String> c = header(text);

        assertThat(c).hasSize(131).isEqualTo(java());
        assertThat(c).containsEntry(2, "ENOENT").containsEntry(34, "ERANGE").doesNotContainKeys(0, 41, 58);
        assertThat(((TreeMap<Integer, String>) c).lastKey()).isEqualTo(RuntimeContract.ERRNO_MAX_CODE);
        // every line of the list is an entry: nothing the pattern skipped
        assertThat(text.lines().filter(l -> l.startsWith("TL_ERRNO_CODE")).count()).isEqualTo(c.size());
    }

    @Test
    void aDifferingNameIsSeen() {
        Map<Integer, String> c = header("TL_ERRNO_CODE(1, EPERM)\nTL_ERRNO_CODE(2, ENOEXEC)\n");

        assertThat(c).containsEntry(2, "ENOEXEC");
        assertThat(ErrnoNames.name(2)).contains("ENOENT");
    }
}
