package dev.talent.format;

import dev.talent.format.TypeDesc.ArrayT;
import dev.talent.format.TypeDesc.Compound;
import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.UInt;
import dev.talent.format.Value.ObjectRef;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders values and pointers of one checkpoint as C-like text for {@code talent inspect}. */
final class ValueText {
    /** Scalars shown before an array is cut short. */
    static final int SCALAR_ELEMENTS_SHOWN = 16;
    /** Aggregates shown before an array of them is cut short. */
    static final int AGGREGATE_ELEMENTS_SHOWN = 4;
    /** Characters of a string shown before it is cut short. */
    static final int STRING_CHARS_SHOWN = 64;

    private static final Pattern HEX_FLOAT =
            Pattern.compile("(-?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)");

    private final Checkpoint checkpoint;
    /** Name used for each global in pointers: its name, or its key when another global has the same name. */
    private final List<String> globalNames;

    ValueText(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        Map<String, Integer> uses = new HashMap<>();
        for (GlobalVar g : checkpoint.globals()) uses.merge(g.name(), 1, Integer::sum);
        this.globalNames = checkpoint.globals().stream()
                .map(g -> uses.get(g.name()) > 1 ? g.key() : g.name())
                .toList();
    }

    String value(int typeId, Value value) {
        StringBuilder sb = new StringBuilder();
        append(sb, typeId, value);
        return sb.toString();
    }

    private void append(StringBuilder sb, int typeId, Value value) {
        TypeDesc t = checkpoint.type(typeId);
        switch (value) {
            case Value.IntValue(BigInteger n) -> {
                sb.append(n);
                if (isChar(t) && n.intValue() >= 0x20 && n.intValue() < 0x7F) {
                    sb.append(" '").append(escape(n.intValue(), '\'')).append('\'');
                }
            }
            case Value.BoolValue(boolean b) -> sb.append(b);
            case Value.FloatValue f -> sb.append(floatText(f));
            case Value.LongDoubleValue(String hex) -> {
                sb.append(SafeText.escape(hex));
                approximateDecimal(hex).ifPresent(d -> sb.append(" (").append(d).append(')'));
            }
            case Value.PointerValue p -> sb.append(pointer(p));
            case Value.FunctionValue(String name) -> sb.append(name == null ? "NULL" : "&" + SafeText.escape(name));
            case Value.SignalConstant(String name) -> sb.append(name);
            case Value.ArrayValue(List<Value> elements) -> array(sb, (ArrayT) t, elements);
            case Value.StructValue(List<Value> fields) -> members(sb, ((Compound) t).fields(), fields);
            case Value.UnionValue(int member, Value first, boolean byteOrderBound) -> {
                List<Field> fields = ((Compound) t).fields();
                if (first == null) members(sb, fields, List.of());
                else members(sb, fields.subList(member, member + 1), List.of(first));
                if (byteOrderBound) sb.append(" (this byte order only)");
            }
        }
    }

    /** Elements of an array type (also used for heap blocks, which are arrays without a type id of their own). */
    String array(ArrayT t, List<Value> elements) {
        StringBuilder sb = new StringBuilder();
        array(sb, t, elements);
        return sb.toString();
    }

    private void array(StringBuilder sb, ArrayT t, List<Value> elements) {
        TypeDesc element = checkpoint.type(t.elementType());
        if (isChar(element)) {
            sb.append(charArray(elements));
            return;
        }
        boolean aggregate = element instanceof ArrayT || element instanceof Compound;
        int shown = aggregate ? AGGREGATE_ELEMENTS_SHOWN : SCALAR_ELEMENTS_SHOWN;
        sb.append('[');
        for (int i = 0; i < elements.size() && i < shown; i++) {
            if (i > 0) sb.append(", ");
            append(sb, t.elementType(), elements.get(i));
        }
        if (elements.size() > shown) sb.append(", ... (").append(elements.size()).append(" elements)");
        sb.append(']');
    }

