package dev.talent.cli.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A compute kernel of {@code talent bench overhead}: a bundled C program whose only argument sets its size.
 * The defaults make each run about 0.3-0.6 s natively on the machines talent was measured on.
 *
 * @param defaultSize the size argument at scale 1
 * @param sizeExponent how the work grows with the size: 1 linear (steps, limit, rounds), 2 quadratic (grid side), 3 cubic
 *                     (matrix order), 0 exponential (a tree's depth: the work doubles with each level)
 * @param minimumSize the smallest size the program accepts
 */
public record Kernel(String name, long defaultSize, int sizeExponent, long minimumSize) {

    public static final List<Kernel> ALL = List.of(
            new Kernel("nbody", 2_500_000, 1, 1),
            new Kernel("spectral", 2400, 2, 1),
            new Kernel("sieve", 16_000_000, 1, 2),
            new Kernel("primes", 600, 1, 1),
            new Kernel("mandelbrot", 1600, 2, 1),
            // issue 11: allocation-heavy (millions of small blocks allocated and freed) ...
            new Kernel("bintrees", 15, 0, 6),
            new Kernel("list", 6_000_000, 1, 1),
            // ... and numeric kernels written as people write them: a declaration before the inner loop, a hot loop
            // in a function called once from main, a stencil over heap arrays
            new Kernel("matmul", 420, 3, 2),
            new Kernel("hash", 60_000_000, 1, 1),
            new Kernel("stencil", 900, 2, 4));

    public static Optional<Kernel> named(String name) {
        return ALL.stream().filter(k -> k.name.equals(name.strip().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String names() { return ALL.stream().map(Kernel::name).collect(Collectors.joining(", ")); }

    /** The resource holding the kernel's source, relative to this package. */
    public String resource() { return "kernels/" + name + ".c"; }

    /** The size argument that makes the work {@code scale} times the default work. */
    public long size(double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be positive, not " + scale);
        long size = sizeExponent == 0
                ? defaultSize + Math.round(Math.log(scale) / Math.log(2))
                : Math.round(defaultSize * Math.pow(scale, 1.0 / sizeExponent));
        return Math.max(minimumSize, size);
    }

    public List<String> arguments(double scale) { return List.of(Long.toString(size(scale))); }

    @Override
    public String toString() { return name; }

    static List<Kernel> parseList(List<String> names) {
        return names.stream().map(n -> named(n).orElseThrow(() -> new IllegalArgumentException(
                "unknown kernel '" + n + "'; known: " + names()))).distinct().toList();
    }
}
