package dev.talent.compiler;

import dev.talent.compiler.ast.ClangAstLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The macros whose value depends on the target ISA: a conditional of the program that tests one of them
 * cannot be decided once for the five ISAs (the program is then preprocessed per ISA: PerIsaCompilation). They are the macros clang predefines
 * differently for the five targets (or for one only: {@code __x86_64__}, {@code __SIZEOF_LONG_DOUBLE__},
 * {@code __BYTE_ORDER__}, ...) and the C library's macros derived from the word size, the byte order or the
 * {@code long double} format.
 */
final class TargetMacros {
    /** The five ISAs talent builds for, as clang triples. */
    static final List<String> TRIPLES =
            List.of("x86_64-linux-gnu", "aarch64-linux-gnu", "s390x-linux-gnu", "riscv64-linux-gnu", "i686-linux-gnu");

    /** glibc's macros whose value differs between the five ISAs (LP64 against ILP32, byte order, long double, wchar_t). */
    static final Set<String> LIBRARY = Set.of(
            "__WORDSIZE", "__WORDSIZE_TIME64_COMPAT32", "__SYSCALL_WORDSIZE", "__TIMESIZE", "__BYTE_ORDER", "BYTE_ORDER",
            "_BYTE_ORDER", "__FLOAT_WORD_ORDER", "LONG_MAX", "LONG_MIN", "ULONG_MAX", "LONG_BIT", "LONG_WIDTH", "ULONG_WIDTH",
            "SIZE_MAX", "SIZE_WIDTH", "SSIZE_MAX", "PTRDIFF_MAX", "PTRDIFF_MIN", "PTRDIFF_WIDTH", "INTPTR_MAX", "INTPTR_MIN",
            "UINTPTR_MAX", "INTPTR_WIDTH", "UINTPTR_WIDTH", "INT_FAST16_MAX", "INT_FAST16_MIN", "INT_FAST32_MAX",
            "INT_FAST32_MIN", "UINT_FAST16_MAX", "UINT_FAST32_MAX", "INT_FAST16_WIDTH", "INT_FAST32_WIDTH",
            "UINT_FAST16_WIDTH", "UINT_FAST32_WIDTH", "WCHAR_MAX", "WCHAR_MIN", "WINT_MAX", "WINT_MIN", "LDBL_MANT_DIG",
            "LDBL_DIG", "LDBL_MIN_EXP", "LDBL_MIN_10_EXP", "LDBL_MAX_EXP", "LDBL_MAX_10_EXP", "LDBL_MAX", "LDBL_MIN",
            "LDBL_EPSILON", "LDBL_TRUE_MIN", "LDBL_DECIMAL_DIG", "DECIMAL_DIG", "FLT_EVAL_METHOD", "__LDBL_REDIR",
            "__HAVE_DISTINCT_FLOAT128", "__HAVE_FLOAT128", "__HAVE_FLOAT64X", "__HAVE_FLOAT64X_LONG_DOUBLE",
            "MINSIGSTKSZ", "SIGSTKSZ", "PTHREAD_STACK_MIN", "__ILP32__", "_ILP32", "__LP64__", "_LP64");

    private TargetMacros() {}

    /**
     * Macros whose value differs between the ISAs ({@code byValue}: the predefined ones clang gives differently
     * for the five triples, plus {@link #LIBRARY}), and those defined for some ISAs only ({@code byPresence}:
     * {@code #ifdef __x86_64__}).
     */
    record Dependent(Set<String> byValue, Set<String> byPresence) {}

    /** The target-dependent macros, as clang {@code clang} tells for the five triples, plus {@link #LIBRARY}. */
    static Dependent of(ClangAstLoader clang) {
        List<Map<String, String>> perTarget = new ArrayList<>();
        for (String t : TRIPLES) perTarget.add(clang.predefinedMacros(t));
        Set<String> out = new HashSet<>(LIBRARY);
        Set<String> presence = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Map<String, String> m : perTarget) for (String name : m.keySet()) seen.merge(name, 1, Integer::sum);
        for (String name : seen.keySet()) {
            String first = null;
            boolean differs = seen.get(name) != perTarget.size();
            if (differs) presence.add(name);
            for (Map<String, String> m : perTarget) {
                String v = m.get(name);
                if (v == null) continue;
                if (first == null) first = v;
                else if (!first.equals(v)) differs = true;
            }
            if (differs) out.add(name);
        }
        return new Dependent(Set.copyOf(out), Set.copyOf(presence));
    }
}
