package dev.talent.container;

/** An IPv4 address as its 32-bit value (network order: the first byte is the most significant). */
public record Ipv4(int value) {

    /** Parses dotted-quad notation, strictly (four decimal numbers 0-255, no leading zeros, nothing else). */
    public static Ipv4 parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (a.b.c.d)");
        int v = 0;
        for (String p : parts) {
            if (!p.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(p) > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (a.b.c.d)");
            }
            v = (v << 8) | Integer.parseInt(p);
        }
        return new Ipv4(v);
    }

    /** The locally administered MAC address talent gives the app with this address: 02:54 + the four bytes. */
    public String mac() {
        return String.format("02:54:%02x:%02x:%02x:%02x", (value >>> 24) & 0xff, (value >>> 16) & 0xff,
                (value >>> 8) & 0xff, value & 0xff);
    }

    @Override
    public String toString() {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