    private void members(StringBuilder sb, List<Field> fields, List<Value> values) {
        if (values.isEmpty()) {
            sb.append("{ }");
            return;
        }
        sb.append("{ ");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(", ");
            Field f = fields.get(i);
            sb.append(f.name().isEmpty() ? "<anonymous>" : SafeText.escape(f.name())).append(" = ");
            append(sb, f.type(), values.get(i));
        }
        sb.append(" }");
    }

    /** A char array as a string literal: up to its NUL when only NULs follow, else every byte. */
    private static String charArray(List<Value> elements) {
        int length = elements.size();
        int firstNul = -1;
        for (int i = 0; i < length; i++) {
            if (charCode(elements.get(i)) == 0) { firstNul = i; break; }
        }
        int end = length;
        if (firstNul >= 0) {
            end = firstNul;
            for (int i = firstNul; i < length; i++) {
                if (charCode(elements.get(i)) != 0) {
                    end = length;
                    break;
                }
            }
            while (end > firstNul && charCode(elements.get(end - 1)) == 0) end--;
        }
        byte[] bytes = new byte[end];
        for (int i = 0; i < end; i++) bytes[i] = (byte) charCode(elements.get(i));
        String literal = quote(bytes, 0);
        return firstNul < 0 ? literal + " (no NUL)" : literal;
    }

    private static int charCode(Value v) {
        return ((Value.IntValue) v).value().intValue() & 0xFF;
    }

    static boolean isChar(TypeDesc t) {
        return switch (t) {
            case SInt s -> s.bits() == 8 && s.name().contains("char");
            case UInt u -> u.bits() == 8 && u.name().contains("char");
            default -> false;
        };
    }

    /** {@code bytes} from {@code offset} as a C string literal, cut after {@link #STRING_CHARS_SHOWN} bytes. */
    static String quote(byte[] bytes, int offset) {
        StringBuilder sb = new StringBuilder("\"");
        int end = Math.min(bytes.length, offset + STRING_CHARS_SHOWN);
        for (int i = offset; i < end; i++) sb.append(escape(bytes[i] & 0xFF, '"'));
        sb.append('"');
        if (bytes.length > end) sb.append("... (").append(bytes.length - offset).append(" bytes)");
        return sb.toString();
    }

    /** Raw bytes as hex, e.g. {@code {01 02 ff}}, cut after {@link #STRING_CHARS_SHOWN} bytes with the total. */
    static String hexBytes(byte[] bytes) {
        return hexBytes(bytes, bytes.length);
    }

    /** The same for the first bytes of {@code total} (the caller need not copy more than are shown). */
    static String hexBytes(byte[] bytes, long total) {
        StringBuilder sb = new StringBuilder("{");
        int shown = Math.min(bytes.length, STRING_CHARS_SHOWN);
        for (int i = 0; i < shown; i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        if (total > shown) sb.append(" ... (").append(total).append(" bytes)");
        return sb.append('}').toString();
    }

    private static String escape(int b, char quote) {
        return switch (b) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\\' -> "\\\\";
            case 0 -> "\\0";
            default -> b == quote ? "\\" + quote
                    : b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b);
        };
    }

    static String floatText(Value.FloatValue f) {
        double d = f.asDouble();
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return f.width() == 32 ? Float.toString((float) d) : Double.toString(d);
    }

    /** The exact value of a {@code %La} string rounded to 21 significant digits, when it is a finite number. */
    static Optional<String> approximateDecimal(String hex) {
        Matcher m = HEX_FLOAT.matcher(hex);
        if (!m.matches()) return Optional.empty();
        String fraction = m.group(3) == null ? "" : m.group(3);
        String digits = m.group(2) + fraction;
        if (digits.isEmpty()) return Optional.empty();
        long exponent = Long.parseLong(m.group(4)) - 4L * fraction.length();
        if (Math.abs(exponent) > 17_000) return Optional.empty();
        BigInteger mantissa = new BigInteger(digits, 16);
        BigDecimal exact = exponent >= 0
                ? new BigDecimal(mantissa.shiftLeft((int) exponent))
                : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow((int) -exponent)), (int) -exponent);
        if (!m.group(1).isEmpty()) exact = exact.negate();
        return Optional.of(exact.round(new MathContext(21)).stripTrailingZeros().toString());
    }

    String pointer(Value.PointerValue p) {
        return switch (p) {
            case Value.NullPointer n -> "NULL";
            case Value.Indeterminate n -> "(indeterminate)";
            case Value.StdStream s -> s.stream().name().toLowerCase(Locale.ROOT);
            case Value.OpenStream(int index) -> {
                if (index >= checkpoint.files().size()) yield "stream#" + index; // only in a model built by hand
                OpenFile f = checkpoint.files().get(index);
                yield "stream#" + index + " (" + fileName(f.path()) + ", " + SafeText.escape(f.mode()) + ")";
            }
            case Value.StringConstant(int index, long offset) -> {
                byte[] bytes = checkpoint.strings().get(index).toByteArray();
                yield quote(bytes, 0) + (offset == 0 ? "" : "+" + Long.toUnsignedString(offset));
            }
            case ObjectRef ref -> objectRef(ref);
            case Value.Boundary bd -> objectRef(bd.start()) + " or " + objectRef(bd.end());
            case Value.Below bl -> objectRef(bl.element()) + " - " + Long.toUnsignedString(bl.count());
            case Value.KeptNumber n -> "(void *)" + n.value();
        };
    }

    /** The last component of a path, for short labels (escaped: {@link SafeText#escape(byte[])}). */
    static String fileName(ByteString path) {
        byte[] bytes = path.toByteArray();
        int start = 0;
        for (int i = 0; i < bytes.length - 1; i++) if (bytes[i] == '/') start = i + 1;
        return SafeText.escape(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    }

    private String objectRef(ObjectRef ref) {
        StringBuilder target = new StringBuilder();
        Integer typeId = null;
        List<Long> path = ref.path();
        int start = 0;
        switch (ref.kind()) {
            case GLOBAL -> {
                target.append(SafeText.escape(globalNames.get((int) ref.a())));
                typeId = checkpoint.globals().get((int) ref.a()).type();
            }
            case FRAME_VARIABLE -> {
                Frame frame = checkpoint.frames().get((int) ref.a());
                FrameVar var = frame.var(ref.b()).orElseThrow();
                target.append("frame#").append(ref.a()).append(':').append(SafeText.escape(var.name()));
                typeId = var.type();
            }
            case HEAP_BLOCK -> {
                target.append("heap#").append(ref.a());
                if (!path.isEmpty()) {
                    target.append('[').append(Long.toUnsignedString(path.getFirst())).append(']');
                    typeId = checkpoint.heapBlock(ref.a()).orElseThrow().elementType();
                    start = 1;
                }
            }
            case ARGV_ARRAY -> {
                target.append("argv");
                if (!path.isEmpty()) {
                    target.append('[').append(path.getFirst()).append(']');
                    start = 1;
                }
            }
            case ARGV_STRING -> {
                if (path.isEmpty()) {
                    return "argv[" + ref.a() + "]" + (ref.byteOffset() == 0 ? "" : " + " + ref.byteOffset());
                }
                target.append("argv[").append(ref.a()).append("][").append(path.getFirst()).append(']');
                start = 1;
            }
        }
        for (int i = start; i < path.size() && typeId != null; i++) {
            long step = path.get(i);
            switch (checkpoint.type(typeId)) {
                case ArrayT a -> {
                    target.append('[').append(Long.toUnsignedString(step)).append(']');
                    typeId = a.elementType();
                }
                case Compound c -> {
                    Field f = c.fields().get((int) step);
                    target.append('.').append(f.name().isEmpty() ? "<anonymous#" + step + ">" : SafeText.escape(f.name()));
                    typeId = f.type();
                }
                default -> typeId = null;
            }
        }
        String address = "&" + target;
        return ref.byteOffset() == 0 ? address : "(char *)" + address + " + " + Long.toUnsignedString(ref.byteOffset());
    }
}
