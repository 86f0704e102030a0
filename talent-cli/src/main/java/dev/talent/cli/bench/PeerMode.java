package dev.talent.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the peer of {@code talent bench network} talks to the app: {@code stream} sends a request every 1 ms without
 * waiting for the answers (what it sends after a lost segment makes the app's TCP repair the loss at once);
 * {@code request-reply} sends a request, waits for its whole answer, checks it and sends the next (1 ms after the
 * one before at the earliest), as curl or an RPC client do: a request lost at the network lock waits for the peer's
 * retransmission timer.
 */
enum PeerMode {
    STREAM("stream"),
    REQUEST_REPLY("request-reply");

    private final String label;

    PeerMode(String label) { this.label = label; }

    /** The name on the command line and in the report. */
    String label() { return label; }

    /** The mode named {@code name} (its label, any case, surrounding blanks ignored). */
    static PeerMode parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (PeerMode m : values()) {
            if (m.label.equals(n)) return m;
        }
        throw new IllegalArgumentException("unknown peer '" + name + "': use stream or request-reply");
    }

    /** The modes of a comma-separated list, each once, in the order first named; "both" names the two. */
    static List<PeerMode> parseList(String list) {
        List<PeerMode> out = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            List<PeerMode> named = part.strip().equalsIgnoreCase("both") ? List.of(values()) : List.of(parse(part));
            for (PeerMode m : named) {
                if (!out.contains(m)) out.add(m);
            }
        }
        return List.copyOf(out);
    }
}
