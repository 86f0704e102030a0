package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code __int128} and {@code unsigned __int128} state (docs/FORMAT.md, SINT/UINT of 128 bits): globals, a const global,
 * members of structs in a global array (alignment 16 on x86_64, aarch64 and riscv64, 8 on s390x), a union's first
 * member, locals live across a call chain, a heap array of them, a pcg64-style generator and wyhash's 64x64->128
 * multiply. Stopped and carried x86_64 -> s390x -> aarch64 -> x86_64-musl (and on to riscv64), every output equal to
 * plain gcc's. Before, the build refused every one of them ("type unsigned __int128 is not supported").
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class Int128IT {
    @TempDir
    Path work;

    static final String PCG = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>

            typedef unsigned __int128 u128;
            typedef __int128 s128;

            /* pcg64-style state: a 128-bit LCG */
            static u128 pcg_state = ((u128)0x979c9a98d8462005ULL << 64) | 0x7d3e9cb6cfe0549bULL;
            static const u128 PCG_MUL = ((u128)2549297995355413924ULL << 64) | 4865540595714422341ULL;
            static s128 signed_acc = -1;

            struct mix { uint32_t tag; u128 wide; uint64_t after; s128 neg; };
            static struct mix mixes[3];
            union both { u128 u; uint64_t half[2]; };
            static union both un;

            static uint64_t pcg_next(void)
            {
                pcg_state = pcg_state * PCG_MUL + 1442695040888963407ULL;
                uint64_t x = (uint64_t)(pcg_state >> 64) ^ (uint64_t)pcg_state;
                unsigned rot = (unsigned)(pcg_state >> 122);
                return (x >> rot) | (x << ((-rot) & 63));
            }

            /* wyhash's 64x64->128 multiply-and-fold */
            static uint64_t wymum(uint64_t a, uint64_t b)
            {
                u128 r = (u128)a * b;
                return (uint64_t)(r >> 64) ^ (uint64_t)r;
            }

            static u128 fold(u128 *heap, int n, int round)
            {
                u128 acc = 0;
                s128 sacc = 0;
                for (int i = 0; i < n; i++) {
                    heap[i] = heap[i] * PCG_MUL + (u128)wymum((uint64_t)heap[i], pcg_next());
                    acc ^= heap[i] + (u128)round;
                    sacc -= (s128)(heap[i] >> 3);
                }
                signed_acc += sacc;
                return acc;
            }

            static u128 level2(u128 *heap, int n, int round, u128 carry)
            {
                u128 local = carry ^ ((u128)round << 100);
                for (int k = 0; k < 2; k++)
                    local += fold(heap, n, round + k);
                return local;
            }

            static void print128(const char *name, u128 v)
            {
                printf("%s=%016llx%016llx\\n", name, (unsigned long long)(uint64_t)(v >> 64), (unsigned long long)(uint64_t)v);
            }

            int main(void)
            {
                int n = 64;
                u128 *heap = malloc(n * sizeof *heap);
                u128 carry = 0x123456789abcdefULL;
                for (int i = 0; i < n; i++)
                    heap[i] = ((u128)pcg_next() << 64) | pcg_next();
                for (int round = 0; round < 200; round++) {
                    carry = level2(heap, n, round, carry);
                    mixes[round % 3].tag = (uint32_t)round;
                    mixes[round % 3].wide ^= carry;
                    mixes[round % 3].after += (uint64_t)carry;
                    mixes[round % 3].neg -= (s128)carry;
                    un.u += carry;
                }
                print128("carry", carry);
                print128("state", pcg_state);
                print128("signed", (u128)signed_acc);
                for (int i = 0; i < 3; i++) {
                    print128("wide", mixes[i].wide);
                    print128("neg", (u128)mixes[i].neg);
                    printf("tag=%u after=%llu\\n", mixes[i].tag, (unsigned long long)mixes[i].after);
                }
                print128("heap0", heap[0]);
                print128("heap63", heap[63]);
                print128("un", un.u);
                free(heap);
                return 0;
            }
            """;

    @Test
    void int128StateMovesThroughEveryByteOrderLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "pcg", PCG);
        assertThat(plain.out()).contains("carry=").contains("heap63=");
        List<Target> chain = MigratesLikeGcc.withMusl(Target.of(Isa.X86_64), Target.of(Isa.S390X), Target.of(Isa.AARCH64));
        chain = new java.util.ArrayList<>(chain);
        chain.add(Target.of(Isa.RISCV64));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "pcg", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{150, 900, 2500, 4000}, {3000, 40, 700, 60}}, plain);
    }
}
