package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unions in a format major 3 file (docs/FORMAT.md "Values"): every union value names the member that carries it, a
 * number checked against the union's members in the file's own TYPE section.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnionMemberTest {

    private static int major(byte[] file) {
        return ((file[8] & 0xFF) << 8) | (file[9] & 0xFF);
    }

    private static Value global(Checkpoint c, String key) {
        return c.globals().stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow().value();
    }

    @Test
    void aUnionCarriedByItsSecondMemberIsReadBackAsWritten() throws Exception {
        byte[] file = ForgedCorpus.valid().get("union-second-member.tck");
        assertThat(major(file)).isEqualTo(RuntimeContract.FORMAT_MAJOR_UNIONS);
        Checkpoint c = CheckpointReader.read(file, "u.tck");
        assertThat(global(c, "n")).isEqualTo(new Value.UnionValue(1, new Value.FloatValue(Double.doubleToLongBits(2.5), 64)));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("{ d = 2.5 }").doesNotContain("{ i = ");
        assertThat(global(CheckpointReader.read(ForgedCorpus.valid().get("base.tck"), "b.tck"), "n"))
                .isEqualTo(new Value.UnionValue(0, Fixtures.i(-7)));
    }

    @Test
    void aMemberNumberPastTheUnionsMembersIsRefusedNamingIt() {
        Map<String, byte[]> forged = ForgedCorpus.forged();
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("value-union-member-2.tck"), "m.tck"))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("union member 2 of 'union num', which has 2 members");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("value-union-member-huge.tck"), "m.tck"))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("union member 2130706432 of 'union num', which has 2 members");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("value-union-member-2-marked.tck"), "m.tck"))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("union member 2 of 'union num', which has 2 members");
    }

    @Test
    void aValueMarkedForItsByteOrderIsReadBackMarkedAndAMarkedNumberPastTheMembersIsRefused() throws Exception {
        Checkpoint base = ForgedCorpus.base();
        Value marked = new Value.UnionValue(0, Fixtures.i(-7), true);
        List<GlobalVar> globals = base.globals().stream().map(g -> g.key().equals("n")
                ? new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), marked) : g).toList();
        Checkpoint c = new Checkpoint(base.meta(), base.types(), base.strings(), globals, base.frames(), base.heap(),
                base.files(), base.pendingWait());
        byte[] file = CheckpointWriter.write(c);
        byte[] plain = CheckpointWriter.write(base);

        Checkpoint back = CheckpointReader.read(file, "m.tck");

        assertThat(global(back, "n")).isEqualTo(marked);
        assertThat(global(CheckpointReader.read(plain, "p.tck"), "n")).isEqualTo(new Value.UnionValue(0, Fixtures.i(-7)));
        assertThat(InspectRenderer.text(back)).contains("(this byte order only)");
        assertThat(InspectRenderer.text(base)).doesNotContain("(this byte order only)");
        // the mark is the bit above the member's number: the first byte of the u32 (the section's CRC differs too)
        int at = -1;
        for (int i = 0; i < file.length && at < 0; i++) if (file[i] != plain[i]) at = i;
        assertThat(file[at] & 0xFF).isEqualTo((plain[at] & 0xFF) | 0x80);
    }

    @Test
    void theWriterRefusesAMemberTheUnionDoesNotHave() {
        Checkpoint base = ForgedCorpus.base();
        List<GlobalVar> globals = base.globals().stream().map(g -> g.key().equals("n")
                ? new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), new Value.UnionValue(2, Fixtures.i(1))) : g).toList();
        Checkpoint bad = new Checkpoint(base.meta(), base.types(), base.strings(), globals, base.frames(), base.heap(),
                base.files(), base.pendingWait());
        assertThatThrownBy(() -> CheckpointWriter.write(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
