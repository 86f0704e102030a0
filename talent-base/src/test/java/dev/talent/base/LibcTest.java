package dev.talent.base;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LibcTest {

    private static final MethodHandle CHDIR = Libc.downcall("chdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final int ENOENT = 2;

    @Test
    void aFailedCallLeavesItsErrno() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int result = (int) CHDIR.invokeExact(state, arena.allocateFrom("/no/such/directory/for/talent"));

            assertThat(result).isEqualTo(-1);
            assertThat(Libc.errno(state)).isEqualTo(ENOENT);
        }
    }

    @Test
    void describeGivesTheLibraryTextAndTheNumber() {
        assertThat(Libc.describe(ENOENT)).isEqualTo("No such file or directory (errno 2)");
    }
}
