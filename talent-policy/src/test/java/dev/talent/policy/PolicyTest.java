package dev.talent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PolicyTest {

    static final String EXAMPLE = """
            [platform.x86_64]
            tags = ["glibc-2.36", "CVE-2024-2961"]
            [diversity]
            weights = { isa = 3, libc = 2, host = 2 }
            avoid_recent = 2
            """;

    @Test
    void readsTheIssuesExample() throws PolicyException {
        Policy p = Policy.parse(EXAMPLE, "talent-policy.toml");
        assertThat(p.tagsOf("x86_64")).containsExactly("glibc-2.36", "CVE-2024-2961");
        assertThat(p.tagsOf("s390x")).isEmpty();
        assertThat(p.diversity().weight(Dimension.ISA)).isEqualTo(3);
        assertThat(p.diversity().weight(Dimension.LIBC)).isEqualTo(2);
        assertThat(p.diversity().weight(Dimension.HOST)).isEqualTo(2);
        assertThat(p.diversity().weight(Dimension.BYTE_ORDER)).isZero();
        assertThat(p.diversity().avoidRecent()).isEqualTo(2);
    }

    @Test
    void musl_platform_names_and_an_empty_file() throws PolicyException {
        Policy p = Policy.parse("[platform.x86_64-musl]\ntags = [\"musl-1.2.3\", \"label:edge\"]\n", "f");
        assertThat(p.tagsOf("x86_64-musl")).containsExactly("musl-1.2.3", "label:edge");
        assertThat(Policy.parse("", "f").diversity()).isEqualTo(Diversity.DEFAULT);
    }

    @Test
    void hostTablesTagAFleetsHosts() throws PolicyException {
        Policy p = Policy.parse("[host.h2]\ntags = [\"rack-7\", \"CVE-2025-1\"]\n[platform.s390x]\ntags = [\"x\"]\n", "f");
        assertThat(p.tagsOfHost("h2")).containsExactly("rack-7", "CVE-2025-1");
        assertThat(p.tagsOfHost("h1")).isEmpty();
        assertThat(p.tagsOf("h2")).as("a host's tags are not a platform's").isEmpty();
        assertThatThrownBy(() -> Policy.parse("[host.h2]\ntag = [\"x\"]\n", "f")).isInstanceOf(PolicyException.class)
                .hasMessageContaining("[host.h2]: unknown key \"tag\" (a host has tags = [...])");
        assertThatThrownBy(() -> Policy.parse("[host.h2]\ntags = [\"bad tag\"]\n", "f")).isInstanceOf(PolicyException.class)
                .hasMessageContaining("is not a tag");
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        assertThatThrownBy(() -> Policy.parse("[platfrom.x86_64]\ntags=[]\n", "f.toml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("f.toml: unknown key \"platfrom\"");
        assertThatThrownBy(() -> Policy.parse("[platform.x86_64]\ntag=[\"a\"]\n", "f"))
                .hasMessageContaining("unknown key \"tag\"");
        assertThatThrownBy(() -> Policy.parse("[platform.x86_64]\ntags=[\"has space\"]\n", "f"))
                .hasMessageContaining("is not a tag");
        assertThatThrownBy(() -> Policy.parse("[platform.x86_64]\ntags=[1]\n", "f")).hasMessageContaining("is not a tag");
        assertThatThrownBy(() -> Policy.parse("[diversity]\nweights={ cpu = 3 }\n", "f"))
                .hasMessageContaining("unknown weight \"cpu\"");
        assertThatThrownBy(() -> Policy.parse("[diversity]\nweights={ isa = -1 }\n", "f"))
                .hasMessageContaining("weights.isa must be an integer from 0 to 1000");
        assertThatThrownBy(() -> Policy.parse("[diversity]\navoid_recent = 1.5\n", "f"))
                .hasMessageContaining("avoid_recent must be an integer");
        assertThatThrownBy(() -> Policy.parse("[diversity\n", "f")).hasMessageContaining("not valid TOML");
    }
}
