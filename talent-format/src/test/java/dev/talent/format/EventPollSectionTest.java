package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The EPOL section (docs/FORMAT.md "EPOL"): what the reader gives back, and refusals naming the section. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventPollSectionTest {
    @Test
    void instancesAndRegistrationsAreReadBackAsWritten() throws CorruptCheckpointException {
        Checkpoint c = CheckpointReader.read(ForgedCorpus.valid().get("epoll.tck"), "epoll.tck");
        assertThat(c.epoll()).extracting(EventPoll::fd).containsExactly(20L, 21L);
        EventPoll first = c.epoll().getFirst();
        assertThat(first.flags()).isEqualTo(RuntimeContract.EPOLL_FLAG_CLOEXEC);
        assertThat(first.registrations()).extracting(EventPoll.Registration::fd).containsExactly(0L, 3L, 6L, 21L);
        assertThat(first.registrations().get(0).data()).isEqualTo(new EventPoll.U64(-1L));
        assertThat(first.registrations().get(1).events()).isEqualTo(0x8000_0001L);
        assertThat(first.registrations().get(2).flags()).isEqualTo(RuntimeContract.EPOLL_REG_DISARMED);
        assertThat(first.registrations().get(2).data()).isInstanceOf(EventPoll.Pointer.class);
        assertThat(InspectRenderer.text(c)).contains("epoll instances: 2\n    instance fd 20, close-on-exec, 4 registrations\n");
        // written again, byte for byte
        assertThat(CheckpointWriter.write(c)).isEqualTo(ForgedCorpus.valid().get("epoll.tck"));
    }

    @Test
    void aFileWithoutEpollHasNoSectionAndNoInstances() throws CorruptCheckpointException {
        byte[] base = CheckpointWriter.write(ForgedCorpus.base());
        assertThat(new String(base, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("EPOL");
        assertThat(CheckpointReader.read(base, "base.tck").epoll()).isEmpty();
    }

    @Test
    void aRegistrationOfADescriptorTheCheckpointDoesNotCarryIsRefusedNamingIt() {
        Checkpoint bad = ForgedCorpus.withEpoll(ForgedCorpus.base(), ForgedCorpus.epoll(List.of(
                ForgedCorpus.reg(9, 0x1, 0, new EventPoll.Int32(9)))));
        assertThatThrownBy(() -> CheckpointReader.read(CheckpointWriter.write(bad), "bad.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("EPOL")
                .hasMessageContaining("watches descriptor 9, which the checkpoint does not carry");
    }

    @Test
    void otherDescriptorsOfAnInstanceAreReadBackWithTheirOwnCloseOnExecAndShownByInspect() throws Exception {
        byte[] file = ForgedCorpus.valid().get("epoll-copies.tck");
        Checkpoint c = CheckpointReader.read(file, "epoll-copies.tck");
        assertThat(c.epoll()).extracting(EventPoll::fd).containsExactly(20L, 21L);
        assertThat(c.epoll().get(0).copies()).containsExactly(new EventPoll.Copy(22, 1), new EventPoll.Copy(30, 0));
        assertThat(c.epoll().get(1).copies()).containsExactly(new EventPoll.Copy(23, 0));
        // a registration through another instance's copy
        assertThat(c.epoll().get(0).registrations()).extracting(EventPoll.Registration::fd).containsExactly(3L, 23L);
        assertThat(InspectRenderer.text(c)).contains(
                "    instance fd 20, close-on-exec, also at fd 22 (close-on-exec), fd 30, 2 registrations\n",
                "    instance fd 21, also at fd 23, no registrations\n");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(InspectRenderer.json(c));
        com.fasterxml.jackson.databind.JsonNode copies = json.get("epoll").get(0).get("copies");
        assertThat(copies).hasSize(2);
        assertThat(copies.get(0).get("fd").asLong()).isEqualTo(22);
        assertThat(copies.get(0).get("closeOnExec").asBoolean()).isTrue();
        assertThat(copies.get(1).get("closeOnExec").asBoolean()).isFalse();
        assertThat(json.get("epoll").get(1).get("copies").get(0).get("fd").asLong()).isEqualTo(23);
        // written again, byte for byte: EDUP sorted by descriptor across instances
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("EDUP");
    }

    @Test
    void aFileWithoutCopiesHasNoEdupSectionAndEmptyCopies() throws Exception {
        byte[] file = ForgedCorpus.valid().get("epoll.tck");
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("EDUP");
        Checkpoint c = CheckpointReader.read(file, "epoll.tck");
        assertThat(c.epoll()).allSatisfy(e -> assertThat(e.copies()).isEmpty());
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(InspectRenderer.json(c))
                .get("epoll").get(0).get("copies")).isEmpty();
    }

    @Test
    void aCopyOfADescriptorThatIsNoInstanceIsRefusedNamingEdup() {
        assertThatThrownBy(() -> CheckpointReader.read(ForgedCorpus.forged().get("epoll-copy-of-no-instance.tck"), "x.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("EDUP")
                .hasMessageContaining("descriptor 22 is a copy of 25, which is no epoll instance of EPOL");
        assertThatThrownBy(() -> CheckpointReader.read(ForgedCorpus.forged().get("epoll-watches-its-copy.tck"), "x.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("a copy of itself");
        assertThatThrownBy(() -> CheckpointReader.read(ForgedCorpus.forged().get("epoll-copy-is-a-file.tck"), "x.tck"))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("both a copy of epoll instance 20 and a FILE entry");
    }
}
