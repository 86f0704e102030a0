package dev.talent.compiler.analysis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** A control-flow graph of one function at statement/condition granularity; bits are variable ids. */
public final class Cfg {
    public static final class Block {
        public final int index;
        public final BitSet use = new BitSet();
        public final BitSet kill = new BitSet();
        public final List<Integer> succ = new ArrayList<>();
        public Point point;
        public String label;

        Block(int index) {
            this.index = index;
        }

        @Override
        public String toString() {
            return index + (label == null ? "" : "(" + label + ")") + " use=" + use + " kill=" + kill + " -> " + succ;
        }
    }

    public final List<Block> blocks = new ArrayList<>();
    public int entry;
    public int exit;

    Block newBlock(String label) {
        Block b = new Block(blocks.size());
        b.label = label;
        blocks.add(b);
        return b;
    }

    public Block block(int i) {
        return blocks.get(i);
    }
}
