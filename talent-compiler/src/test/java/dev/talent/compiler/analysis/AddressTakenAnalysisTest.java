package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AddressTakenAnalysisTest {
    @TempDir
    Path dir;

    @Test
    void addressOfVariablesMembersAndElementsAndArrayDecay() {
        CProgram p = CProgram.in(dir).file("a.c", """
                struct pair { int a; int b[2]; };
                void use(const void *p) { (void)p; }
                int main(void) {
                  int plain = 0, whole = 0, arr[3] = {0};
                  struct pair member = {0}, elem = {0}, decay = {0}, copy = {0};
                  int *ptr = 0;
                  use(&whole);
                  use(&member.a);
                  use(&elem.b[1]);
                  use(decay.b);
                  use(arr);
                  copy.a = *ptr + plain;
                  for (int i = 0; i < 1; i++) plain++;
                  return copy.a;
                }
                """).analyze();
        var vars = p.function("main").variables;
        assertThat(vars.stream().filter(v -> v.addressTaken).map(v -> v.name))
                .containsExactly("whole", "arr", "member", "elem", "decay");
    }
}
