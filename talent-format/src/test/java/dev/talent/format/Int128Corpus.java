package dev.talent.format;

import dev.talent.format.TypeDesc.Field;
import dev.talent.format.TypeDesc.SInt;
import dev.talent.format.TypeDesc.StructT;
import dev.talent.format.TypeDesc.UInt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 128-bit integers in the shared corpus (docs/FORMAT.md, SINT/UINT of 128 bits: {@code __int128} on the 64-bit ISAs):
 * the extremes of both kinds accepted by both readers; an integer of another width than 8, 16, 32, 64 or 128 bits, a
 * bit-field of a 128-bit type and a 128-bit integer in the C library's state refused by both.
 */
final class Int128Corpus {
    private Int128Corpus() {}

    static final TypeDesc U128 = new UInt("unsigned __int128", 16, 128);
    static final TypeDesc S128 = new SInt("__int128", 16, 128);

    /** c with {@code extra} appended to its types and the global {@code key} of the last of them, holding value. */
    static Checkpoint retyped(Checkpoint c, String key, List<TypeDesc> extra, Value value) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        types.addAll(extra);
        int type = types.size() - 1;
        List<GlobalVar> globals = c.globals().stream()
                .map(g -> g.key().equals(key) ? new GlobalVar(g.key(), g.name(), g.declPos(), type, value) : g).toList();
        return new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait());
    }

    static Value.IntValue v(BigInteger b) {
        return new Value.IntValue(b);
    }

    static void valid(Checkpoint base, Map<String, byte[]> out) {
        // unsigned __int128 huge = UINT128_MAX; __int128 big = INT128_MIN
        Checkpoint extremes = retyped(base, "huge", List.of(U128), v(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)));
        extremes = retyped(extremes, "big", List.of(S128), v(BigInteger.ONE.shiftLeft(127).negate()));
        out.put("int128-extremes.tck", CheckpointWriter.write(extremes));
        // a struct of a 32-bit member and a 128-bit one (at offset 16 on x86_64, 8 on s390x: the format has no offsets)
        int at = base.types().size();
        out.put("int128-member.tck", CheckpointWriter.write(retyped(base, "huge", List.of(U128, new UInt("uint32_t", 4, 32),
                new StructT("struct mix", 32, List.of(new Field("tag", at + 1, 0), new Field("wide", at, 0)))),
                new Value.StructValue(List.of(Fixtures.i(7), v(BigInteger.ONE.shiftLeft(127).add(BigInteger.TEN)))))));
    }

    static void forged(Checkpoint base, Map<String, byte[]> out) {
        // 120 bits: no C type of the five ISAs has them (both readers take 8, 16, 32, 64 and 128)
        out.put("int128-bits-120.tck", CheckpointWriter.write(retyped(base, "huge", List.of(new UInt("uint120", 15, 120)),
                v(BigInteger.ONE.shiftLeft(100)))));
        // a bit-field of a 128-bit type: carried through a 64-bit value by the runtime, refused by both readers
        int at = base.types().size();
        out.put("int128-bitfield.tck", CheckpointWriter.write(retyped(base, "huge", List.of(U128,
                new StructT("struct bits", 16, List.of(new Field("b", at, 3)))), new Value.StructValue(List.of(Fixtures.i(5))))));
        // the C library's state holds integers of at most 64 bits: a umask of 128 bits
        out.put("int128-libc-umask.tck", CheckpointWriter.write(LibcStateCorpus.withGlobal(base, RuntimeContract.UMASK_KEY,
                List.of(U128), Fixtures.i(18))));   // 022
    }
}
