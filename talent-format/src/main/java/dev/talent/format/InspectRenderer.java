package dev.talent.format;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders a checkpoint for {@code talent inspect}: {@link #text} for people, {@link #json} for machines. Both show
 * the header, every frame outermost first with its variables, the globals and the heap blocks; pointers are shown
 * as C-like expressions that follow the pointer's path ({@code &grid[3].x}, {@code &frame#1:count},
 * {@code &heap#12[3].next}, {@code "text"+2}, {@code stdout}, {@code NULL}). A heap block shows its id, element type,
 * element count, untyped flag, tail bytes and allocation site. Open files (the {@code FILE} section) are listed last,
 * a {@code FILE *} the program opened is shown as {@code stream#<entry> (<file name>, <mode>)}, then the epoll
 * instances (the {@code EPOL} section) with their registrations; the remaining time of an interrupted sleep is
 * shown in the header.
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
        sb.append("checkpoint of ").append(safe(m.program())).append('\n');
        line(sb, "fingerprint", safe(m.fingerprint()));
        line(sb, "written on", safe(m.platform()) + " (" + m.pointerBits() + "-bit pointers, "
                + (m.bigEndian() ? "big" : "little") + "-endian)");
        line(sb, "taken at", "point " + m.point() + " in " + safe(m.function()) + "() at " + safe(m.pointPos()));
        line(sb, "time", DateTimeFormatter.ISO_INSTANT.format(m.time()));
        line(sb, "sequence", Long.toUnsignedString(m.sequence()));
        line(sb, "reason", safe(m.reason()));
        line(sb, "visits", Long.toUnsignedString(m.visits()));
        line(sb, "argv", m.argv().stream().map(a -> ValueText.quote(a.toByteArray(), 0)).collect(Collectors.joining(" ")));
        PendingWait wait = checkpoint.pendingWait();
        line(sb, "pending wait", wait.interrupted()
                ? seconds(wait.remainingNanos()) + " s remaining of an interrupted sleep ("
                        + Long.toUnsignedString(wait.remainingNanos()) + " ns)"
                : "none");
        line(sb, "errno", ErrnoNames.text(checkpoint.errno()));

        sb.append("\nframes (outermost first):\n");
        for (int i = 0; i < checkpoint.frames().size(); i++) {
            Frame f = checkpoint.frames().get(i);
            sb.append('#').append(i).append(' ').append(safe(f.function())).append("() at ").append(safe(f.pointPos()))
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

        List<OpenFile> files = checkpoint.files();
        sb.append("\nopen files:").append(files.isEmpty() ? " none\n" : " " + files.size() + "\n");
        for (int i = 0; i < files.size(); i++) openFile(sb, i, files, checkpoint);

        // only when the file has the optional EPOL section (a program without epoll instances has none)
        List<EventPoll> epoll = checkpoint.epoll();
        if (!epoll.isEmpty()) sb.append("\nepoll instances: ").append(epoll.size()).append('\n');
        for (EventPoll e : epoll) eventPoll(sb, e, values);
        // only when the file has the optional SIGS section (the program changed no disposition: none)
        List<SignalDisposition> signals = checkpoint.signals();
        if (!signals.isEmpty()) sb.append("\nsignal dispositions: ").append(signals.size()).append('\n');
        for (SignalDisposition d : signals) signal(sb, d);
        environment(sb, checkpoint.environment());
        return sb.toString();
    }

    /** One SIGS entry: {@code signal 15: handler on_term(), SA_RESTART, mask {1, 2, SIGRTMIN+3}}; handler names are C identifiers. */
    private static void signal(StringBuilder sb, SignalDisposition d) {
        sb.append("    signal ").append(d.signal()).append(": ");
        if (d.ignored()) {
            sb.append("ignored\n");
            return;
        }
        sb.append("handler ").append(d.handler()).append("()");
        String[] names = {"SA_RESTART", "SA_SIGINFO", "SA_NODEFER", "SA_RESETHAND"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((d.flags() & (1 << bit)) != 0) sb.append(", ").append(names[bit]);
        }
        if (d.mask() != 0) sb.append(", mask ").append(SignalSet.text(d.mask()));
        sb.append('\n');
    }

    /**
     * The {@code ENVI} section, only when the file has one: {@code environment changed by the program: N variables,
     * M locale categories}, then {@code set NAME="value"} / {@code unset NAME} and {@code locale LC_X NAME} lines.
     */
    private static void environment(StringBuilder sb, EnvironmentChanges env) {
        if (env.isEmpty()) return;
        sb.append("\nenvironment changed by the program: ").append(env.variables().size()).append(" variables, ")
                .append(env.locales().size()).append(" locale categories\n");
        for (EnvironmentChanges.Variable v : env.variables()) {
            String name = SafeText.escape(v.name().toByteArray());
            sb.append("  ").append(v.value().map(val -> "set " + name + "=" + ValueText.quote(val.toByteArray(), 0))
                    .orElse("unset " + name)).append('\n');
        }
        for (EnvironmentChanges.LocaleSetting l : env.locales()) {
            sb.append("  locale ").append(EnvironmentChanges.categoryName(l.category())).append(' ')
                    .append(SafeText.escape(l.name())).append('\n');
        }
    }

    /**
     * One {@code EPOL} instance: {@code instance fd <n>[, close-on-exec][, also at fd <m>[ (close-on-exec)], fd ...],
     * <k> registrations} (its other descriptors from {@code EDUP}), then one line per
     * registration: {@code fd <n> <EPOLLIN|EPOLLET...>[, disarmed], data.<member> <value>}. Numbers and pointers
     * only: nothing of it is text from the program but what a pointer names (escaped by {@link ValueText}).
     */
    private static void eventPoll(StringBuilder sb, EventPoll e, ValueText values) {
        int n = e.registrations().size();
        sb.append("    instance fd ").append(e.fd());
        if ((e.flags() & RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0) sb.append(", close-on-exec");
        String also = ", also at ";
        for (EventPoll.Copy c : e.copies()) {
            sb.append(also).append("fd ").append(c.fd());
            if ((c.flags() & RuntimeContract.EPOLL_FLAG_CLOEXEC) != 0) sb.append(" (close-on-exec)");
            also = ", ";
        }
        sb.append(", ").append(n == 0 ? "no" : Integer.toString(n)).append(n == 1 ? " registration\n" : " registrations\n");
        for (EventPoll.Registration r : e.registrations()) {
            sb.append("        fd ").append(r.fd()).append(' ').append(EpollEvents.text(r.events()));
            if ((r.flags() & RuntimeContract.EPOLL_REG_DISARMED) != 0) sb.append(", disarmed (EPOLLONESHOT fired)");
            sb.append(", ").append(switch (r.data()) {
                case EventPoll.Int32 x -> "data.fd/u32 " + x.value();
                case EventPoll.U64 x -> "data.u64 " + Long.toUnsignedString(x.value())
                        + " (0x" + Long.toHexString(x.value()) + ")";
                case EventPoll.Pointer x -> "data.ptr " + values.pointer(x.value());
            }).append('\n');
        }
    }

    /**
     * One {@code FILE} entry: {@code #<entry> fd <n> <kind> <path>, mode <m>, <access>[, <flags>], offset <o>,
     * size <s>[, shares its description with fd ...]   (site: <site>)}; fields the kind does not use are left out.
     */
    private static void openFile(StringBuilder sb, int index, List<OpenFile> files, Checkpoint checkpoint) {
        OpenFile f = files.get(index);
        java.util.Optional<SocketOptions> sopt = checkpoint.socketOptions(f.fd());
        sb.append("    #").append(index).append(' ');
        List<String> parts = new ArrayList<>();
        switch (f.kind()) {
            case STDIN_POSITION -> sb.append("stdin position");
            case STANDARD_COPY -> sb.append("fd ").append(f.fd()).append(" copy of ")
                    .append(standardDescriptor(f.stdSource()));
            default -> sb.append("fd ").append(f.fd()).append(' ').append(f.kind().label()).append(' ')
                    .append(ValueText.quote(f.path().toByteArray(), 0));
        }
        if (f.kind() == OpenFile.Kind.STREAM) parts.add("mode " + safe(f.mode()));
        parts.add(f.access().label());
        if ((f.flags() & OpenFile.APPEND) != 0) parts.add("append");
        if ((f.flags() & OpenFile.CLOSE_ON_EXEC) != 0) parts.add("close-on-exec");
        if ((f.flags() & OpenFile.NONBLOCK) != 0) parts.add("non-blocking");
        if ((f.flags() & OpenFile.V6ONLY) != 0) parts.add("IPv6 only");
        if ((f.flags() & OpenFile.REUSEPORT) != 0) parts.add("port shared (SO_REUSEPORT)");
        if ((f.flags() & OpenFile.CONTENTS) != 0) {
            parts.add("no name, contents carried (TMPF)" + checkpoint.fileContents(f.description())
                    .map(c -> ": " + c.length() + " bytes, sha256 " + c.sha256()).orElse(""));
        }
        boolean socket = f.kind() == OpenFile.Kind.LISTENING_SOCKET || f.kind() == OpenFile.Kind.TCP_CONNECTION;
        List<SocketOptions.Option> options = List.of();
        if (socket) {
            // the SOPT entry of the socket (the reader checked it against this entry's options flag)
            if (f.kind() == OpenFile.Kind.LISTENING_SOCKET && f.path().toLenientString().startsWith("tcp")) {
                parts.add(sopt.flatMap(o -> o.backlog().isPresent() ? java.util.Optional.of(o.backlog().getAsInt()) : java.util.Optional.empty())
                        .map(b -> "backlog " + b).orElse("backlog unknown (listen() not seen), SOMAXCONN at restore"));
            }
            options = sopt.map(SocketOptions::options).orElse(List.of());
            if (!options.isEmpty()) parts.add(options.size() + (options.size() == 1 ? " option set (SOPT)" : " options set (SOPT)"));
            if ((f.flags() & OpenFile.OPTIONS) != 0 && sopt.isEmpty()) parts.add("options flag without an SOPT entry");
        }
        if (f.kind() == OpenFile.Kind.DESCRIPTOR || f.kind() == OpenFile.Kind.STREAM || f.kind() == OpenFile.Kind.STDIN_POSITION) {
            parts.add("offset " + Long.toUnsignedString(f.offset()));
            parts.add("size " + Long.toUnsignedString(f.size()));
        }
        List<String> sharing = new ArrayList<>();
        for (int j = 0; j < files.size(); j++) {
            OpenFile other = files.get(j);
            if (j != index && other.kind() != OpenFile.Kind.STDIN_POSITION && other.description() == f.description()) {
                sharing.add("fd " + other.fd());
            }
        }
        if (f.kind() != OpenFile.Kind.STDIN_POSITION && !sharing.isEmpty()) {
            parts.add("shares its description with " + String.join(", ", sharing));
        }
        sb.append(", ").append(String.join(", ", parts)).append("   (site: ").append(safe(f.site())).append(")\n");
        // one line per option the program set: its C name and value, as restored
        for (SocketOptions.Option o : options) sb.append("        ").append(o.name()).append(' ').append(o.valueText()).append('\n');
    }

    /** Nanoseconds (u64) as seconds with no trailing zeros, e.g. {@code 1.25}. */
    static String seconds(long nanos) {
        return new BigDecimal(new BigInteger(Long.toUnsignedString(nanos)), 9).stripTrailingZeros().toPlainString();
    }

    /**
     * One heap block: {@code heap#<id> : <count> x <element type>[, untyped[ (this byte order only)]][, trailing array][ + <n> tail bytes] = <contents>
     * (allocated at <position>)}. Untyped blocks and tails are raw memory, so they are shown as hex bytes.
     */
    private static void heapBlock(StringBuilder sb, HeapBlock b, Checkpoint checkpoint, ValueText values) {
        TypeDesc element = checkpoint.type(b.elementType());
        int count = b.elements().size();
        sb.append("    heap#").append(b.blockId()).append(" : ").append(count).append(" x ").append(safe(element.name()));
        if (b.untyped()) sb.append(b.byteOrderOnly() ? ", untyped (this byte order only)" : ", untyped");
        if (b.trailing()) sb.append(", trailing array");
        if (b.tail().length() > 0) sb.append(" + ").append(b.tail().length()).append(" tail bytes");
        sb.append(" = ");
        if (b.untyped()) {
            // only the bytes shown are decoded: a block may hold hundreds of megabytes
            byte[] bytes = new byte[Math.min(count, ValueText.STRING_CHARS_SHOWN)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = ((Value.IntValue) b.elements().get(i)).value().byteValue();
            }
            sb.append(ValueText.hexBytes(bytes, count));
        } else {
            sb.append(values.array(new TypeDesc.ArrayT(element.name() + "[" + count + "]", 0, b.elementType(), count),
                    b.elements()));
        }
        if (b.tail().length() > 0) sb.append(" + tail ").append(ValueText.hexBytes(b.tail().toByteArray()));
        sb.append("   (allocated at ").append(safe(b.allocPos())).append(")\n");
    }

    /** The name of standard descriptor {@code fd} (0, 1, 2; the reader refuses others), else its number. */
    private static String standardDescriptor(int fd) {
        return switch (fd) {
            case 0 -> "stdin";
            case 1 -> "stdout";
            case 2 -> "stderr";
            default -> "fd " + fd;
        };
    }

    /** Text from the checkpoint, with what a terminal would act on escaped ({@link SafeText}). */
    private static String safe(String s) {
        return SafeText.escape(s);
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append("  ").append(label).append(" ".repeat(Math.max(1, 13 - label.length()))).append(value).append('\n');
    }

    private static void variable(StringBuilder sb, String name, int type, Value value, String where,
                                 Checkpoint checkpoint, ValueText values) {
        sb.append("    ").append(safe(name)).append(" : ").append(safe(checkpoint.type(type).name())).append(" = ")
                .append(values.value(type, value)).append("   (").append(safe(where)).append(")\n");
    }

    /** A stable, complete JSON document (pretty-printed) with the same content as {@link #text}. */
    public static String json(Checkpoint checkpoint) {
        return new InspectJson(checkpoint).document();
    }

    /**
     * {@link #json} streamed to {@code out} (flushed, left open): memory stays bounded whatever the checkpoint's
     * size, large heap blocks included.
     */
    public static void writeJson(Checkpoint checkpoint, Writer out) throws IOException {
        new InspectJson(checkpoint).write(out);
    }
}
