package dev.talent.compiler.emit;

import dev.talent.compiler.ast.Node;
import dev.talent.compiler.ast.TranslationUnit;
import dev.talent.compiler.rewrite.RewritePlan;

/**
 * The user's {@code main} becomes {@code talent_user_main} (the runtime's main calls it): its definition or
 * declaration in the main file and every reference to it written outside a macro.
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
            } else if (isReferenceToMain(n) && tu.isMacroFree(n)) {
                plan.replace(n.begin().offset(), n.begin().endOffset(), USER_MAIN);
            }
        });
    }

    private static boolean isReferenceToMain(Node n) {
        return n.is("DeclRefExpr") && n.referencedDecl().path("kind").asText().equals("FunctionDecl")
                && n.referencedDecl().path("name").asText().equals("main");
    }
}
