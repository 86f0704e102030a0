package dev.talent.compiler.analysis;

import dev.talent.compiler.Diagnostic;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics of one build; passes report here instead of throwing on the first problem. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    public void error(TranslationUnit tu, Node n, String message, String remedy) {
        SourceLoc l = n.position();
        all.add(Diagnostic.error(tu.path().toString(), l.line(), l.col(), message, remedy));
    }

    public void error(TranslationUnit tu, SourceLoc l, String message, String remedy) {
        all.add(Diagnostic.error(tu.path().toString(), l.line(), l.col(), message, remedy));
    }

    public void warning(TranslationUnit tu, Node n, String message, String remedy) {
        SourceLoc l = n.position();
        all.add(Diagnostic.warning(tu.path().toString(), l.line(), l.col(), message, remedy));
    }

    public void note(TranslationUnit tu, Node n, String message) {
        SourceLoc l = n.position();
        all.add(Diagnostic.note(tu.path().toString(), l.line(), l.col(), message));
    }

    public void add(Diagnostic d) {
        all.add(d);
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    public List<Diagnostic> all() {
        return List.copyOf(all);
    }
}
