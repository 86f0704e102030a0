#!/bin/bash
# Scale check of heap tracking: a balanced binary tree of N heap blocks (default 1000000, c/bench_tree.c).
# Prints, as medians of 3 runs: the time to build the tree from scratch, the checkpoint's time and size, and
# the restore time, natively (x86_64 -> x86_64) and across ISAs (written on x86_64, restored on aarch64
# under qemu-aarch64-static). Timings come from the runtime's TALENT_VERBOSE=1 lines (README.md there).
# Usage: bench-heap.sh [nodes] [work-dir]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../main/c
NODES=${1:-1000000}
WORK=${2:-$(mktemp -d /tmp/talent-bench-heap.XXXXXX)}
mkdir -p "$WORK"
CFLAGS="-std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -ffp-contract=off -fsigned-char -static"
GENFLAGS="-std=c99 -O2 -Wall -Wextra -Wno-type-limits -ffp-contract=off -fsigned-char -static"

build() {   # build ISA CC
    local isa=$1 cc=$2 f
    mkdir -p "$WORK/obj/$isa"
    for f in "$SRC"/*.c; do
        $cc $CFLAGS -I"$SRC/include" -c "$f" -o "$WORK/obj/$isa/$(basename "${f%.c}").o" || exit 1
    done
    rm -f "$WORK/obj/$isa/libtalent.a"
    ar rcs "$WORK/obj/$isa/libtalent.a" "$WORK/obj/$isa"/*.o
    $cc $GENFLAGS -I"$SRC/include" "$HERE/c/bench_tree.c" "$WORK/obj/$isa/libtalent.a" -lm \
        -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=posix_memalign,--wrap=aligned_alloc,--wrap=memalign,--wrap=valloc,--wrap=strdup,--wrap=strndup,--wrap=malloc_usable_size -o "$WORK/bench_tree.$isa" || exit 1
}
build x86_64 gcc
build aarch64 aarch64-linux-gnu-gcc

run() {     # run ISA args...
    local isa=$1
    shift
    case $isa in
    x86_64) "$WORK/bench_tree.x86_64" "$@" ;;
    aarch64) qemu-aarch64-static "$WORK/bench_tree.aarch64" "$@" ;;
    esac
}

median() { sort -n | sed -n 2p; }   # of 3 values

# field NAME LINE: the number after NAME in a timing line ("encode 50.0," -> 50.0)
field() { sed -E "s/.*$1 ([0-9.]+).*/\\1/" <<< "$2"; }

run x86_64 "$NODES" > "$WORK/ref.out" 2> /dev/null || { echo "reference run failed"; exit 1; }

for dst in x86_64 aarch64; do
    build_ms=() ck_ms=() ck_mib=() collect=() encode=() write=() rs_ms=() read=() heap=() blocks=""
    for i in 1 2 3; do
        b=$(run $dst "$NODES" 2>&1 > /dev/null | sed -nE 's/^bench: built [0-9]+ nodes in ([0-9.]+) ms$/\1/p')
        build_ms+=("$b")
        dir="$WORK/ck-$dst-$i"; rm -rf "$dir"; mkdir -p "$dir"
        w=$(TALENT_VERBOSE=1 TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=2 run x86_64 "$NODES" 2>&1 > "$dir.out1" |
            grep '^talent: checkpoint 1 written:')
        r=$(TALENT_VERBOSE=1 TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run $dst 2>&1 > "$dir.out2" |
            grep '^talent: restored checkpoint 1 from')
        if [ -z "$w" ] || [ -z "$r" ] || ! cat "$dir.out1" "$dir.out2" | cmp -s - "$WORK/ref.out"; then
            echo "run $i x86_64 -> $dst failed (see $dir*)"; exit 1
        fi
        ck_ms+=("$(sed -E 's/.* heap blocks, ([0-9.]+) ms .*/\1/' <<< "$w")")
        ck_mib+=("$(sed -E 's/.*written: ([0-9.]+) MiB.*/\1/' <<< "$w")")
        blocks=$(sed -E 's/.*, ([0-9]+) heap blocks, .*/\1/' <<< "$w")
        collect+=("$(field collect "$w")"); encode+=("$(field encode "$w")"); write+=("$(field 'write\+fsync' "$w")")
        rs_ms+=("$(sed -E 's/.* from x86_64: ([0-9.]+) ms .*/\1/' <<< "$r")")
        read+=("$(field 'read\+validate' "$r")"); heap+=("$(field heap "$r")")
        rm -rf "$dir"
    done
    m() { printf '%s\n' "$@" | median; }
    echo "x86_64 -> $dst ($blocks heap blocks, medians of 3):"
    echo "  build from scratch on $dst: $(m "${build_ms[@]}") ms"
    echo "  checkpoint on x86_64: $(m "${ck_ms[@]}") ms, $(m "${ck_mib[@]}") MiB (collect $(m "${collect[@]}"), encode $(m "${encode[@]}"), write+fsync $(m "${write[@]}"))"
    echo "  restore on $dst: $(m "${rs_ms[@]}") ms (read+validate $(m "${read[@]}"), heap $(m "${heap[@]}"))"
done
