package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The union members a variable is used through, recorded per variable where every use of it is known
 * (NamedUnionMembers.objectMembers, docs/CODEGEN.md "Unions read through another member than written"): such a
 * variable's descriptor marks the members it never uses unnamed, even where another variable of its type uses them.
 * Csmith seed 6888: {@code g_357} only ever used through {@code f0}, {@code g_217.f3} written elsewhere.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnionObjectMembersTest {
    @TempDir
    Path dir;

    private static final String UNION = "union U { int i; char c[4]; };\n";

    @Test
    void aVariableUsedThroughOneMemberGetsADescriptorOfItsOwn() {
        String out = CProgram.in(dir).file("a.c", UNION + """
                static union U one = {1};
                static union U other;
                int main(void) {
                  int s = 0;
                  for (int k = 0; k < 3; k++) { one.i += k; other.c[k] = 'a'; s += (one, 1); }
                  return s + other.i + (int)sizeof one;
                }
                """).instrumented("a.c");
        // one: only i (its own descriptor, c unnamed); other: written as c, read as i (the type's: both named)
        assertThat(fieldsOfGlobal(out, "one")).contains("TALENT_FIELD(union U, i, ").contains("TALENT_UNNAMED_FIELD(union U, c, ");
        assertThat(fieldsOfGlobal(out, "other")).contains("TALENT_FIELD(union U, i, ").contains("TALENT_FIELD(union U, c, ");
    }

    @Test
    void aVariableWhoseAddressIsTakenOrThatIsCopiedOutStaysPerType() {
        String out = CProgram.in(dir).file("a.c", UNION + """
                static union U pointed;
                static union U copied;
                static union U into;
                static union U passed;
                static union U *p = &pointed;
                static int use(union U u) { return u.i; }
                int main(void) {
                  int s = 0;
                  for (int k = 0; k < 3; k++) { pointed.i = k; copied.i = k; into = copied; passed.i = k; s += use(passed); }
                  p->c[0] = 'x';
                  return s + pointed.i + into.i;
                }
                """).instrumented("a.c");
        assertThat(fieldsOfGlobal(out, "pointed")).contains("TALENT_FIELD(union U, c, ");
        assertThat(fieldsOfGlobal(out, "copied")).contains("TALENT_FIELD(union U, c, ");
        assertThat(fieldsOfGlobal(out, "passed")).contains("TALENT_FIELD(union U, c, ");
        // a whole union assigned into a variable keeps it per variable: only its own reads matter
        assertThat(fieldsOfGlobal(out, "into")).contains("TALENT_UNNAMED_FIELD(union U, c, ");
    }

    @Test
    void aGlobalOfExternalLinkageStaysPerType() {
        String out = CProgram.in(dir).file("a.c", UNION + """
                union U shared_u;
                static union U punned = { .c = "ab" };
                int main(void) {
                  int s = 0;
                  for (int k = 0; k < 3; k++) { shared_u.i += k; s += punned.i; }
                  return s;
                }
                """).instrumented("a.c");
        assertThat(fieldsOfGlobal(out, "shared_u")).contains("TALENT_FIELD(union U, c, ");
        // a designated initialiser names the member for the variable
        assertThat(fieldsOfGlobal(out, "punned")).contains("TALENT_FIELD(union U, c, ");
    }

    @Test
    void anArrayOfUnionsUsedByElementGetsAnArrayDescriptorOfItsOwn() {
        String out = CProgram.in(dir).file("a.c", UNION + """
                static union U arr[2][3];
                static union U decayed[3];
                static union U other;
                int main(void) {
                  int s = 0;
                  union U *q = decayed;
                  for (int k = 0; k < 3; k++) { arr[1][k].i = k; s += arr[0][k].i; other.c[k] = 'a'; q[k].i = k; }
                  return s + other.i + decayed[0].i;
                }
                """).instrumented("a.c");
        assertThat(fieldsOfGlobal(out, "arr")).contains("TALENT_UNNAMED_FIELD(union U, c, ");
        assertThat(fieldsOfGlobal(out, "decayed")).contains("TALENT_FIELD(union U, c, ");
    }

    @Test
    void aLocalLiveAtASiteIsSavedWithItsOwnDescriptor() {
        String out = CProgram.in(dir).file("a.c", UNION + """
                static union U other;
                int main(void) {
                  union U mine = {0};
                  for (int k = 0; k < 3; k++) { mine.i += k; other.c[k] = 'a'; }
                  return mine.i + other.i;
                }
                """).instrumented("a.c");
        String loop = CProgram.originalLines(out).get(4);
        Matcher m = Pattern.compile("talent_save_mem\\([^;]*&(talent_td_\\d+), 0\\)").matcher(loop);
        assertThat(m.find()).as(loop).isTrue();
        assertThat(fields(out, m.group(1))).contains("TALENT_UNNAMED_FIELD(union U, c, ");
        assertThat(fieldsOfGlobal(out, "other")).contains("TALENT_FIELD(union U, c, ");
    }

    /** The member lines of the union descriptor of global {@code name} (through array descriptors). */
    private static String fieldsOfGlobal(String out, String name) {
        Matcher m = Pattern.compile("\\(void \\*\\)&" + name + ", &(talent_td_\\d+), ").matcher(out);
        assertThat(m.find()).as("row of " + name).isTrue();
        return fields(out, m.group(1));
    }

    private static String fields(String out, String td) {
        String name = td;
        for (int guard = 0; guard < 8; guard++) {
            Matcher a = Pattern.compile("static const talent_type " + name + " = TALENT_ARRAY_TYPE\\(.*, &(talent_td_\\d+)\\);").matcher(out);
            if (!a.find()) break;
            name = a.group(1);
        }
        int at = out.indexOf("static const talent_field " + name + "_fields[] = {");
        assertThat(at).as("fields of " + name).isNotNegative();
        return out.substring(at, out.indexOf("};", at));
    }
}
