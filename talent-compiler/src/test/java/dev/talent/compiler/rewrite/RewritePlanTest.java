package dev.talent.compiler.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.compiler.rewrite.RewritePlan.EditConflict;
import dev.talent.compiler.rewrite.RewritePlan.Rank;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RewritePlanTest {
    @Test
    void insertionsAtOneOffsetFollowRankThenOrder() {
        RewritePlan p = new RewritePlan("a;b;");
        p.insert(2, "[close]", Rank.WRAP_CLOSE);
        p.insert(2, "[open]", Rank.SITE_OPEN);
        p.insert(2, "[x]");
        assertThat(p.apply()).isEqualTo("a;[close][x][open]b;");
    }

    @Test
    void aRenderedReplacementMergesTheEditsInsideIt() {
        RewritePlan p = new RewritePlan("f(g(x)) + 1");
        p.replace(2, 6, "t1");
        assertThat(p.render(0, 7)).isEqualTo("f(t1)");
        p.replaceRendered(0, 7, "t2");
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
        p.insert(7, "{ ", Rank.SITE_OPEN);
        p.insertClosing(18, " }", Rank.SITE_CLOSE, branch);
        p.insert(16, "{ ", Rank.SITE_OPEN);
        p.insertClosing(18, " }", Rank.SITE_CLOSE, body);
        assertThat(p.render(7, 18)).isEqualTo("for (;;) { x;");
        String loop = p.renderStatement(7, 18, closes -> body.equals(closes));
        assertThat(loop).isEqualTo("for (;;) { x; }");
        p.replaceStatement(7, 18, loop + " /* again */ " + loop, closes -> body.equals(closes));
        assertThat(p.apply()).isEqualTo("if (c) { for (;;) { x; } /* again */ for (;;) { x; } }");
    }

    @Test
    void partlyOverlappingReplacementsAreRefusedWhenAdded() {
        RewritePlan p = new RewritePlan("abcdef");
        p.replace(0, 3, "X");
        assertThatThrownBy(() -> p.replace(2, 5, "Y")).isInstanceOf(EditConflict.class).hasMessageContaining("2..5")
                .hasMessageContaining("partly overlaps the replacement of 0..3");
        assertThatThrownBy(() -> p.replaceRendered(2, 5, "Y")).isInstanceOf(EditConflict.class);
        assertThat(p.apply()).isEqualTo("Xdef");
    }

    @Test
    void aSecondReplacementOfTheSameRangeIsRefusedNotDropped() {
        RewritePlan p = new RewritePlan("int x;");
        p.replace(4, 5, "a");

        assertThatThrownBy(() -> p.replace(4, 5, "b")).isInstanceOf(EditConflict.class).hasMessageContaining("second replacement of 4..5");
        assertThatThrownBy(() -> p.replaceRendered(4, 5, "b")).isInstanceOf(EditConflict.class);
        assertThat(p.apply()).isEqualTo("int a;");
    }

    @Test
    void aReplacementInsideAReplacedRangeIsRefused() {
        RewritePlan p = new RewritePlan("f(g(x))");
        p.replace(0, 7, "y");

        assertThatThrownBy(() -> p.replace(2, 6, "t")).isInstanceOf(EditConflict.class).hasMessageContaining("inside the replaced range 0..7");
        assertThatThrownBy(() -> p.replace(0, 3, "t")).isInstanceOf(EditConflict.class);
    }

    @Test
    void anInsertionInsideAReplacedRangeIsRefusedButOneAtItsEdgesIsKept() {
        RewritePlan p = new RewritePlan("a = b;");
        p.replace(4, 5, "c");

        p.insert(5, "x", Rank.DEFAULT);
        p.insert(4, "(");
        RewritePlan q = new RewritePlan("a = bb;");
        q.replace(4, 6, "c");
        assertThatThrownBy(() -> q.insert(5, "x")).isInstanceOf(EditConflict.class).hasMessageContaining("insertion at 5");
        assertThat(p.apply()).isEqualTo("a = (cx;");
    }

    @Test
    void aPlainReplacementOverOtherEditsIsRefusedUnlessMerged() {
        RewritePlan p = new RewritePlan("f(g(x)) + 1");
        p.replace(2, 6, "t1");
        p.insert(1, "<");

        assertThatThrownBy(() -> p.replace(0, 7, "t2")).isInstanceOf(EditConflict.class).hasMessageContaining("would drop the replacement of 2..6");
        RewritePlan q = new RewritePlan("f(x)");
        q.insert(1, "<");
        assertThatThrownBy(() -> q.replace(0, 4, "y")).isInstanceOf(EditConflict.class).hasMessageContaining("would drop the insertion at 1");
        p.replaceRendered(0, 7, "[" + p.render(0, 7) + "]");
        assertThat(p.apply()).isEqualTo("[f<(t1)] + 1");
    }

    @Test
    void ranksOrderInsertionsAsTheVocabularySays() {
        RewritePlan p = new RewritePlan("x");
        p.insert(0, "w", Rank.WRAP_OPEN);
        p.insert(0, "s", Rank.SITE_OPEN);
        p.insert(0, "c", Rank.SITE_CLOSE);
        p.insert(0, "h", Rank.HEADER);
        p.insert(0, "d");

        assertThat(p.apply()).isEqualTo("hcdswx");
    }
}
