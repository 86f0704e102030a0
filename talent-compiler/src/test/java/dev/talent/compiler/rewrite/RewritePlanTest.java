package dev.talent.compiler.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RewritePlanTest {
    @Test
    void insertionsAtOneOffsetFollowRankThenOrder() {
        RewritePlan p = new RewritePlan("a;b;");
        p.insert(2, "[close]", RewritePlan.RANK_CLOSE_INNER);
        p.insert(2, "[open]", RewritePlan.RANK_OPEN_OUTER);
        p.insert(2, "[x]");
        assertThat(p.apply()).isEqualTo("a;[close][x][open]b;");
    }

    @Test
    void replacementSwallowsEditsInsideButRenderShowsThem() {
        RewritePlan p = new RewritePlan("f(g(x)) + 1");
        p.replace(2, 6, "t1");
        assertThat(p.render(0, 7)).isEqualTo("f(t1)");
        p.replace(0, 7, "t2");
        p.insert(0, "<");
        p.insert(7, ">");
        assertThat(p.apply()).isEqualTo("<t2> + 1");
    }

    @Test
    void aStatementTakesAlongTheClosingInsertionsAtItsEndThatCloseSomethingInsideIt() {
        // "for (;;) x;" with its body braced, inside "if (c) ..." whose branch is braced too
        String src = "if (c) for (;;) x;";
        RewritePlan p = new RewritePlan(src);
        Object branch = "branch";
        Object body = "body";
        p.insert(7, "{ ", RewritePlan.RANK_OPEN_OUTER);
        p.insertClosing(18, " }", RewritePlan.RANK_CLOSE_OUTER, branch);
        p.insert(16, "{ ", RewritePlan.RANK_OPEN_OUTER);
        p.insertClosing(18, " }", RewritePlan.RANK_CLOSE_OUTER, body);
        assertThat(p.render(7, 18)).isEqualTo("for (;;) { x;");
        String loop = p.renderStatement(7, 18, closes -> closes == body);
        assertThat(loop).isEqualTo("for (;;) { x; }");
        p.replaceStatement(7, 18, loop + " /* again */ " + loop, closes -> closes == body);
        assertThat(p.apply()).isEqualTo("if (c) { for (;;) { x; } /* again */ for (;;) { x; } }");
    }

    @Test
    void partlyOverlappingReplacementsAreABug() {
        RewritePlan p = new RewritePlan("abcdef");
        p.replace(0, 3, "X");
        p.replace(2, 5, "Y");
        assertThatThrownBy(p::apply).isInstanceOf(IllegalStateException.class);
    }
}
