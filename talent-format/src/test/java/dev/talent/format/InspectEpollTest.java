package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code talent inspect} of the EPOL section (issue 12): each instance and its registrations, in text and JSON. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InspectEpollTest {
    private static Checkpoint epoll() throws CorruptCheckpointException {
        return CheckpointReader.read(ForgedCorpus.valid().get("epoll.tck"), "epoll.tck");
    }

    @Test
    void textListsEachInstanceWithItsRegistrations() throws CorruptCheckpointException {
        String text = InspectRenderer.text(epoll());
        assertThat(text).contains("""

                epoll instances: 2
                    instance fd 20, close-on-exec, 4 registrations
                        fd 0 EPOLLIN, data.u64 18446744073709551615 (0xffffffffffffffff)
                        fd 3 EPOLLIN|EPOLLET, data.fd/u32 3
                        fd 6 EPOLLIN|EPOLLONESHOT, disarmed (EPOLLONESHOT fired), data.ptr %s
                        fd 21 EPOLLIN, data.fd/u32 21
                    instance fd 21, no registrations
                """.formatted(new ValueText(epoll()).pointer(
                        ((EventPoll.Pointer) epoll().epoll().getFirst().registrations().get(2).data()).value())));
        // the pointer is shown like any other: the path it follows, never an address
        assertThat(text).containsPattern("fd 6 .*data\\.ptr &\\S+");
    }

    @Test
    void aCheckpointWithoutEpollHasNoSuchTextAndAnEmptyJsonArray() {
        assertThat(InspectRenderer.text(ForgedCorpus.base())).doesNotContain("epoll");
        assertThat(InspectRenderer.json(ForgedCorpus.base())).contains("\"epoll\" : [ ]");
    }

    @Test
    void jsonHasEveryFieldOfEveryRegistration() throws Exception {
        JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(InspectRenderer.json(epoll()));
        JsonNode instances = json.get("epoll");
        assertThat(instances).hasSize(2);
        JsonNode first = instances.get(0);
        assertThat(first.get("fd").asLong()).isEqualTo(20);
        assertThat(first.get("flags").get("closeOnExec").asBoolean()).isTrue();
        JsonNode regs = first.get("registrations");
        assertThat(regs).hasSize(4);
        assertThat(regs.get(0).get("data").get("kind").asText()).isEqualTo("u64");
        assertThat(regs.get(0).get("data").get("value").bigIntegerValue()).hasToString("18446744073709551615");
        assertThat(regs.get(1).get("events").asLong()).isEqualTo(0x8000_0001L);
        assertThat(regs.get(1).get("eventNames")).extracting(JsonNode::asText).containsExactly("EPOLLIN", "EPOLLET");
        assertThat(regs.get(1).get("data").get("kind").asText()).isEqualTo("fd/u32");
        assertThat(regs.get(1).get("data").get("value").asLong()).isEqualTo(3);
        assertThat(regs.get(1).get("disarmed").asBoolean()).isFalse();
        JsonNode oneShot = regs.get(2);
        assertThat(oneShot.get("disarmed").asBoolean()).isTrue();
        assertThat(oneShot.get("data").get("kind").asText()).isEqualTo("ptr");
        // the same object as a pointer variable's value: its C-like text and its parts
        assertThat(oneShot.get("data").get("value").get("pointer").asText()).startsWith("&");
        assertThat(oneShot.get("data").get("value").get("object").asText()).isEqualTo("global");
        assertThat(instances.get(1).get("registrations")).isEmpty();
        assertThat(instances.get(1).get("flags").get("closeOnExec").asBoolean()).isFalse();
        // keys in a stable order: the section sits between the open files and the pending wait
        List<String> keys = iterable(json.fieldNames());
        assertThat(keys.indexOf("epoll")).isEqualTo(keys.indexOf("files") + 1).isEqualTo(keys.indexOf("pendingWait") - 1);
        assertThat(iterable(regs.get(0).fieldNames())).containsExactly("fd", "events", "eventNames", "disarmed", "data");
        // the same document every time
        assertThat(InspectRenderer.json(epoll())).isEqualTo(InspectRenderer.json(epoll()));
    }

    @Test
    void eventMasksAreNamedInBitOrderAndUnknownBitsKeptAsHex() {
        assertThat(EpollEvents.text(0)).isEqualTo("0");
        assertThat(EpollEvents.text(0x1 | 0x4 | 0x2000 | (1L << 31))).isEqualTo("EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET");
        assertThat(EpollEvents.text(0xF000_27DFL)).startsWith("EPOLLIN|EPOLLPRI|").endsWith("|EPOLLONESHOT|EPOLLET")
                .doesNotContain("0x");
        assertThat(EpollEvents.names(0x20 | 0x1)).containsExactly("EPOLLIN", "0x20");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
