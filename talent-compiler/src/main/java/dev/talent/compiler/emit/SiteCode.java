package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.FunctionModel;
import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.ast.CType;
import dev.talent.compiler.ast.CTypeParser;

/**
 * The code of a point (docs/CODEGEN.md "A site"), on one line: a site's test of talent_pending, the unwind check
 * after a chain call, and the resume label both restore through. Only text: the emitters place it.
 */
final class SiteCode {
    private final FrameCode frames;
    private final ResumeCopies resumeCopies;

    SiteCode(FrameCode frames, ResumeCopies resumeCopies) {
        this.frames = frames;
        this.resumeCopies = resumeCopies;
    }

    /** The code of a site at point p. */
    String site(FunctionModel f, Point p) {
        return "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(" + p.id + ")) { "
                + frames.save(f, p) + "talent_frame_end(); " + returnDummy(f) + " } " + restoreLabel(p) + "}";
    }

    /** The resume label of p, as a marker that {@link ResumeCopies} later puts in place or into a resume copy. */
    String restoreLabel(Point p) {
        return resumeCopies.marker(p.id, "if (0) { __talent_r" + p.id + ": ; " + frames.restore(p) + "talent_frame_restored(); "
                + SetjmpRearm.code(p) + "} ");
    }

    /** After a chain call: while unwinding, save the frame and return. */
    String unwindCheck(FunctionModel f, Point p) {
        return "if (__builtin_expect(talent_unwinding, 0)) { " + frames.save(f, p) + "talent_frame_end(); "
                + returnDummy(f) + " } ";
    }

    private static String returnDummy(FunctionModel f) {
        return returnsVoid(f) ? "return;" : "return __talent_zret;";
    }

    static boolean returnsVoid(FunctionModel f) {
        try {
            CType t = CTypeParser.parse(f.decl.qualType());
            return t instanceof CType.Function fn && fn.ret() instanceof CType.Builtin b && b.name().equals("void");
        } catch (RuntimeException e) {
            return f.decl.qualType().startsWith("void ");
        }
    }
}
