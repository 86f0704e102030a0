package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.Value.ObjectKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Boundary pointers (format major 4, docs/FORMAT.md "Pointers"): an address that was the start of one object and one
 * past the end of another on the writer, carried as both readings.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BoundaryPointerTest {

    private static int major(byte[] file) {
        return ((file[8] & 0xFF) << 8) | (file[9] & 0xFF);
    }

    private static Value global(Checkpoint c, String key) {
        return c.globals().stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow().value();
    }

    @Test
    void aBoundaryPointerIsReadBackAsWrittenInAMajor4File() throws Exception {
        byte[] file = ForgedCorpus.valid().get("boundary-pointer.tck");
        assertThat(major(file)).isEqualTo(RuntimeContract.FORMAT_MAJOR_BOUNDARY);
        Checkpoint c = CheckpointReader.read(file, "b.tck");
        assertThat(global(c, "count_ptr")).isEqualTo(new Value.Boundary(
                new Value.ObjectRef(ObjectKind.GLOBAL, 19, 0, List.of(), 0),
                new Value.ObjectRef(ObjectKind.GLOBAL, 0, 0, List.of(), 4)));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("count_ptr : int * = &util.c:count or (char *)&counter + 4");
        assertThat(InspectRenderer.json(c)).contains("\"orEndOf\"");
        // without one, the writer keeps the lowest major that describes the file
        assertThat(major(ForgedCorpus.valid().get("base.tck"))).isEqualTo(RuntimeContract.FORMAT_MAJOR_UNIONS);
    }

    @Test
    void bothReadingsInOneObjectAreTwoMembers() throws Exception {
        byte[] file = ForgedCorpus.valid().get("boundary-members.tck");
        Checkpoint c = CheckpointReader.read(file, "m.tck");
        assertThat(global(c, "origin_y")).isEqualTo(new Value.Boundary(
                new Value.ObjectRef(ObjectKind.GLOBAL, 1, 0, List.of(1L, 1L), 0),
                new Value.ObjectRef(ObjectKind.GLOBAL, 1, 0, List.of(1L, 0L), 4)));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThatThrownBy(() -> CheckpointReader.read(ForgedCorpus.forged().get("pointer-boundary-same-member.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("two readings in one object are not two members");
    }

    @Test
    void forgedBoundaryPointersAreRefusedNamingWhy() {
        Map<String, byte[]> forged = ForgedCorpus.forged();
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-in-major-3.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("a boundary pointer (tag 9) in a file of major version 3");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-start-not-at-start.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("first reading is not the start of an object");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-start-byte-offset.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("first reading is not the start of an object");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-same-object.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("two readings in one object are not two members");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-end-missing-global.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("global 99 does not exist");
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-end-past-scalar.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class);
        assertThatThrownBy(() -> CheckpointReader.read(forged.get("pointer-boundary-start-missing-frame.tck"), "f.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("frame 5 does not exist");
    }
}
