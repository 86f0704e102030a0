package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** Liveness over the CFG decides what is saved at each point (address-taken variables aside). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LivenessAnalysisTest {
    @TempDir
    Path dir;

    @Test
    void deadAndOverwrittenVariablesAreNotSaved() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int work(int n, int unused) {
                  int before = n * 2;
                  int later;
                  int acc = 0;
                  for (int i = 0; i < n; i++) {
                    acc += i;
                  }
                  later = acc + 1;
                  return later + before;
                }
                int main(void) { return work(3, 4); }
                """).analyze();
        // site at the loop head: n (condition), acc, i, before are live; unused is dead; later is assigned after
        assertThat(p.saved("work", 0)).containsExactly("n", "before", "acc", "i");
    }

    @Test
    void flowThroughSwitchBreakContinueAndGoto() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int work(int n) {
                  int a = 1, b = 2, c = 3, d = 4;
                  int r = 0;
                again:
                  for (int i = 0; i < n; i++) {
                    switch (i) {
                    case 0: r += a; break;
                    case 1: continue;
                    default: r += b;
                    }
                  }
                  if (r < 100) { r += 50; goto again; }
                  d = 0;
                  return r + c + d;
                }
                int main(void) { return work(3); }
                """).analyze();
        // a and b are read in the loop; c after it; d is overwritten before its only read; the goto makes
        // everything read before the loop live again after it
        assertThat(p.saved("work", 0)).containsExactly("n", "a", "b", "c", "r", "i");
    }

    @Test
    void temporariesOfEarlierCallsAreLiveAtLaterCalls() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int f(int n) { while (n > 10) n--; return n; }
                int main(void) {
                  int x = 5, spare = 9;
                  int y = f(x) + f(x + 1);
                  return y + spare;
                }
                """).analyze();
        // point 0 is main's first call: x (arguments), spare (read later); point 1 adds __talent_t1
        assertThat(p.saved("main", 0)).containsExactly("x", "spare");
        assertThat(p.saved("main", 1)).containsExactly("x", "spare", "__talent_t1");
    }

    @Test
    void addressTakenVariablesAreSavedWhereverInScope() {
        CProgram p = CProgram.in(dir).file("a.c", """
                void touch(int *p) { for (int i = 0; i < 1; i++) *p += i; }
                int main(void) {
                  int kept = 1;
                  int *alias = &kept;
                  touch(alias);
                  return 0;
                }
                """).analyze();
        assertThat(p.saved("main", 0)).containsExactly("kept", "alias");
        assertThat(p.function("main").variables.getFirst().addressTaken).isTrue();
    }

    /** Issue 11, cause 4: a pointer assigned after the site before any read is not live (nor saved) there. */
    @Test
    void assignmentsInConditionsAndForInitialisersKill() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct n { struct n *next; int v; };
                int work(struct n *head, int k) {
                  char *buf;
                  struct n *it;
                  int s = 0;
                  for (int i = 0; i < k; i++) s += i;
                  if ((buf = malloc(16)) == NULL) return -1;
                  for (it = head; it; it = it->next) s += it->v;
                  free(buf);
                  return s;
                }
                int main(void) { return work(NULL, 3); }
                """).analyze();
        // at the first loop's site: buf and it are assigned after it before any read
        assertThat(p.saved("work", 0)).containsExactly("head", "k", "s", "i");
    }

    @Test
    void aConditionalAssignmentDoesNotKill() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int work(int k, int c) {
                  int *q = &k;
                  int *r = 0;
                  for (int i = 0; i < k; i++) c += i;
                  if (c > 3 && (r = q) != 0) c++;
                  return r ? *r + c : c;
                }
                int main(void) { return work(3, 0); }
                """).analyze();
        assertThat(p.saved("work", 0)).contains("r", "q");
    }

    /**
     * An assignment that a hoist moves in front of its call (a comma operand) is no longer done by the
     * statement: the variable must stay live at the call.
     */
    @Test
    void anAssignmentMovedBeforeACallIsLiveAtTheCall() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int f(int n) { for (int i = 0; i < n; i++) n--; return n; }
                int main(void) {
                  int a = 0, b;
                  b = (a = 5, f(2));
                  return a + b;
                }
                """).analyze();
        // point 0 is f's site; point 1 the call in main
        assertThat(p.saved("main", 0)).containsExactly("a");
    }
}
