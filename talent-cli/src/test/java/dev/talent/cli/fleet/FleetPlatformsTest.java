package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talent.fleet.HostStatus;
import dev.talent.fleet.apps.FleetPolicy;
import dev.talent.policy.PlatformFacts;
import dev.talent.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `talent platforms --fleet FILE [--json]`: the fleet's places with their detected facts and tags. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FleetPlatformsTest {
    private static final List<HostStatus> HOSTS = List.of(
            new HostStatus("h1", "10.213.0.11", List.of("x86_64", "s390x"), "up", List.of("svc"), true, 42L, false, List.of(
                    new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36", "Linux 6.1.0-18-amd64", "tfh1"),
                    new PlatformFacts("s390x", "s390x", 64, "big", "glibc", "2.36", "Linux 6.1.0-18-amd64", "tfh1"))),
            // h2's agent could not probe aarch64: no facts, so no version or kernel tag
            new HostStatus("h2", "10.213.0.12", List.of("aarch64"), "down", List.of(), false, null, true, List.of()));

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void eachPlaceWithItsFactsAndTags() throws Exception {
        JsonNode j = FleetPlatforms.json(HOSTS, FleetPolicy.NONE, Optional.empty());
        assertThat(j).hasSize(3);
        JsonNode x86 = j.get(0);
        assertThat(texts(fieldNames(x86))).containsExactly("host", "platform", "agent", "drained", "facts", "tags", "policy");
        assertThat(x86.get("host").asText()).isEqualTo("h1");
        assertThat(x86.get("platform").asText()).isEqualTo("x86_64");
        assertThat(x86.get("agent").asText()).isEqualTo("up");
        assertThat(x86.get("drained").asBoolean()).isFalse();
        assertThat(x86.get("facts").get("libc_version").asText()).isEqualTo("2.36");
        assertThat(x86.get("facts").get("kernel").asText()).isEqualTo("Linux 6.1.0-18-amd64");
        assertThat(x86.get("facts").get("word_bits").asInt()).isEqualTo(64);
        assertThat(texts(x86.get("tags"))).containsExactly("x86_64", "glibc", "glibc-2.36", "linux-6.1", "linux-6.1.0",
                "linux-6.1.0-18-amd64", "h1");
        assertThat(x86.get("policy").isNull()).isTrue();
        assertThat(j.get(1).get("facts").get("byte_order").asText()).isEqualTo("big");
        JsonNode arm = j.get(2);
        assertThat(arm.get("host").asText()).isEqualTo("h2");
        assertThat(arm.get("agent").asText()).isEqualTo("down");
        assertThat(arm.get("drained").asBoolean()).isTrue();
        assertThat(arm.get("facts").isNull()).isTrue();
        assertThat(texts(arm.get("tags"))).as("the platform table's facts: no version, no kernel").containsExactly("aarch64", "glibc", "h2");
    }

    @Test
    void theOperatorsTagsComeFromTheGivenPolicyFile() throws Exception {
        FleetPolicy p = FleetPolicy.of(Policy.parse("[platform.s390x]\ntags = [\"CVE-2024-2961\"]\n[host.h2]\ntags = [\"rack-2\"]\n", "t"));
        JsonNode j = FleetPlatforms.json(HOSTS, p, Optional.of("talent-policy.toml"));
        assertThat(texts(j.get(1).get("tags"))).contains("s390x", "CVE-2024-2961").doesNotContain("rack-2");
        assertThat(texts(j.get(2).get("tags"))).contains("rack-2").doesNotContain("CVE-2024-2961");
        assertThat(j.get(0).get("policy").asText()).isEqualTo("talent-policy.toml");
        String text = FleetPlatforms.text(HOSTS, p, Optional.of("talent-policy.toml"));
        assertThat(text).contains("h1/s390x").contains("s390x 64-bit big glibc-2.36, Linux 6.1.0-18-amd64")
                .contains("CVE-2024-2961").contains("h2/aarch64").contains("drained").contains("no facts")
                .contains("operator tags: from talent-policy.toml");
        assertThat(FleetPlatforms.text(HOSTS, FleetPolicy.NONE, Optional.empty())).contains("operator tags: not shown");
    }

    private static JsonNode fieldNames(JsonNode o) {
        var a = dev.talent.migrate.control.ControlJson.MAPPER.createArrayNode();
        o.fieldNames().forEachRemaining(a::add);
        return a;
    }
}
