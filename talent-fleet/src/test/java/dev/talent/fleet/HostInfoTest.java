package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.policy.PlatformFacts;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A host record is read back from etcd, where anyone with a certificate of the fleet could have written it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostInfoTest {
    private static final PlatformFacts X86 = new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36", "Linux 6.1.0-18-amd64", "tfh1");
    private static final PlatformFacts S390X = new PlatformFacts("s390x", "s390x", 64, "big", "glibc", "2.36", "Linux 6.1.0-18-amd64", "tfh1");

    private static Records.HostInfo read(String json) throws IOException { return Etcd.JSON.readValue(json, Records.HostInfo.class); }

    private static String record(String facts) {
        return "{\"name\":\"h1\",\"address\":\"10.0.0.1\",\"port\":7443,\"platforms\":[\"x86_64\",\"s390x\"],\"facts\":" + facts + "}";
    }

    private static String fact(String platform, String isa, String wordBits, String order, String kernel) {
        return "{\"platform\":\"" + platform + "\",\"isa\":\"" + isa + "\",\"word_bits\":" + wordBits + ",\"byte_order\":\"" + order
                + "\",\"libc\":\"glibc\",\"libc_version\":\"2.36\",\"kernel\":\"" + kernel + "\",\"host\":\"tfh1\"}";
    }

    @Test
    void aRecordWithFactsGoesThroughEtcdsJsonAndAnOldAgentsRecordHasNone() throws IOException {
        Records.HostInfo h = new Records.HostInfo("h1", "10.0.0.1", 7443, List.of("x86_64", "s390x"), List.of(X86, S390X));
        String json = Etcd.JSON.writeValueAsString(h);
        assertThat(json).contains("\"facts\":[{\"platform\":\"x86_64\",\"isa\":\"x86_64\",\"word_bits\":64,\"byte_order\":\"little\"");
        assertThat(read(json)).isEqualTo(h);
        Records.HostInfo old = read("{\"name\":\"h1\",\"address\":\"10.0.0.1\",\"port\":7443,\"platforms\":[\"x86_64\"]}");
        assertThat(old.facts()).isEmpty();
        assertThat(old).isEqualTo(new Records.HostInfo("h1", "10.0.0.1", 7443, List.of("x86_64")));
        // a field a newer agent adds is no reason to refuse the host
        assertThat(read(record("[]").replace("\"facts\"", "\"zone\":\"a\",\"facts\"")).facts()).isEmpty();
    }

    @Test
    void forgedRecordsAreRefused() {
        List<String> forged = List.of(
                record("[" + fact("x86_64", "x86_64", "64", "little", "Linux\\u001b[2J 6.1") + "]"), // a terminal escape in a fact
                record("[" + fact("x86_64", "x86_64", "64", "little", "L" + "x".repeat(200)) + "]"),  // a fact too long
                record("[" + fact("x86_64", "x86_64", "16", "little", "Linux 6.1") + "]"),           // no such word size
                record("[" + fact("x86_64", "x86_64", "64", "middle", "Linux 6.1") + "]"),           // no such byte order
                record("[" + fact("riscv64", "riscv64", "64", "little", "Linux 6.1") + "]"),         // a platform it does not name
                record("[" + fact("x86_64", "x86_64", "64", "little", "Linux 6.1") + ","
                        + fact("x86_64", "x86_64", "64", "little", "Linux 6.2") + "]"),               // one platform twice
                record("[" + fact("x86_64", "x86_64", "64", "little", "Linux 6.1").replace(",\"host\":\"tfh1\"", "") + "]"), // a fact missing
                record("[null]"),
                record("[]").replace("\"h1\"", "\"../h1\""),
                record("[]").replace("\"h1\"", "\"h1\\n\""),
                record("[]").replace("\"10.0.0.1\"", "\"10.0.0.1; rm\""),
                record("[]").replace("7443", "70000"),
                record("[]").replace("\"s390x\"", "\"S390X!\""),
                record("[]").replace("[\"x86_64\",\"s390x\"]", "[" + String.join(",", Collections.nCopies(33, "\"x86_64\"")) + "]"),
                record("[]").replace(",\"platforms\":[\"x86_64\",\"s390x\"]", ""));
        for (String json : forged)
            assertThatThrownBy(() -> read(json)).as(json).isInstanceOf(IOException.class);
    }
}
