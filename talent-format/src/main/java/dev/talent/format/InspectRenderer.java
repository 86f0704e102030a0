package dev.talent.format;

import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * Renders a checkpoint for {@code talent inspect}: {@link #text} for people, {@link #json} for machines. Both show
 * the header, every frame outermost first with its variables, the globals and the heap blocks; pointers are shown
 * as C-like expressions that follow the pointer's path ({@code &grid[3].x}, {@code &frame#1:count},
 * {@code &heap#12[3].next}, {@code "text"+2}, {@code stdout}, {@code NULL}). A heap block shows its id, element type,
 * element count, untyped flag, tail bytes and allocation site.
 */
public final class InspectRenderer {
    private InspectRenderer() {}

    /**
     * Human-readable text. Long arrays are cut short (after 16 scalars or 4 aggregates, with the element count) and
     * char arrays shown as string literals; the JSON form has every element.
     */
    public static String text(Checkpoint checkpoint) {
        Meta m = checkpoint.meta();
        ValueText values = new ValueText(checkpoint);
        StringBuilder sb = new StringBuilder();
        sb.append("checkpoint of ").append(m.program()).append('\n');
        line(sb, "fingerprint", m.fingerprint());
        line(sb, "written on", m.platform() + " (" + m.pointerBits() + "-bit pointers, "
                + (m.bigEndian() ? "big" : "little") + "-endian)");
        line(sb, "taken at", "point " + m.point() + " in " + m.function() + "() at " + m.pointPos());
        line(sb, "time", DateTimeFormatter.ISO_INSTANT.format(m.time()));
        line(sb, "sequence", Long.toUnsignedString(m.sequence()));
        line(sb, "reason", m.reason());
        line(sb, "visits", Long.toUnsignedString(m.visits()));
        line(sb, "argv", m.argv().stream().map(a -> ValueText.quote(a.toByteArray(), 0)).collect(Collectors.joining(" ")));

        sb.append("\nframes (outermost first):\n");
        for (int i = 0; i < checkpoint.frames().size(); i++) {
            Frame f = checkpoint.frames().get(i);
            sb.append('#').append(i).append(' ').append(f.function()).append("() at ").append(f.pointPos())
                    .append("  [point ").append(f.point()).append("]\n");
            for (FrameVar v : f.vars()) {
                variable(sb, v.name(), v.type(), v.value(), v.declPos(), checkpoint, values);
            }
        }

        sb.append("\nglobals:").append(checkpoint.globals().isEmpty() ? " none\n" : "\n");
        for (GlobalVar g : checkpoint.globals()) {
            variable(sb, g.name(), g.type(), g.value(), g.name().equals(g.key()) ? g.declPos() : g.key() + ", " + g.declPos(),
                    checkpoint, values);
        }

        int blocks = checkpoint.heap().size();
        sb.append("\nheap:").append(blocks == 0 ? " no blocks\n" : " " + blocks + (blocks == 1 ? " block\n" : " blocks\n"));
        for (HeapBlock b : checkpoint.heap()) heapBlock(sb, b, checkpoint, values);
        return sb.toString();
    }

    /**
     * One heap block: {@code heap#<id> : <count> x <element type>[, untyped][ + <n> tail bytes] = <contents>
     * (allocated at <position>)}. Untyped blocks and tails are raw memory, so they are shown as hex bytes.
     */
    private static void heapBlock(StringBuilder sb, HeapBlock b, Checkpoint checkpoint, ValueText values) {
        TypeDesc element = checkpoint.type(b.elementType());
        int count = b.elements().size();
        sb.append("    heap#").append(b.blockId()).append(" : ").append(count).append(" x ").append(element.name());
        if (b.untyped()) sb.append(", untyped");
        if (b.tail().length() > 0) sb.append(" + ").append(b.tail().length()).append(" tail bytes");
        sb.append(" = ");
        if (b.untyped()) {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++) {
                bytes[i] = ((Value.IntValue) b.elements().get(i)).value().byteValue();
            }
            sb.append(ValueText.hexBytes(bytes));
        } else {
            sb.append(values.array(new TypeDesc.ArrayT(element.name() + "[" + count + "]", 0, b.elementType(), count),
                    b.elements()));
        }
        if (b.tail().length() > 0) sb.append(" + tail ").append(ValueText.hexBytes(b.tail().toByteArray()));
        sb.append("   (allocated at ").append(b.allocPos()).append(")\n");
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append("  ").append(label).append(" ".repeat(Math.max(1, 13 - label.length()))).append(value).append('\n');
    }

    private static void variable(StringBuilder sb, String name, int type, Value value, String where,
                                 Checkpoint checkpoint, ValueText values) {
        sb.append("    ").append(name).append(" : ").append(checkpoint.type(type).name()).append(" = ")
                .append(values.value(type, value)).append("   (").append(where).append(")\n");
    }

    /** A stable, complete JSON document (pretty-printed) with the same content as {@link #text}. */
    public static String json(Checkpoint checkpoint) {
        return new InspectJson(checkpoint).document();
    }
}
