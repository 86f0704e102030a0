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
}
