package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Ast;
import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.SourceLoc;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;
import java.util.List;

/**
 * The user's {@code main} becomes {@code talent_user_main} (the runtime's main calls it): its definition or
 * declaration in the main file and every reference to it written outside a macro.
 *
 * <p>The rename would make {@code __func__}, {@code __FUNCTION__} and {@code __PRETTY_FUNCTION__} in main's body
 * name {@code talent_user_main}. The emitted text still holds the C library's macros unexpanded ({@code assert}
 * expands to {@code __PRETTY_FUNCTION__} or {@code __func__} only in gcc's preprocessor), so rewriting the
 * tokens of the text cannot reach every use: instead, when main's body uses one of them, the body is framed by
 * {@code #define}s of the three names to {@code "main"} and their {@code #undef}s, each followed by a
 * {@code #line} that gives the rest of the text its original line numbers.
 */
final class MainRename {
    static final String USER_MAIN = "talent_user_main";

    private final TranslationUnit tu;
    private final RewritePlan plan;

    MainRename(TranslationUnit tu, RewritePlan plan) {
        this.tu = tu;
        this.plan = plan;
    }

    void emit() {
        tu.root().walk(n -> {
            if (n.is("FunctionDecl") && n.name().equals("main") && tu.inMainFile(n.loc()) && !n.loc().inMacro()) {
                plan.replace(n.loc().offset(), n.loc().endOffset(), USER_MAIN);
                nameTheBody(n);
                returnZeroAtTheEnd(n);
            } else if (isReferenceToMain(n) && tu.isMacroFree(n)) {
                plan.replace(n.begin().offset(), n.begin().endOffset(), USER_MAIN);
            }
        });
    }

    /**
     * Reaching the closing brace of main returns 0 (C99 5.1.2.2.3) but not of talent_user_main, an ordinary function
     * whose value would then be whatever its register held (a printf's count): main's body returning int ends with
     * {@code return 0;} before its brace unless its last statement is a return.
     */
    private void returnZeroAtTheEnd(Node main) {
        Node body = main.inner().isEmpty() ? null : main.inner().getLast();
        if (body == null || !body.is("CompoundStmt") || body.end() == null || body.end().inMacro()) return;
        if (!body.inner().isEmpty() && body.inner().getLast().is("ReturnStmt")) return;
        String type = main.qualType().replace(" ", "");
        if (!type.startsWith("int(")) return;
        plan.insert(body.end().offset(), " return 0; ", RewritePlan.Rank.DEFAULT);
    }

    private static final List<String> FUNCTION_NAMES = List.of("__func__", "__FUNCTION__", "__PRETTY_FUNCTION__");

    /** Frames main's body, when it uses a function-name identifier, by definitions of them to "main". */
    private void nameTheBody(Node main) {
        Node body = framedBody(tu, main);
        if (body == null) return;
        StringBuilder open = new StringBuilder().append('\n');
        StringBuilder close = new StringBuilder().append('\n');
        for (String name : FUNCTION_NAMES) {
            open.append("#define ").append(name).append(" \"main\"\n");
            close.append("#undef ").append(name).append('\n');
        }
        plan.insert(body.begin().offset() + 1, open.append(lineDirective(body.begin())).toString(), RewritePlan.Rank.HEADER);
        plan.insert(body.end().offset() + 1, close.append(lineDirective(body.end())).toString(), RewritePlan.Rank.HEADER);
    }

    /**
     * The body of {@code main} (a FunctionDecl named main, in the main file) that {@link #emit} frames by definitions
     * of the function names to {@code "main"}, or null: UnitTables lists the literal {@code "main"} then, so that a
     * pointer kept to main's {@code __func__} is carried as that literal.
     */
    static Node framedBody(TranslationUnit tu, Node main) {
        Node body = main.inner().isEmpty() ? null : main.inner().getLast();
        if (body == null || !body.is("CompoundStmt") || !tu.isMacroFree(body) || !usesFunctionName(body)) return null;
        return body;
    }

    /** The #line that gives the text after {@code at} (on its line) that line's original number. */
    private String lineDirective(SourceLoc at) {
        return lineDirective(tu, at);
    }

    /** The #line that gives the text after {@code at} (on its line) that line's original number. */
    static String lineDirective(TranslationUnit tu, SourceLoc at) {
        int line = tu.lines().isIdentity() ? at.line() : tu.origin(at.line()).line();
        return "#line " + line + "\n";
    }

    private static boolean usesFunctionName(Node body) {
        boolean[] found = {false};
        body.walk(n -> {
            if (n.is("PredefinedExpr")) found[0] = true;
        });
        return found[0];
    }

    private static boolean isReferenceToMain(Node n) {
        return Ast.isFunctionRef(n)
                && n.referencedDecl().path("name").asText().equals("main");
    }
}
