package dev.talent.compiler.emit;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.rewrite.RewritePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test bench for one emitter alone: the file {@code a.c} analysed ({@link CProgram#unit}), a fresh plan of its
 * text that only the emitter under test edits, and that plan applied with the resume labels put in place.
 */
final class OneEmitter {
    final CProgram.AnalysedUnit unit;
    final RewritePlan plan;
    final ResumeCopies resumeCopies;
    final TypeDescriptors descriptors;

    private OneEmitter(CProgram.AnalysedUnit unit) {
        this.unit = unit;
        this.plan = new RewritePlan(unit.tu().text());
        this.resumeCopies = new ResumeCopies(unit.tu().text());
        this.descriptors = new TypeDescriptors(unit.types());
    }

    static OneEmitter of(Path dir, String source) {
        return new OneEmitter(CProgram.in(dir).file("a.c", source).analyze().unit("a.c"));
    }

    FunctionModel function(String name) {
        return unit.function(name);
    }

    SiteCode siteCode() {
        return new SiteCode(new FrameCode(unit.types(), descriptors), resumeCopies);
    }

    /** The loops of f, outermost first, in source order. */
    static List<Node> loops(FunctionModel f) {
        List<Node> out = new ArrayList<>();
        f.body.walk(n -> {
            if (Ast.isLoop(n)) out.add(n);
        });
        return out;
    }

    /** The text as the emitter left it, resume labels in place. */
    String text() {
        return resumeCopies.expand(plan.apply());
    }

    List<String> lines() {
        return text().lines().toList();
    }
}
