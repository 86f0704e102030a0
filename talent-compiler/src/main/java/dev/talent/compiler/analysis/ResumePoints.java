package dev.talent.compiler.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The resume points of a chain function in source order (a site at the head of a loop body comes before
 * the calls of the body's first statement); ids are given program-wide by the compiler.
 */
public final class ResumePoints {
    public static void collect(FunctionModel f) {
        record Ordered(int offset, int kind, int seq, Point p) {}
        List<Ordered> all = new ArrayList<>();
        int seq = 0;
        for (Site s : f.sites) {
            int off = s.pragma() != null ? s.pragma().start() : s.anchor().begin().offset();
            all.add(new Ordered(off, 0, seq++, Point.site(f, s, s.loop() != null ? s.loop() : s.anchor() != null ? s.anchor() : s.block())));
        }
        for (Hoist h : f.hoists) {
            for (int i = 0; i < h.calls().size(); i++) {
                all.add(new Ordered(h.anchor().begin().offset(), 1, seq++, Point.call(f, h, i)));
            }
        }
        all.sort(Comparator.comparingInt(Ordered::offset).thenComparingInt(Ordered::kind).thenComparingInt(Ordered::seq));
        f.points.clear();
        for (Ordered o : all) f.points.add(o.p());
    }
}
