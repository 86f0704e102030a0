package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.CallGraph;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import dev.talent.compiler.rewrite.RewritePlan.Rank;
import java.util.Optional;

/**
 * Places the sites of a function that may checkpoint (docs/CODEGEN.md "A site"; where: analysis.SitePlacement):
 * in place of a {@code #pragma talent checkpoint}, at the entry of a recursive function, or at the head of a
 * loop's body. A leaf loop with its site is versioned ({@link LoopVersioning}); a strip-mined loop is deferred to
 * {@link StripMinedLoops}; when a loop's body starts with a versioned loop, the site goes into that loop's
 * instrumented copy (one test of talent_pending per iteration, not two).
 */
final class Sites {
    private final RewritePlan plan;
    private final CallGraph graph;
    private final SiteCode siteCode;
    private final LoopVersioning versioning;
    private final StripMinedLoops strips;
    private final String text;

    Sites(RewritePlan plan, CallGraph graph, SiteCode siteCode, LoopVersioning versioning, StripMinedLoops strips) {
        this.plan = plan;
        this.graph = graph;
        this.siteCode = siteCode;
        this.versioning = versioning;
        this.strips = strips;
        this.text = plan.original();
    }

    /** Every site of f, in point order. */
    void emit(FunctionModel f) {
        for (Point p : f.points) if (p.isSite()) emit(f, p);
    }

    private void emit(FunctionModel f, Point p) {
        String code = siteCode.site(f, p);
        if (p.site.pragma() != null) {
            plan.replace(p.site.pragma().start(), p.site.pragma().end(), code);
            return;
        }
        if (p.site.loop() == null) {
            // the entry of a recursive function (RecursionSites), after the prologue
            plan.insert(p.site.block().begin().offset() + 1, " " + code, Rank.SITE_OPEN);
            return;
        }
        Node body = p.site.anchor();
        Node loop = p.site.loop();
        Optional<StripMining.Header> strip = StripMining.of(f, loop, graph, text);
        if (strip.isPresent()) {
            strips.defer(loop, strip.get(), code); // emitted once its inner loops are versioned
            return;
        }
        // a leaf loop is versioned here; a short nest once all its sites are in (LoopVersioning.versionShortNests)
        boolean versioned = !LeafLoops.hasInnerLoop(loop) && LeafLoops.isVersionable(f, loop, graph, text);
        String plain = versioned ? versioning.asWritten(loop) : null;
        Node first = body.is("CompoundStmt") ? (body.inner().isEmpty() ? null : body.child(0)) : body;
        if (first != null && isVersionedWithSite(f, first)) {
            // docs/CODEGEN.md: the body starts with a versioned leaf loop, whose test of talent_pending serves
            // this site too: the site goes into that loop's instrumented copy (one test per iteration, not two)
            versioning.putBeforeInstrumentedCopy(first, code);
        } else if (body.is("CompoundStmt")) {
            plan.insert(body.begin().offset() + 1, " " + code, Rank.SITE_OPEN);
        } else {
            plan.insert(body.begin().offset(), "{ " + code + " ", Rank.SITE_OPEN);
            plan.insertClosing(Ast.statementEnd(text, body), " }", Rank.SITE_CLOSE, body);
        }
        if (versioned) versioning.version(loop, plain);
    }

    /** A loop that gets a site at the head of its body and is versioned (its site is processed after this one). */
    private boolean isVersionedWithSite(FunctionModel f, Node stmt) {
        if (!Ast.isLoop(stmt) || !LeafLoops.isVersionable(f, stmt, graph, text)) return false;
        for (var s : f.sites) if (s.loop() == stmt) return true;
        return false;
    }
}
