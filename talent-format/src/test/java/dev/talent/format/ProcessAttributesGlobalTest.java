package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The globals of the process's attributes ({@code <libc>:umask}, {@code <libc>:rlimits}, {@code <libc>:fenv},
 * {@code <libc>:nice}, {@code <libc>:comm}: libc_state.c) and of inet_ntoa's result ({@code <libc>:inet_ntoa}:
 * foreign.c) are validated by the Java reader as strictly as by the runtime (its load check and its restore), with
 * the same bounds. The shared corpus's files (LibcStateCorpus) are checked against the C reader by
 * CheckpointValidationIT.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ProcessAttributesGlobalTest {

    private static Checkpoint read(Checkpoint c) throws CorruptCheckpointException {
        return CheckpointReader.read(CheckpointWriter.write(c), "t.tck");
    }

    private static void refused(Checkpoint c, String message) {
        assertThatThrownBy(() -> read(c)).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message);
    }

    private static long[] nine(long v) {
        long[] a = new long[RuntimeContract.RLIMITS_COUNT];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void theMaskAndTheNiceValueAreReadWithinTheirBoundsOnly() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        assertThat(read(LibcStateCorpus.withUmask(base, 0777)).globals().getLast().key()).isEqualTo("<libc>:umask");
        read(LibcStateCorpus.withUmask(base, 0));
        refused(LibcStateCorpus.withUmask(base, 01000), "global <libc>:umask is not an integer 0 to 0777");
        refused(LibcStateCorpus.withUmask(base, 0xffffffffL), "<libc>:umask");
        read(LibcStateCorpus.withNice(base, -20));
        read(LibcStateCorpus.withNice(base, 19));
        refused(LibcStateCorpus.withNice(base, 20), "global <libc>:nice is not an integer -20 to 19");
        refused(LibcStateCorpus.withNice(base, -21), "<libc>:nice");
        refused(LibcStateCorpus.withNice(base, Integer.MIN_VALUE), "<libc>:nice");
    }

    @Test
    void theFloatingPointEnvironmentIsAModeZeroToThreeAndFiveFlags() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        read(LibcStateCorpus.withFenv(base, 3, 31));
        refused(LibcStateCorpus.withFenv(base, 4, 0), "round is not an integer 0 to 3");
        refused(LibcStateCorpus.withFenv(base, 0, 32), "flags is not an integer 0 to 31");
    }

    @Test
    void resourceLimitsAreNineWithTheChangedSoftOnesAtMostTheirHardOnes() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        long[] soft = nine(7);
        soft[3] = 9;
        // limit 3 unchanged: its values are not the program's and not checked
        read(LibcStateCorpus.withRlimits(base, 1, soft, nine(7)));
        read(LibcStateCorpus.withRlimits(base, 511, nine(-1L), nine(-1L)));
        refused(LibcStateCorpus.withRlimits(base, 1 << 3, soft, nine(7)), "a changed soft limit is above its hard limit");
        refused(LibcStateCorpus.withRlimits(base, 512, nine(1), nine(1)), "changed is not an integer 0 to 511");
        refused(LibcStateCorpus.withRlimits(base, 1, new long[8], new long[8]), "not an array of nine unsigned integers");
    }

    @Test
    void theNameAndInetNtoasTextAreNulTerminatedAndTheAddressDottedDigits() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        read(LibcStateCorpus.withText(base, RuntimeContract.COMM_KEY, LibcStateCorpus.chars("worker-7-abcdef")));
        refused(LibcStateCorpus.withText(base, RuntimeContract.COMM_KEY, LibcStateCorpus.chars("x".repeat(16))),
                "global <libc>:comm is not NUL-terminated");
        read(LibcStateCorpus.withText(base, RuntimeContract.INET_NTOA_KEY, LibcStateCorpus.chars("255.255.255.255")));
        refused(LibcStateCorpus.withText(base, RuntimeContract.INET_NTOA_KEY, LibcStateCorpus.chars("10.0.0.x")),
                "not a dotted address");
        refused(LibcStateCorpus.withText(base, RuntimeContract.INET_NTOA_KEY, new long[] {'1', 0, '2'}),
                "not a dotted address");
        refused(LibcStateCorpus.withText(base, RuntimeContract.INET_NTOA_KEY, LibcStateCorpus.chars("1".repeat(16))),
                "not NUL-terminated");
    }

    @Test
    void l64aAndEtherNtoasTextsAreTheirOwnCharactersNulTerminatedInTheirArrays() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        int l = RuntimeContract.L64A_MAX, e = RuntimeContract.ETHER_NTOA_MAX;
        read(LibcStateCorpus.withText(base, RuntimeContract.L64A_KEY, LibcStateCorpus.chars(".9Az/1"), l));
        read(LibcStateCorpus.withText(base, RuntimeContract.L64A_KEY, new long[0], l));
        read(LibcStateCorpus.withText(base, RuntimeContract.ETHER_NTOA_KEY, LibcStateCorpus.chars("FF:0a:00:1B:c2:7f"), e));
        refused(LibcStateCorpus.withText(base, RuntimeContract.L64A_KEY, LibcStateCorpus.chars("ab-c"), l),
                "global <libc>:l64a: not a text of l64a's digits");
        refused(LibcStateCorpus.withText(base, RuntimeContract.L64A_KEY, LibcStateCorpus.chars("abcdefgh"), l),
                "global <libc>:l64a is not NUL-terminated");
        refused(LibcStateCorpus.withText(base, RuntimeContract.L64A_KEY, LibcStateCorpus.chars("abc"), 16),
                "global <libc>:l64a is not an array of 8 chars");
        refused(LibcStateCorpus.withText(base, RuntimeContract.ETHER_NTOA_KEY, new long[] {'a', ':', 'b', 0, 'c'}, e),
                "not an Ethernet address's text");
        refused(LibcStateCorpus.withText(base, RuntimeContract.ETHER_NTOA_KEY, LibcStateCorpus.chars("1:2:3:4:5:g"), e),
                "not an Ethernet address's text");
        read(LibcStateCorpus.withText(base, RuntimeContract.ECVT_KEY, LibcStateCorpus.chars("inf"), RuntimeContract.ECVT_MAX));
        refused(LibcStateCorpus.withText(base, RuntimeContract.ECVT_KEY, LibcStateCorpus.chars("3.14"),
                RuntimeContract.ECVT_MAX), "global <libc>:ecvt: not a text of digits");
        refused(LibcStateCorpus.withText(base, RuntimeContract.FCVT_KEY, LibcStateCorpus.chars("1".repeat(
                RuntimeContract.FCVT_MAX)), RuntimeContract.FCVT_MAX), "global <libc>:fcvt is not NUL-terminated");
    }

    @Test
    void tmpnamsPathAndEtherAtonsOctetsAreCheckedByValue() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        int n = RuntimeContract.TMPNAM_MAX;
        read(LibcStateCorpus.withText(base, RuntimeContract.TMPNAM_KEY, LibcStateCorpus.chars("/tmp/fileAz09xQ"), n));
        refused(LibcStateCorpus.withText(base, RuntimeContract.TMPNAM_KEY, LibcStateCorpus.chars("/tmp/a b"), n),
                "global <libc>:tmpnam: not a path of tmpnam's characters");
        refused(LibcStateCorpus.withText(base, RuntimeContract.TMPNAM_KEY, new long[] {'/', 0, 'x'}, n),
                "global <libc>:tmpnam: not a path of tmpnam's characters");
        refused(LibcStateCorpus.withText(base, RuntimeContract.TMPNAM_KEY, LibcStateCorpus.chars("/".repeat(n)), n),
                "global <libc>:tmpnam is not NUL-terminated");
        read(LibcStateCorpus.withOctets(base, new long[] {0, 255, 2, 3, 4, 5}, LibcStateCorpus.UCHAR));
        refused(LibcStateCorpus.withOctets(base, new long[] {0, 1, 2, 3, 4}, LibcStateCorpus.UCHAR),
                "global <libc>:ether_aton is not a struct ether_addr of six octets");
        refused(LibcStateCorpus.withOctets(base, new long[] {0, 1, 2, 3, 4, 300},
                new TypeDesc.UInt("unsigned short", 2, 16)), "holds a value that is not an octet");
    }

    @Test
    void strerrorsAndStrsignalsTextsAreWordsAndANumberNulTerminatedInTheirArrays() throws CorruptCheckpointException {
        Checkpoint base = Fixtures.full();
        int n = RuntimeContract.UNKNOWN_TEXT_MAX;
        read(LibcStateCorpus.withText(base, RuntimeContract.STRERROR_KEY, LibcStateCorpus.chars("Unknown error -1"), n));
        read(LibcStateCorpus.withText(base, RuntimeContract.STRSIGNAL_KEY, LibcStateCorpus.chars("Real-time signal 2"),
                n));
        refused(LibcStateCorpus.withText(base, RuntimeContract.STRERROR_KEY, LibcStateCorpus.chars("Unknown %s"), n),
                "global <libc>:strerror: not a text of letters, spaces, digits and '-'");
        refused(LibcStateCorpus.withText(base, RuntimeContract.STRSIGNAL_KEY, new long[] {'U', 0, 'x'}, n),
                "global <libc>:strsignal: not a text of letters");
        refused(LibcStateCorpus.withText(base, RuntimeContract.STRERROR_KEY, LibcStateCorpus.chars("9".repeat(n)), n),
                "global <libc>:strerror is not NUL-terminated");
        refused(LibcStateCorpus.withText(base, RuntimeContract.STRSIGNAL_KEY, LibcStateCorpus.chars("Unknown"), 16),
                "<libc>:strsignal");
    }
}
