package dev.talent.format;

import static dev.talent.format.EnvironmentCorpus.locale;
import static dev.talent.format.EnvironmentCorpus.set;
import static dev.talent.format.EnvironmentCorpus.unset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code ENVI} section alone: round trip, each validation rule, the bounds, and what inspect shows. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EnvironmentSectionTest {
    private static final Checkpoint BASE = ForgedCorpus.base();

    private static Checkpoint read(EnvironmentChanges env) throws CorruptCheckpointException {
        return CheckpointReader.read(CheckpointWriter.write(EnvironmentCorpus.with(BASE, env)));
    }

    private static String refusal(EnvironmentChanges env) {
        try {
            read(env);
        } catch (CorruptCheckpointException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + env);
    }

    @Test
    void roundTripsAndAFileWithoutTheSectionHasNoChanges() throws Exception {
        assertThat(read(EnvironmentCorpus.sample()).environment()).isEqualTo(EnvironmentCorpus.sample());
        assertThat(CheckpointReader.read(CheckpointWriter.write(BASE)).environment()).isEqualTo(EnvironmentChanges.NONE);
        assertThat(Sections.of(CheckpointWriter.write(BASE)).sections()).noneMatch(s -> s.tag().equals("ENVI"));
    }

    @Test
    void refusesBadNamesValuesAndOrder() {
        assertThat(refusal(new EnvironmentChanges(List.of(set("A=B", "1")), List.of()))).contains("section ENVI")
                .contains("variable 0: a name of 3 bytes that is empty, longer than 1024, or holds '=' or a NUL");
        assertThat(refusal(new EnvironmentChanges(List.of(set("B", "1"), set("A", "1")), List.of())))
                .contains("variable 1: names are not in strictly increasing byte order");
        assertThat(refusal(new EnvironmentChanges(List.of(set("A", "x\0y")), List.of()))).contains("holds a NUL");
        // bytes compare unsigned: 0xE9 after 'Z'
        List<EnvironmentChanges.Variable> ordered = List.of(set("Z", "1"), set("\u00e9", "1"));
        assertThat(refusal(new EnvironmentChanges(List.of(ordered.get(1), ordered.get(0)), List.of())))
                .contains("strictly increasing");
    }

    @Test
    void refusesMoreThanTheBoundsBeforeReadingOn() {
        assertThat(refusal(new EnvironmentChanges(List.of(set("A", "v".repeat(RuntimeContract.ENV_MAX_VALUE + 1))),
                List.of()))).contains("a value of 131073 bytes (at most 131072");
        List<EnvironmentChanges.Variable> many = new ArrayList<>();
        for (int i = 0; i < 9; i++) many.add(set("V" + i, "w".repeat(RuntimeContract.ENV_MAX_VALUE)));
        assertThat(refusal(new EnvironmentChanges(many, List.of()))).contains("variable 7: names and values exceed 1048576 bytes");
        List<EnvironmentChanges.Variable> count = new ArrayList<>();
        for (int i = 0; i <= RuntimeContract.ENV_MAX_VARS; i++) count.add(unset(String.format("V%05d", i)));
        assertThat(refusal(new EnvironmentChanges(count, List.of()))).contains("4097 environment variables (at most 4096)");
    }

    @Test
    void refusesLocaleNamesThatCouldBePathsAndBadCategories() {
        assertThat(refusal(new EnvironmentChanges(List.of(), List.of(locale(2, "../../tmp/x")))))
                .contains("locale of LC_NUMERIC: a name of 11 characters that is not 1 to 64");
        assertThat(refusal(new EnvironmentChanges(List.of(), List.of(locale(13, "C"))))).contains("locale category 13 out of range");
        assertThat(refusal(new EnvironmentChanges(List.of(), List.of(locale(2, "C"), locale(1, "C")))))
                .contains("not after the previous one (2)");
        assertThat(EnvironmentSection.validLocaleName("en_US.UTF-8")).isTrue();
        assertThat(EnvironmentSection.validLocaleName("de_DE@euro")).isTrue();
        assertThat(EnvironmentSection.validLocaleName(".hidden")).isFalse();
        assertThat(EnvironmentSection.validLocaleName("C/x")).isFalse();
        assertThat(EnvironmentSection.validLocaleName("C x")).isFalse();
    }

    @Test
    void inspectShowsTheChanges() throws Exception {
        Checkpoint c = read(EnvironmentCorpus.sample());
        String text = InspectRenderer.text(c);
        assertThat(text).contains("environment changed by the program: 4 variables, 2 locale categories")
                .contains("  set UNITS_SYSTEM=\"si\"").contains("  unset TZ").contains("  locale LC_NUMERIC de_DE.UTF-8@euro");
        assertThat(InspectRenderer.text(BASE)).doesNotContain("environment changed");
        assertThat(InspectRenderer.json(c)).contains("\"category\" : \"LC_NUMERIC\"").contains("\"number\" : 2")
                .contains("\"name\" : \"UNITS_SYSTEM\"").contains("\"set\" : false")
                .contains("\"hex\" : \"63e9\"");
        assertThat(InspectRenderer.json(BASE)).contains("\"environment\" : {").contains("\"variables\" : [ ]");
    }
}
