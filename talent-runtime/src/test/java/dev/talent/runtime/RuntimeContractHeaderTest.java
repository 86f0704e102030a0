package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.format.RuntimeContract;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime's contract.h and talent-format's {@link RuntimeContract} hold the same names with the same values, and
 * no other runtime file writes the contract's strings or redefines its names.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RuntimeContractHeaderTest {

    private static final Path SOURCES = Path.of("src/main/c");
    private static final Pattern DEFINE = Pattern.compile("^#define (TL_\\w+) (\"[^\"]*\"|[0-9]+)u?(?=\\s|$)", Pattern.MULTILINE);

    static Map<String, Object> header(String text) {
        Map<String, Object> defs = new TreeMap<>();
        Matcher m = DEFINE.matcher(text);
        while (m.find()) {
            String v = m.group(2);
            Object value = v.startsWith("\"") ? v.substring(1, v.length() - 1) : (Object) Integer.valueOf(v);
            assertThat(defs.put(m.group(1).substring("TL_".length()), value)).as("%s defined twice", m.group(1)).isNull();
        }
        return defs;
    }

    static Map<String, Object> java() throws IllegalAccessException {
        Map<String, Object> constants = new TreeMap<>();
        for (Field f : RuntimeContract.class.getFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && (f.getType() == int.class || f.getType() == String.class)) {
                constants.put(f.getName(), f.get(null));
            }
        }
        return constants;
    }

    @Test
    void headerAndJavaClassAgreeOnEveryNameAndValue() throws IOException, IllegalAccessException {
        Map<String, Object> c = header(Files.readString(SOURCES.resolve("contract.h")));

        assertThat(c).hasSizeGreaterThan(40).isEqualTo(java());
    }

    @Test
    void aDifferingValueOrAMissingNameIsSeen() throws IllegalAccessException {
        Map<String, Object> c = header("#define TL_EXIT_CHECKPOINT 76\n#define TL_ENV_KEEP \"TALENT_KEEP\"\n#define TL_HEAP_UNTYPED 1u\n");

        assertThat(c).containsEntry("EXIT_CHECKPOINT", 76).containsEntry("ENV_KEEP", "TALENT_KEEP").containsEntry("HEAP_UNTYPED", 1);
        assertThat(c).isNotEqualTo(java());
    }

    /** Every other runtime file takes the contract from contract.h: none defines a TL_ name of it again. */
    @Test
    void noOtherRuntimeFileRedefinesAContractName() throws IOException {
        Map<String, Object> c = header(Files.readString(SOURCES.resolve("contract.h")));
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".c") || p.toString().endsWith(".h")).toList()) {
                if (f.getFileName().toString().equals("contract.h")) continue;
                String text = Files.readString(f);
                for (String name : c.keySet()) {
                    assertThat(text).as("%s redefines TL_%s", f, name).doesNotContainPattern("#define\\s+TL_" + name + "\\b");
                    if (c.get(name) instanceof String s && s.startsWith("TALENT_")) {
                        assertThat(text).as("%s spells %s instead of TL_%s", f, s, name).doesNotContain("\"" + s + "\"");
                    }
                }
            }
        }
    }
}
