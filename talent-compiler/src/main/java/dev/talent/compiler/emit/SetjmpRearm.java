package dev.talent.compiler.emit;

import dev.talent.compiler.analysis.Point;
import dev.talent.compiler.analysis.SetjmpSites;
import java.util.List;

/**
 * The code a resume point runs after its frame is restored, before it descends into the resumed call: each
 * setjmp site of the function that had been executed (and whose buffer may still be alive here) is executed
 * again, on the rebuilt stack, in the order the sites were first armed (a buffer armed twice keeps the later
 * site), so that a later longjmp returns to this frame; a non-zero return goes to the site's label, where the
 * original call would have returned it (docs/CODEGEN.md "setjmp and longjmp").
 */
public final class SetjmpRearm {
    private SetjmpRearm() {}

    public static String code(Point p) {
        // the site at a recursive function's entry (RecursionSites): no setjmp of this activation has run yet, and its
        // code comes before the declarations of the function's setjmp variables
        if (p.function.body != null && p.scopeOffset <= p.function.body.begin().offset() + 1) return "";
        List<SetjmpSites.Site> sites = p.function.setjmps.stream().filter(s -> s.armableAt(p.scopeOffset)).toList();
        if (sites.isEmpty()) return "";
        if (sites.size() == 1) {
            SetjmpSites.Site s = sites.getFirst();
            return "if (__talent_sja_" + s.k() + " && talent_sj_valid(__talent_sjb_" + s.k() + ")) { " + rearm(s) + "} ";
        }
        StringBuilder sb = new StringBuilder("{ unsigned long __talent_sjq = 0; for (;;) { int __talent_sjw = 0; unsigned long __talent_sjx = 0; ");
        for (SetjmpSites.Site s : sites) {
            String a = "__talent_sja_" + s.k();
            sb.append("if (").append(a).append(" > __talent_sjq && (!__talent_sjw || ").append(a).append(" < __talent_sjx)) { __talent_sjw = ")
                    .append(s.k()).append("; __talent_sjx = ").append(a).append("; } ");
        }
        sb.append("if (!__talent_sjw) break; __talent_sjq = __talent_sjx; ");
        for (SetjmpSites.Site s : sites) {
            sb.append("if (__talent_sjw == ").append(s.k()).append(" && talent_sj_valid(__talent_sjb_").append(s.k()).append(")) { ")
                    .append(rearm(s)).append("} ");
        }
        return sb.append("} } ").toString();
    }

    private static String rearm(SetjmpSites.Site s) {
        int k = s.k();
        String v = "__talent_sjv_" + k;
        if (!s.sig()) {
            return v + " = " + s.name() + "(__talent_sjb_" + k + "); if (" + v + ") goto __talent_sjl_" + k + "; ";
        }
        // the mask sigsetjmp saves is the one of the original call, not the restored process's
        String m = "__talent_sjs_" + k;
        return "{ unsigned long long __talent_sjo = talent_sj_mask_swap(__talent_sjm_" + k + ", " + m + "); " + v + " = " + s.name()
                + "(__talent_sjb_" + k + ", " + m + "); if (" + v + ") goto __talent_sjl_" + k + "; talent_sj_mask_swap(__talent_sjo, "
                + m + "); } ";
    }
}
