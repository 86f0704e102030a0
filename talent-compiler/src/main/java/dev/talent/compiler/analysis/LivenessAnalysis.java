package dev.talent.compiler.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/** Backward dataflow over a {@link Cfg}: the variables live on entry to each block. */
public final class LivenessAnalysis {
    public static BitSet[] liveIn(Cfg cfg) {
        int n = cfg.blocks.size();
        BitSet[] in = new BitSet[n];
        List<List<Integer>> preds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            in[i] = new BitSet();
            preds.add(new ArrayList<>());
        }
        for (Cfg.Block b : cfg.blocks) for (int s : b.succ) preds.get(s).add(b.index);
        Deque<Integer> work = new ArrayDeque<>();
        for (int i = n - 1; i >= 0; i--) work.add(i);
        boolean[] queued = new boolean[n];
        java.util.Arrays.fill(queued, true);
        while (!work.isEmpty()) {
            int i = work.poll();
            queued[i] = false;
            Cfg.Block b = cfg.block(i);
            BitSet out = new BitSet();
            for (int s : b.succ) out.or(in[s]);
            out.andNot(b.kill);
            out.or(b.use);
            if (!out.equals(in[i])) {
                in[i] = out;
                for (int p : preds.get(i)) {
                    if (!queued[p]) {
                        queued[p] = true;
                        work.add(p);
                    }
                }
            }
        }
        return in;
    }
}
