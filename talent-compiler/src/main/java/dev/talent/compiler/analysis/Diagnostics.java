package dev.talent.compiler.analysis;

import dev.talent.compiler.Diagnostic;
import dev.talent.compiler.ast.LineMap;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import java.util.ArrayList;
import java.util.List;

/** Collects the diagnostics of one build; passes report here instead of throwing on the first problem. */
public final class Diagnostics {
    private final List<Diagnostic> all = new ArrayList<>();

    // Lines are those of the unit's text; messages name the file and line where they were written (a unit
    // with inlined project headers spans several files, see TranslationUnit.origin).

    public void error(TranslationUnit tu, Node n, String message, String remedy) {
        error(tu, n.position(), message, remedy);
    }

    public void error(TranslationUnit tu, SourceLoc l, String message, String remedy) {
        errorAtLine(tu, l.line(), l.col(), message, remedy);
    }

    public void errorAtLine(TranslationUnit tu, int line, int col, String message, String remedy) {
        LineMap.Origin o = tu.origin(line);
        all.add(Diagnostic.error(o.file(), o.line(), col, message, remedy));
    }

    public void warning(TranslationUnit tu, Node n, String message, String remedy) {
        SourceLoc l = n.position();
        warningAtLine(tu, l.line(), l.col(), message, remedy);
    }

    public void warningAtLine(TranslationUnit tu, int line, int col, String message, String remedy) {
        LineMap.Origin o = tu.origin(line);
        all.add(Diagnostic.warning(o.file(), o.line(), col, message, remedy));
    }

    public void note(TranslationUnit tu, Node n, String message) {
        SourceLoc l = n.position();
        LineMap.Origin o = tu.origin(l.line());
        all.add(Diagnostic.note(o.file(), o.line(), l.col(), message));
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
