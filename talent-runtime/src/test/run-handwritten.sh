#!/bin/bash
# Builds the hand-written generated-style programs in c/ with the runtime for every ISA, and checks
# checkpoint/restart across ISAs against uninterrupted reference runs. Exits non-zero on any failure.
# Usage: run-handwritten.sh [--sanitize] [work-dir]   (default: a fresh temporary directory, kept for inspection)
#   --sanitize  builds the native x86_64 runtime and programs with AddressSanitizer and UndefinedBehaviorSanitizer
#               (dynamically linked: the sanitizers' run-time libraries are not available statically) and runs
#               the same checks; other ISAs keep their ordinary builds, so every hop into or out of x86_64 runs
#               sanitized. Any sanitizer report fails the run.
set -u
SANITIZE=0
if [ "${1:-}" = --sanitize ]; then SANITIZE=1; shift; fi
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../main/c
TESTC=$HERE/c
WORK=${1:-$(mktemp -d /tmp/talent-handwritten.XXXXXX)}
mkdir -p "$WORK"
# ISAS, cc_for and run copy talent-toolchain's Isa table; its IsaCopiesTest checks that they agree.
ISAS="x86_64 s390x i686 aarch64 riscv64"
HOPS="x86_64 s390x i686 aarch64 riscv64"
read -ra HOP_LIST <<< "$HOPS"
BASEFLAGS="-std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -ffp-contract=off -fsigned-char"
# TALENT_IS_SIGNED(unsigned type) is a constant comparison: -Wtype-limits would flag generated code.
# the allocator is wrapped at link time (RuntimeLibrary.WRAPPED_ALLOCATOR, heap_track.c)
WRAP="-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=posix_memalign,--wrap=aligned_alloc,--wrap=memalign,--wrap=valloc,--wrap=strdup,--wrap=strndup,--wrap=malloc_usable_size,--wrap=regcomp,--wrap=regfree"
GENBASEFLAGS="-std=c99 -O2 -Wall -Wextra -Wno-type-limits -ffp-contract=off -fsigned-char"
SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
if [ $SANITIZE = 1 ]; then
    # Reports go to files rather than stderr, whose exact contents many checks compare; the files are checked
    # at the end. Exit status 99 is not one of talent's (64-77), so a sanitized failure cannot pass a check.
    # No leak checking: a restored checkpoint's strings, types and META are kept for the life of the process on
    # purpose (restored pointers and descriptors refer to them), which LeakSanitizer reports at exit.
    mkdir -p "$WORK/sanitizer"
    rm -f "$WORK/sanitizer"/report.*
    export ASAN_OPTIONS="log_path=$WORK/sanitizer/report:exitcode=99:detect_leaks=0"
    export UBSAN_OPTIONS="log_path=$WORK/sanitizer/report:exitcode=99:print_stacktrace=1"
fi
# cflags_for ISA / genflags_for ISA: flags for runtime units / for the programs linked with it
cflags_for() {
    if [ $SANITIZE = 1 ] && [ "$1" = x86_64 ]; then echo "$BASEFLAGS $SANFLAGS"; else echo "$BASEFLAGS -static"; fi
}
genflags_for() {
    if [ $SANITIZE = 1 ] && [ "$1" = x86_64 ]; then echo "$GENBASEFLAGS $SANFLAGS"; else echo "$GENBASEFLAGS -static"; fi
}
# wait_handler PID: waits (up to 5 s) until the native process PID catches SIGUSR1 and SIGUSR2, so that a signal
# sent next is not lost to a slow start (a sanitized binary needs tens of milliseconds before main, more under load)
wait_handler() {
    local i caught
    for i in $(seq 1 500); do
        caught=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2> /dev/null)
        [ -n "$caught" ] && (((16#$caught & 0xa00) == 0xa00)) && return 0
        sleep 0.01
    done
    return 1
}
# wait_line FILE REGEX: waits (up to 30 s) until a line of FILE matches REGEX, so that the next request is sent
# after the runtime reported the last one done, however slow the machine (a sanitized pre-copy round under load)
wait_line() {
    local i
    for i in $(seq 1 3000); do
        grep -q -- "$2" "$1" 2> /dev/null && return 0
        sleep 0.01
    done
    return 1
}
# no_checkpoint_in DIR: DIR holds no checkpoint and no checkpoint temporary file
no_checkpoint_in() {
    local f
    for f in "$1"/*ckpt* "$1"/.*ckpt*; do [ -e "$f" ] && return 1; done
    return 0
}
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

cc_for() {
    case $1 in
    x86_64) echo gcc ;;
    x86_64-musl) echo musl-gcc ;;
    aarch64) echo aarch64-linux-gnu-gcc ;;
    s390x) echo s390x-linux-gnu-gcc ;;
    riscv64) echo riscv64-linux-gnu-gcc ;;
    i686) echo "i686-linux-gnu-gcc -msse2 -mfpmath=sse" ;;
    esac
}

# run ISA BINARY-BASENAME [args...]: runs $WORK/bin/BINARY.ISA natively or under qemu-user
run() {
    local isa=$1 prog=$2
    shift 2
    case $isa in
    x86_64 | x86_64-musl) "$WORK/bin/$prog.$isa" "$@" ;;
    aarch64) qemu-aarch64-static "$WORK/bin/$prog.$isa" "$@" ;;
    s390x) qemu-s390x-static "$WORK/bin/$prog.$isa" "$@" ;;
    riscv64) qemu-riscv64-static "$WORK/bin/$prog.$isa" "$@" ;;
    i686) qemu-i386-static "$WORK/bin/$prog.$isa" "$@" ;;
    esac
}

# ---------------------------------------------------------------- build
mkdir -p "$WORK/bin" "$WORK/obj"
for isa in $ISAS x86_64-musl; do
    cc=$(cc_for $isa); cflags=$(cflags_for $isa); genflags=$(genflags_for $isa)
    mkdir -p "$WORK/obj/$isa"
    rm -f "$WORK/obj/$isa"/*.o
    ok=1
    for f in "$SRC"/*.c; do
        o="$WORK/obj/$isa/$(basename "${f%.c}").o"
        if ! $cc $cflags -I"$SRC/include" -c "$f" -o "$o" 2> "$WORK/obj/$isa/warnings.txt.part"; then ok=0; fi
        cat "$WORK/obj/$isa/warnings.txt.part" >> "$WORK/obj/$isa/warnings.txt"
    done
    if [ $ok = 1 ] && [ ! -s "$WORK/obj/$isa/warnings.txt" ]; then
        pass "runtime compiles warning-free for $isa"
    else
        fail "runtime compiles warning-free for $isa (see $WORK/obj/$isa/warnings.txt)"
    fi
    rm -f "$WORK/obj/$isa/libtalent.a"
    ar rcs "$WORK/obj/$isa/libtalent.a" "$WORK/obj/$isa"/*.o
    for prog in recurse narrow format_sample structures untyped filerw waiter alloc_classes; do
        files="$TESTC/$prog.c"
        [ $prog = recurse ] && files="$files $TESTC/recurse_program.c"
        if ! $cc $genflags -I"$SRC/include" $files "$WORK/obj/$isa/libtalent.a" -lm $WRAP -o "$WORK/bin/$prog.$isa"; then
            fail "build $prog for $isa"
        fi
    done
done

# ---------------------------------------------------------------- reference runs
run x86_64 recurse arg1 > "$WORK/recurse.ref" 2> "$WORK/recurse.ref.err"
[ $? = 0 ] || fail "recurse reference run on x86_64"
for isa in $ISAS x86_64-musl; do
    run $isa recurse arg1 > "$WORK/recurse.$isa.out" 2>&1
    if [ $? = 0 ] && cmp -s "$WORK/recurse.$isa.out" "$WORK/recurse.ref"; then
        pass "uninterrupted recurse on $isa equals the x86_64 reference"
    else
        fail "uninterrupted recurse on $isa differs from the x86_64 reference"
    fi
done

# ---------------------------------------------------------------- hop after hop
for n in 1 3 7 10 11 20 25; do
    # first hop gets arg1 like the reference; later hops get "ignored-arg", which must be ignored
    dir="$WORK/hops-recurse-$n"
    rm -rf "$dir"; mkdir -p "$dir"; out="$dir.out"; : > "$out"; : > "$dir.err"
    hop=0; restart=0; ok=1
    while :; do
        isa=${HOP_LIST[$((hop % ${#HOP_LIST[@]}))]}
        if [ $restart = 0 ]; then arg=arg1; else arg=ignored-arg; fi
        TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=$n TALENT_RESTART=$restart \
            run $isa recurse $arg >> "$out" 2>> "$dir.err"
        rc=$?
        hop=$((hop + 1))
        [ $rc = 0 ] && break
        if [ $rc != 75 ] || [ $hop -gt 60 ]; then ok=0; break; fi
        restart=1
    done
    nfiles=$(ls "$dir" | wc -l)
    if [ $ok = 1 ] && cmp -s "$out" "$WORK/recurse.ref" && { [ $hop -le 2 ] || [ "$nfiles" = 2 ]; }; then
        pass "recurse stop-after $n: $hop runs hopping $HOPS, joined stdout equals the reference ($nfiles files kept)"
    else
        fail "recurse stop-after $n: rc=$rc after $hop runs, files kept $nfiles (output $out, stderr $dir.err)"
    fi
done

# musl writes, glibc big-endian reads, and back
dir="$WORK/musl"; rm -rf "$dir"; mkdir -p "$dir"
{ TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=4 run x86_64-musl recurse arg1
  TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=4 TALENT_RESTART=1 run s390x recurse
  TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64-musl recurse; } > "$dir.out" 2> "$dir.err"
if cmp -s "$dir.out" "$WORK/recurse.ref" && grep -q x86_64-musl "$dir/ckpt-000001.tck" &&
    grep -q s390x "$dir/ckpt-000002.tck"; then
    pass "x86_64-musl -> s390x -> x86_64-musl restart chain equals the reference"
else
    fail "x86_64-musl -> s390x -> x86_64-musl restart chain ($dir.out, $dir.err)"
fi

# ---------------------------------------------------------------- narrowing: 2500000000 in a 64-bit long
run x86_64 narrow > "$WORK/narrow.ref"
dir="$WORK/narrow"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=6 run x86_64 narrow > "$dir.out1"
rc=$?
[ $rc = 75 ] || fail "narrow: checkpoint on x86_64 exited $rc"
TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run i686 narrow > "$dir.i686.out" 2> "$dir.i686.err"
rc=$?
expected="talent: cannot restore 'total' (long, declared at narrow.c:2:10, frame sum_up() at narrow.c:3:36): value 2500000000 does not fit in 32-bit long on i686; restore this checkpoint on a 64-bit platform"
if [ $rc = 65 ] && [ "$(cat "$dir.i686.err")" = "$expected" ] && [ ! -s "$dir.i686.out" ]; then
    pass "narrow: i686 refuses 2500000000 in a 32-bit long with exit 65 and the message"
else
    fail "narrow: i686 exit $rc, stderr: $(cat "$dir.i686.err")"
fi
TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run aarch64 narrow > "$dir.aarch64.out" 2> "$dir.aarch64.err"
rc=$?
if [ $rc = 0 ] && cat "$dir.out1" "$dir.aarch64.out" | cmp -s - "$WORK/narrow.ref"; then
    pass "narrow: the same checkpoint restores on aarch64 and finishes like the reference"
else
    fail "narrow: aarch64 restore exit $rc"
fi

# ---------------------------------------------------------------- corruption: fall back to the previous checkpoint
dir="$WORK/corrupt"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=5 run x86_64 recurse arg1 > "$dir.out1"
TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=5 TALENT_RESTART=1 run aarch64 recurse > "$dir.out2"
if [ -e "$dir/ckpt-000001.tck" ] && [ -e "$dir/ckpt-000002.tck" ]; then
    # flip one byte inside the FRAM section's payload (16 bytes after its 12-byte tag and length)
    fram=$(grep -obUa FRAM "$dir/ckpt-000002.tck" | head -1 | cut -d: -f1)
    off=$((fram + 28))
    byte=$(od -An -tu1 -j $off -N1 "$dir/ckpt-000002.tck" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte ^ 0xFF))))" | dd of="$dir/ckpt-000002.tck" bs=1 seek=$off conv=notrunc 2> /dev/null
    TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run s390x recurse > "$dir.out3" 2> "$dir.err3"
    rc=$?
    if [ $rc = 0 ] && grep -q "ckpt-000002.tck cannot be used: section FRAM at offset [0-9]*: CRC32C mismatch" "$dir.err3" &&
        grep -q "falling back to the previous checkpoint" "$dir.err3" &&
        cat "$dir.out1" "$dir.out3" | cmp -s - "$WORK/recurse.ref"; then
        pass "corruption: a flipped byte in the newest checkpoint is reported ($(head -1 "$dir.err3" | cut -c1-150)...) and the previous one is used"
    else
        fail "corruption: exit $rc, stderr: $(cat "$dir.err3")"
    fi
else
    fail "corruption: two checkpoints were not written"
fi

# ---------------------------------------------------------------- errors: exit codes
dir="$WORK/empty"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 recurse > /dev/null 2> "$dir.err"
rc=$?
[ $rc = 66 ] && pass "no checkpoint: exit 66 ($(cat "$dir.err"))" || fail "no checkpoint: exit $rc"
TALENT_STOP_AFTER=abc run x86_64 recurse > /dev/null 2> "$dir.err"
rc=$?
[ $rc = 64 ] && grep -q TALENT_STOP_AFTER "$dir.err" && pass "malformed TALENT_STOP_AFTER: exit 64 ($(cat "$dir.err"))" ||
    fail "malformed TALENT_STOP_AFTER: exit $rc"
TALENT_CHECKPOINT_DIR="$WORK/narrow" TALENT_RESTART=1 run x86_64 recurse > /dev/null 2> "$dir.err"
rc=$?
[ $rc = 65 ] && grep -q "fingerprint" "$dir.err" && pass "other program's checkpoint: exit 65 ($(tail -1 "$dir.err" | cut -c1-160)...)" ||
    fail "other program's checkpoint: exit $rc ($(cat "$dir.err"))"

# ---------------------------------------------------------------- format sample: every kind, every ISA
run x86_64 format_sample a b > "$WORK/format_sample.ref"
for isa in $ISAS x86_64-musl; do
    dir="$WORK/format-sample/$isa"; rm -rf "$dir"; mkdir -p "$dir"
    TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=1 run $isa format_sample a b > "$dir.out1"
    rc=$?
    [ $rc = 75 ] || { fail "format_sample on $isa: exit $rc"; continue; }
done
for pair in "x86_64 s390x" "s390x i686" "i686 aarch64" "aarch64 riscv64" "riscv64 x86_64" "x86_64-musl i686"; do
    set -- $pair
    src="$WORK/format-sample/$1"; dst="$WORK/format-sample-restore-$1-$2"; rm -rf "$dst"; cp -r "$src" "$dst"
    TALENT_CHECKPOINT_DIR=$dst TALENT_RESTART=1 run $2 format_sample > "$dst.out" 2> "$dst.err"
    rc=$?
    if [ $rc = 0 ] && cat "$src.out1" "$dst.out" | sed 's/argc=[0-9]*//' | cmp -s - <(sed 's/argc=[0-9]*//' "$WORK/format_sample.ref"); then
        pass "format_sample written on $1 restores every kind on $2"
    else
        fail "format_sample written on $1, restored on $2: exit $rc ($(cat "$dst.err"))"
    fi
done

# ---------------------------------------------------------------- heap: structures hop after hop
run x86_64 structures > "$WORK/structures.ref" 2> "$WORK/structures.ref.err"
[ $? = 0 ] || fail "structures reference run on x86_64"
for isa in $ISAS x86_64-musl; do
    run $isa structures > "$WORK/structures.$isa.out" 2>&1
    if [ $? = 0 ] && cmp -s "$WORK/structures.$isa.out" "$WORK/structures.ref"; then
        pass "uninterrupted structures on $isa equals the x86_64 reference"
    else
        fail "uninterrupted structures on $isa differs from the x86_64 reference"
    fi
done
# stop-after values chosen to land in hash(), in build()'s recursion, during qsort (suspended) and in main.
# Not in the sanitized build: its x86_64 binary links the C library dynamically, so getline's buffer is not
# allocated through the link-time wrapped allocator, is unknown to talent and is saved as indeterminate (the
# static binaries that talent builds wrap the C library's allocations too).
STRUCTURE_STOPS="3 8 19"
if [ $SANITIZE = 1 ]; then
    echo "SKIP structures stop-after $STRUCTURE_STOPS: the sanitized build's C library is dynamic (getline's buffer is not tracked)"
    STRUCTURE_STOPS=""
fi
for n in $STRUCTURE_STOPS; do
    dir="$WORK/hops-structures-$n"
    rm -rf "$dir"; mkdir -p "$dir"; out="$dir.out"; : > "$out"; : > "$dir.err"
    hop=0; restart=0; ok=1
    while :; do
        isa=${HOP_LIST[$((hop % ${#HOP_LIST[@]}))]}
        TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=$n TALENT_RESTART=$restart run $isa structures >> "$out" 2>> "$dir.err"
        rc=$?
        hop=$((hop + 1))
        [ $rc = 0 ] && break
        if [ $rc != 75 ] || [ $hop -gt 80 ]; then ok=0; break; fi
        restart=1
    done
    if [ $ok = 1 ] && [ $hop -gt 3 ] && cmp -s "$out" "$WORK/structures.ref"; then
        pass "structures stop-after $n: $hop runs hopping $HOPS, joined stdout equals the reference"
    else
        fail "structures stop-after $n: rc=$rc after $hop runs (output $out, stderr $dir.err)"
    fi
done

# a pointer into freed memory, reached through the heap: saved as indeterminate (FORMAT.md pointer tag 6), with
# a warning naming the path under TALENT_VERBOSE=1
expected="talent: warning: pointer 'list->next->next->data' (char *, declared at structures.c:14:14, global, in the heap block allocated at structures.c:40:22) points to memory talent does not know (not a global, frame variable, live heap block, argv or string literal: freed memory, stack garbage, a closed FILE); saved as indeterminate: it is restored as an invalid address"
for isa in x86_64 s390x; do
    dir="$WORK/dangle-$isa"; rm -rf "$dir"; mkdir -p "$dir"
    TALENT_VERBOSE=1 TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=64 run $isa structures dangle > /dev/null 2> "$dir.err"
    rc=$?
    if [ $rc = 75 ] && grep -qxF "$expected" "$dir.err" && [ -n "$(ls "$dir")" ]; then
        pass "dangling heap pointer on $isa: saved as indeterminate, warning naming list->next->next->data"
    else
        fail "dangling heap pointer on $isa: exit $rc, stderr: $(cat "$dir.err")"
    fi
done

# ---------------------------------------------------------------- the allocator behind tracked blocks
for isa in $ISAS x86_64-musl; do
    out=$(run $isa alloc_classes 2>&1)
    if [ $? = 0 ] && [ "$(echo "$out" | tail -1)" = "all checks passed" ]; then
        pass "alloc_classes on $isa: blocks of 0..300 bytes zero-filled, aligned, disjoint, kept across realloc, reused"
    else
        fail "alloc_classes on $isa: $(echo "$out" | grep -v '^allocated\|^realloc\|^freed' | head -5)"
    fi
done

# ---------------------------------------------------------------- heap: an untyped block
run x86_64 untyped > "$WORK/untyped.ref"
dir="$WORK/untyped-le"; rm -rf "$dir"; mkdir -p "$dir"
{ TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=2 run x86_64 untyped
  TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=1 TALENT_RESTART=1 run aarch64 untyped
  TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=1 TALENT_RESTART=1 run riscv64 untyped
  TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 untyped; } > "$dir.out" 2> "$dir.err"
if cmp -s "$dir.out" "$WORK/untyped.ref" && grep -q riscv64 "$dir/ckpt-000003.tck"; then
    pass "untyped block: x86_64 -> aarch64 -> riscv64 -> x86_64 (same byte order and pointer width) equals the reference"
else
    fail "untyped block across little-endian 64-bit ISAs ($dir.out, $dir.err)"
fi
dir="$WORK/untyped-refused"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=3 run x86_64 untyped > /dev/null
for isa in s390x i686; do
    case $isa in
    s390x) layout="big-endian, 64-bit pointers" ;;
    i686) layout="little-endian, 32-bit pointers" ;;
    esac
    expected="talent: cannot restore the heap block allocated at untyped.c:9:17 (24 bytes whose element type talent could not infer, carried as raw bytes): it was written on x86_64 (little-endian, 64-bit pointers) and this is $isa ($layout); restore it on a platform with the same byte order and pointer width, or let the compiler infer the type (assign the allocation to a typed pointer, or use sizeof(T) or sizeof *p in its size)"
    TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run $isa untyped > "$dir.$isa.out" 2> "$dir.$isa.err"
    rc=$?
    if [ $rc = 65 ] && [ "$(cat "$dir.$isa.err")" = "$expected" ] && [ ! -s "$dir.$isa.out" ]; then
        pass "untyped block written on x86_64 is refused on $isa with exit 65 naming the allocation site"
    else
        fail "untyped block on $isa: exit $rc, stderr: $(cat "$dir.$isa.err")"
    fi
done

# ---------------------------------------------------------------- open files (issue 4): filerw
# input read with fgets from a talent_fopen'ed file, one stdin character per line (stdin redirected from a
# file), a "w" stream reached through a FILE * in a heap block, an "a" stream and a raw descriptor
for i in $(seq 1 23); do echo "input line $i: $(printf '%*s' $i '' | tr ' ' x)"; done > "$WORK/filerw.in"
seq 1 40 > "$WORK/filerw.stdin"
filerw_ref="$WORK/filerw-ref"; rm -rf "$filerw_ref"; mkdir -p "$filerw_ref"
(cd "$filerw_ref" && run x86_64 filerw "$WORK/filerw.in" < "$WORK/filerw.stdin" > out 2> err) || fail "filerw reference run"
same_files() { local d=$1 f; for f in out report.txt log.txt raw.txt; do cmp -s "$d/$f" "$filerw_ref/$f" || return 1; done; }
for n in 1 4 9 13; do
    dir="$WORK/filerw-hops-$n"; rm -rf "$dir"; mkdir -p "$dir"
    hop=0; restart=0; ok=1
    while :; do
        isa=${HOP_LIST[$((hop % ${#HOP_LIST[@]}))]}
        (cd "$dir" && TALENT_STOP_AFTER=$n TALENT_RESTART=$restart run $isa filerw "$WORK/filerw.in" < "$WORK/filerw.stdin" >> out 2>> err)
        rc=$?; hop=$((hop + 1)); restart=1
        [ $rc = 0 ] && break
        if [ $rc != 75 ] || [ $hop -gt 40 ]; then ok=0; break; fi
    done
    if [ $ok = 1 ] && [ $hop -ge 2 ] && same_files "$dir"; then
        pass "filerw stop-after $n: $hop runs hopping $HOPS; stdout, the w/a streams and the raw descriptor's file equal the uninterrupted run"
    else
        fail "filerw stop-after $n: rc=$rc after $hop runs ($dir)"
    fi
done
for isa in x86_64 s390x; do
    dir="$WORK/filerw-periodic-$isa"; rm -rf "$dir"; mkdir -p "$dir"
    (cd "$dir" && TALENT_EVERY_VISITS=3 TALENT_KEEP=3 run $isa filerw "$WORK/filerw.in" < "$WORK/filerw.stdin" > out 2> err)
    rc=$?
    nk=$(ls "$dir"/ckpt-*.tck 2> /dev/null | wc -l)
    if [ $rc = 0 ] && same_files "$dir" && [ "$nk" = 3 ] && [ -e "$dir/ckpt-000006.tck" ] && [ -e "$dir/ckpt-000008.tck" ]; then
        pass "filerw every_visits=3 on $isa keeps running in-process after each checkpoint: output equals the uninterrupted run, keep=3 rotation leaves ckpt-6..8"
    else
        fail "filerw every_visits=3 on $isa: rc=$rc, $nk checkpoints kept ($dir)"
    fi
done
# restart from an older checkpoint after the run went on writing: write-only files at their end are truncated
dir="$WORK/filerw-periodic-x86_64"
rm -f "$dir/ckpt-000007.tck" "$dir/ckpt-000008.tck"
(cd "$dir" && TALENT_RESTART=1 TALENT_VERBOSE=1 run aarch64 filerw < "$WORK/filerw.stdin" > out.restart 2> err.restart)
rc=$?
if [ $rc = 0 ] && same_files "$dir" && grep -q "truncated .*report.txt" "$dir/err.restart" &&
    [ "$(tail -1 "$dir/out.restart")" = "$(tail -1 "$filerw_ref/out")" ]; then
    pass "restart on aarch64 from the older ckpt-6 after a finished periodic run: files truncated back and rewritten, equal to the uninterrupted run"
else
    fail "restart from an older checkpoint: rc=$rc ($dir/err.restart)"
fi
# configuration file: the same periodic run configured in talent.conf; environment overrides it
dir="$WORK/filerw-conf"; rm -rf "$dir"; mkdir -p "$dir"
printf '# periodic\nevery_visits = 5\nkeep=2 # two\ncheckpoint_dir = ckpts\n' > "$dir/talent.conf"
(cd "$dir" && TALENT_KEEP=4 run i686 filerw "$WORK/filerw.in" < "$WORK/filerw.stdin" > out 2> err)
rc=$?
if [ $rc = 0 ] && same_files "$dir" && [ "$(ls "$dir/ckpts" | wc -l)" = 4 ]; then
    pass "talent.conf (every_visits = 5, checkpoint_dir) read, TALENT_KEEP=4 overrides its keep=2"
else
    fail "talent.conf: rc=$rc ($dir)"
fi
printf 'keep = 2\nevry_visits = 5\n' > "$dir/bad.conf"
(cd "$dir" && TALENT_CONFIG=bad.conf run x86_64 filerw > /dev/null 2> err.bad)
rc=$?
[ $rc = 64 ] && grep -q "bad.conf:2: unknown key 'evry_visits'" "$dir/err.bad" &&
    pass "unknown key in a configuration file: exit 64 ($(cat "$dir/err.bad" | cut -c1-90)...)" ||
    fail "unknown configuration key: exit $rc ($(cat "$dir/err.bad"))"
printf 'every_seconds = soon\n' > "$dir/bad2.conf"
(cd "$dir" && TALENT_CONFIG=bad2.conf run x86_64 filerw > /dev/null 2> err.bad2)
rc=$?
[ $rc = 64 ] && grep -q "bad2.conf:1: every_seconds='soon' is not valid" "$dir/err.bad2" &&
    pass "malformed value in a configuration file: exit 64 ($(cat "$dir/err.bad2" | cut -c1-80)...)" ||
    fail "malformed configuration value: exit $rc ($(cat "$dir/err.bad2"))"
# what cannot be carried: a FIFO
dir="$WORK/filerw-fifo"; rm -rf "$dir"; mkdir -p "$dir"; mkfifo "$dir/in.fifo"
(cat "$WORK/filerw.in" > "$dir/in.fifo" &)
(cd "$dir" && TALENT_STOP_AFTER=3 run x86_64 filerw "$dir/in.fifo" < "$WORK/filerw.stdin" > out 2> err)
rc=$?
if [ $rc = 0 ] && grep -q "checkpoint 1 refused: cannot checkpoint: descriptor 3 ($dir/in.fifo, opened at filerw.c:18:16) is a pipe or FIFO" "$dir/err" &&
    no_checkpoint_in "$dir" && same_files "$dir"; then
    pass "an input FIFO under a FILE *: the stop is refused naming descriptor 3 and its path, no checkpoint written, the program goes on to the uninterrupted run's output"
else
    fail "FIFO: exit $rc ($(cat "$dir/err"))"
fi

# ---------------------------------------------------------------- on demand (SIGUSR1/SIGUSR2) and blocking sites
run x86_64 waiter s > "$WORK/waiter.ref"
dir="$WORK/waiter-usr1"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p; sleep 0.2; kill -USR1 $p; wait $p; echo $? > rc1; })
(cd "$dir" && TALENT_RESTART=1 TALENT_VERBOSE=1 run s390x waiter >> out 2> err2)
rc=$?
if [ "$(cat "$dir/rc1")" = 75 ] && [ $rc = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref"; then
    pass "SIGUSR1 while blocked in nanosleep: exit 75, restart on s390x re-issues the sleep and the joined output equals the reference"
else
    fail "SIGUSR1 in nanosleep: rc $(cat "$dir/rc1") then $rc ($dir)"
fi
dir="$WORK/waiter-usr2"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p; sleep 0.15; kill -USR2 $p; sleep 0.1; kill -USR2 $p; wait $p; echo $? > rc1; })
if [ "$(cat "$dir/rc1")" = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref" && [ -e "$dir/ckpt-000002.tck" ]; then
    pass "two SIGUSR2: two checkpoints written, the program keeps running and its output equals the reference"
else
    fail "SIGUSR2: rc $(cat "$dir/rc1") ($dir)"
fi
dir="$WORK/waiter-accept"; rm -rf "$dir"; mkdir -p "$dir"; port=$((40000 + RANDOM % 20000))
(cd "$dir" && { "$WORK/bin/waiter.x86_64" a $port > out 2> err & p=$!; wait_handler $p; sleep 0.2; kill -USR1 $p; wait $p; echo $? > rc1; })
(cd "$dir" && { TALENT_RESTART=1 TALENT_VERBOSE=1 "$WORK/bin/waiter.x86_64" >> out 2> err2 & p=$!; wait_handler $p; sleep 0.3
  (exec 3<> /dev/tcp/127.0.0.1/$port) 2> /dev/null; wait $p; echo $? > rc2; })
if [ "$(cat "$dir/rc1")" = 75 ] && [ "$(cat "$dir/rc2")" = 0 ] && grep -q "recreated socket" "$dir/err2" &&
    [ "$(cat "$dir/out")" = "$(printf 'ready\naccepted\ndone 0')" ]; then
    pass "SIGUSR1 while blocked in accept: exit 75; the restart recreates the listening socket at the same descriptor and accepts a connection"
else
    fail "SIGUSR1 in accept: rc $(cat "$dir/rc1") then $(cat "$dir/rc2") ($dir)"
fi

# ---------------------------------------------------------------- pre-copy (issue 13)
# two pre-copy rounds (SIGURG: fork at a site, the child writes pre-<round>.tck, the second also the delta from the
# first), then the stop writes ckpt-000001.tdl against round 2; the restart on s390x rebuilds base + delta. Each
# request is sent once the events say the previous one is done; the long waiter (120 steps) outlasts a slow machine
run x86_64 waiter S > "$WORK/waiter-long.ref"
dir="$WORK/precopy"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { TALENT_PRECOPY=1 TALENT_EVENT_FILE=events "$WORK/bin/waiter.x86_64" S > out 2> err & p=$!; wait_handler $p
    kill -URG $p; wait_line events '^precopy 1 '; kill -URG $p; wait_line events '^precopy 2 '; kill -USR1 $p
    wait $p; echo $? > rc1; })
(cd "$dir" && TALENT_RESTART=1 run s390x waiter >> out 2> err2)
rc=$?
if [ "$(cat "$dir/rc1")" = 75 ] && [ $rc = 0 ] && cmp -s "$dir/out" "$WORK/waiter-long.ref" && [ -e "$dir/ckpt-000001.tdl" ] &&
    [ ! -e "$dir/ckpt-000001.tck" ] && [ -e "$dir/pre-000002.tck" ] && [ -e "$dir/pre-000002.tdl" ] &&
    grep -q '^precopy 1 pre-000001.tck [0-9]*$' "$dir/events" && grep -q '^precopy 2 pre-000002.tck [0-9]* pre-000002.tdl [0-9]*$' "$dir/events" &&
    grep -q '^checkpoint 1 ckpt-000001.tdl$' "$dir/events"; then
    pass "pre-copy: two rounds while running, stop as a delta, restart on s390x from base + delta equals the reference"
else
    fail "pre-copy rounds and delta: rc $(cat "$dir/rc1") then $rc, events: $(tr '\n' '|' < "$dir/events") ($dir)"
fi
# the base changed after the delta was written: the delta is refused (exit 66), never applied to the wrong file
cp -r "$dir" "$dir-badbase"; printf 'x' >> "$dir-badbase/pre-000002.tck"
(cd "$dir-badbase" && TALENT_RESTART=1 run x86_64 waiter > out3 2> err3)
rc=$?
if [ $rc = 66 ] && grep -q 'is not the file it was made from' "$dir-badbase/err3"; then
    pass "pre-copy: a delta whose base changed is refused (exit 66, names the base)"
else
    fail "pre-copy with a changed base: rc $rc ($dir-badbase/err3)"
fi
# pre-copy requests never disturb the program: a SIGURG during nanosleep is not an EINTR the program sees, and
# without TALENT_PRECOPY=1 SIGURG keeps its default (ignored)
dir="$WORK/precopy-quiet"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { TALENT_PRECOPY=1 "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p
    for i in 1 2 3 4 5 6; do sleep 0.05; kill -URG $p; done; wait $p; echo $? > rc1
    "$WORK/bin/waiter.x86_64" s > out2 2> err2 & p=$!; wait_handler $p; sleep 0.1; kill -URG $p; wait $p; echo $? > rc2; })
if [ "$(cat "$dir/rc1")" = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref" && [ "$(cat "$dir/rc2")" = 0 ] &&
    cmp -s "$dir/out2" "$WORK/waiter.ref" && no_checkpoint_in "$dir"; then
    pass "pre-copy rounds leave the running program's output unchanged; SIGURG without precopy is ignored"
else
    fail "pre-copy quiet rounds: rc $(cat "$dir/rc1") / $(cat "$dir/rc2") ($dir)"
fi

# ---------------------------------------------------------------- events, unwritable checkpoints, faults (issue 5)
# event lines: a fresh start stopped by SIGUSR1 in nanosleep, restarted on s390x, appending to the same file
dir="$WORK/events-usr1"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { TALENT_EVENT_FILE=events "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p; sleep 0.2; kill -USR1 $p; wait $p; echo $? > rc1; })
(cd "$dir" && TALENT_EVENT_FILE=events TALENT_RESTART=1 run s390x waiter >> out 2> err2)
rc=$?
expected=$(printf 'started x86_64\ncheckpoint 1 ckpt-000001.tck\nready 1 s390x\nexiting 0')
if [ "$(cat "$dir/rc1")" = 75 ] && [ $rc = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref" && [ "$(cat "$dir/events")" = "$expected" ] &&
    [ "$(stat -c %a "$dir/events")" = 600 ]; then
    pass "event file (0600): started, checkpoint 1 ckpt-000001.tck at SIGUSR1, ready 1 on s390x after the restart, exiting 0"
else
    fail "event lines for start/checkpoint/ready/exit: rc $(cat "$dir/rc1") then $rc, events: $(cat "$dir/events" | tr '\n' '|') ($dir)"
fi
# keep-running checkpoints: each `checkpoint N` is followed by `ready N` (in-process restore), numbered 1, 2, 3...
dir="$WORK/events-periodic"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_EVENT_FILE=$dir/events TALENT_CHECKPOINT_DIR=$dir TALENT_EVERY_VISITS=4 run aarch64 recurse arg1 > "$dir.out" 2> "$dir.err"
rc=$?
shape=$(awk -v ok=1 'NR == 1 { if ($0 != "started aarch64") ok = 0; next }
    /^exiting / { if ($0 != "exiting 0") ok = 0; last = NR; next }
    /^checkpoint / { n++; if ($0 != sprintf("checkpoint %d ckpt-%06d.tck", n, n)) ok = 0; next }
    /^ready / { if ($0 != sprintf("ready %d aarch64", n)) ok = 0; next }
    { ok = 0 } END { print (ok && last == NR && n >= 3) ? n : "bad" }' "$dir/events")
if [ $rc = 0 ] && cmp -s "$dir.out" "$WORK/recurse.ref" && [ "$shape" != bad ]; then
    pass "every_visits=4 on aarch64: $shape pairs 'checkpoint N ckpt-N.tck' / 'ready N aarch64' between started and exiting 0"
else
    fail "events of periodic checkpoints: rc $rc, events: $(head -c 300 "$dir/events" | tr '\n' '|') ($dir)"
fi
# the event file is a FIFO whose reader stays open across a stop and a restart
dir="$WORK/events-fifo"; rm -rf "$dir"; mkdir -p "$dir"; mkfifo "$dir/events"
cat "$dir/events" > "$dir/events.read" & reader=$!
exec 8> "$dir/events"     # holds the FIFO open between the two processes, like the orchestrator
# 8>&-: the orchestrator's descriptor is not the program's (an inherited FIFO would refuse the checkpoint: fdscan.c)
(cd "$dir" && TALENT_EVENT_FILE=events TALENT_STOP_AFTER=5 run i686 recurse arg1 > out 2> err 8>&-; echo $? > rc1)
(cd "$dir" && TALENT_EVENT_FILE=events TALENT_RESTART=1 run x86_64 recurse >> out 2>> err 8>&-; echo $? > rc2)
exec 8>&-
wait $reader
expected=$(printf 'started i686\ncheckpoint 1 ckpt-000001.tck\nready 1 x86_64\nexiting 0')
if [ "$(cat "$dir/rc1")" = 75 ] && [ "$(cat "$dir/rc2")" = 0 ] && cmp -s "$dir/out" "$WORK/recurse.ref" &&
    [ "$(cat "$dir/events.read")" = "$expected" ] && [ ! -s "$dir/err" ]; then
    pass "event file is a FIFO with a reader: i686 stop and x86_64 restart write their lines into it"
else
    fail "event FIFO with a reader: rc $(cat "$dir/rc1") then $(cat "$dir/rc2"), read: $(tr '\n' '|' < "$dir/events.read") ($dir)"
fi
# a FIFO nobody reads: reported once, the program is not held up
dir="$WORK/events-fifo-noreader"; rm -rf "$dir"; mkdir -p "$dir"; mkfifo "$dir/events"
(cd "$dir" && TALENT_EVENT_FILE=events TALENT_EVERY_VISITS=5 run x86_64 recurse arg1 > out 2> err)
rc=$?
if [ $rc = 0 ] && cmp -s "$dir/out" "$WORK/recurse.ref" && [ "$(grep -c . "$dir/err")" = 1 ] &&
    grep -qF "talent: warning: cannot open event file $dir/events: No such device or address; the program goes on" "$dir/err"; then
    pass "event FIFO without a reader: one warning ($(cut -c1-90 "$dir/err")...), the program runs to its end"
else
    fail "event FIFO without a reader: rc $rc ($(cat "$dir/err"))"
fi

# TALENT_FAULT=checkpoint-write: SIGUSR1's checkpoint fails, the program keeps running, output as if never asked
dir="$WORK/fault-usr1"; rm -rf "$dir"; mkdir -p "$dir"
(cd "$dir" && { TALENT_FAULT=checkpoint-write TALENT_EVENT_FILE=events "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p
  sleep 0.15; kill -USR1 $p; sleep 0.15; kill -USR1 $p; wait $p; echo $? > rc1; })
# (the runtime makes its checkpoint directory absolute as it starts: the program may change directory)
msg="checkpoint 1 could not be written: cannot write $dir/.ckpt-000001.tck.tmp: Input/output error (fault injected by TALENT_FAULT=checkpoint-write)"
if [ "$(cat "$dir/rc1")" = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref" && [ "$(grep -c "^talent: $msg; the program continues$" "$dir/err")" = 2 ] &&
    [ "$(grep -c "^checkpoint-failed $msg$" "$dir/events")" = 2 ] && [ "$(tail -1 "$dir/events")" = "exiting 0" ] &&
    ! grep -q "^ready" "$dir/events" && no_checkpoint_in "$dir"; then
    pass "checkpoint-write fault, SIGUSR1 twice: both reported (stderr + checkpoint-failed event), no file left, the program goes on and its output equals the uninterrupted run"
else
    fail "checkpoint-write fault with SIGUSR1: rc $(cat "$dir/rc1") ($dir)"
fi
# the fault is per process: the next run in the same directory checkpoints normally
(cd "$dir" && { "$WORK/bin/waiter.x86_64" s > out2 2> err2 & p=$!; wait_handler $p; sleep 0.2; kill -USR1 $p; wait $p; echo $? > rc2; })
(cd "$dir" && TALENT_RESTART=1 run x86_64 waiter >> out2 2>> err2)
rc=$?
if [ "$(cat "$dir/rc2")" = 75 ] && [ $rc = 0 ] && cmp -s "$dir/out2" "$WORK/waiter.ref" && [ -e "$dir/ckpt-000001.tck" ]; then
    pass "without the fault, a second run in the same directory stops at SIGUSR1 (exit 75) and restarts"
else
    fail "second run without the fault: rc $(cat "$dir/rc2") then $rc ($dir)"
fi
# stop_after with the fault: the program continues and the count is not retried
dir="$WORK/fault-stop-after"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_FAULT=checkpoint-write TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=7 run s390x recurse arg1 > "$dir.out" 2> "$dir.err"
rc=$?
if [ $rc = 0 ] && cmp -s "$dir.out" "$WORK/recurse.ref" && [ "$(grep -c "could not be written" "$dir.err")" = 1 ] && [ -z "$(ls -A "$dir")" ]; then
    pass "stop_after=7 with the checkpoint-write fault on s390x: one failure reported, not retried, output equals the reference"
else
    fail "stop_after with the checkpoint-write fault: rc $rc ($dir.err)"
fi
# periodic checkpoints failing again and again over heap structures (qsort, recursion) and open files
dir="$WORK/fault-periodic"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_FAULT=checkpoint-write TALENT_CHECKPOINT_DIR=$dir TALENT_EVERY_VISITS=3 run i686 structures > "$dir.out" 2> "$dir.err"
rc=$?
nfail=$(grep -c "could not be written" "$dir.err")
(cd "$dir" && TALENT_FAULT=checkpoint-write TALENT_EVERY_VISITS=2 run x86_64 filerw "$WORK/filerw.in" < "$WORK/filerw.stdin" > out 2> err)
rc2=$?
if [ $rc = 0 ] && cmp -s "$dir.out" "$WORK/structures.ref" && [ "$nfail" -gt 3 ] && [ $rc2 = 0 ] && same_files "$dir" &&
    no_checkpoint_in "$dir"; then
    pass "every_visits with the checkpoint-write fault: structures on i686 ($nfail failures) and filerw (files) continue from memory, outputs equal the uninterrupted runs"
else
    fail "periodic checkpoints with the checkpoint-write fault: rc $rc/$rc2, $nfail failures ($dir)"
fi
# a real failure: the checkpoint directory cannot be created (a regular file is in the way; root ignores modes)
dir="$WORK/unwritable"; rm -rf "$dir"; mkdir -p "$dir"; : > "$dir/file"
(cd "$dir" && { TALENT_CHECKPOINT_DIR=file/ck TALENT_EVENT_FILE=events "$WORK/bin/waiter.x86_64" s > out 2> err & p=$!; wait_handler $p
  sleep 0.2; kill -USR1 $p; wait $p; echo $? > rc1; })
msg="checkpoint 1 could not be written: cannot create checkpoint directory $dir/file/ck: Not a directory"
if [ "$(cat "$dir/rc1")" = 0 ] && cmp -s "$dir/out" "$WORK/waiter.ref" && [ "$(cat "$dir/err")" = "talent: $msg; the program continues" ] &&
    grep -qx "checkpoint-failed $msg" "$dir/events"; then
    pass "checkpoint_dir below a regular file: SIGUSR1's checkpoint fails with ENOTDIR, reported, the program continues to the reference output"
else
    fail "unwritable checkpoint directory: rc $(cat "$dir/rc1") ($(cat "$dir/err"))"
fi

# TALENT_FAULT=restore, restore_file exact and invalid
dir="$WORK/restore-file"; rm -rf "$dir" "$dir".*; mkdir -p "$dir"
# three runs stopping after 4 visits each: ckpt-000001 .. ckpt-000003, the output of each run kept apart
for r in 1 2 3; do
    TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=4 TALENT_RESTART=$([ $r = 1 ] && echo 0 || echo 1) run x86_64 recurse arg1 > "$dir.run$r" 2> /dev/null
done
TALENT_FAULT=restore TALENT_EVENT_FILE=$dir.events TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run aarch64 recurse > "$dir.fault.out" 2> "$dir.fault.err"
rc=$?
if [ $rc = 65 ] && [ "$(cat "$dir.fault.err")" = "talent: restore of checkpoint 3 failed: fault injected by TALENT_FAULT=restore (a testing aid: the restart fails just before the program would resume)" ] &&
    [ ! -s "$dir.fault.out" ] && [ ! -e "$dir.events" ]; then
    pass "restore fault: exit 65, '$(cut -c1-80 "$dir.fault.err")...', no output, no ready event"
else
    fail "restore fault: exit $rc ($(cat "$dir.fault.err"))"
fi
# restore exactly ckpt-000002 (not the newer ckpt-000003): the first two runs' output, then this one's
TALENT_EVENT_FILE=$dir.events2 TALENT_RESTORE_FILE=$dir/ckpt-000002.tck TALENT_RESTART=1 run riscv64 recurse > "$dir.b" 2> "$dir.b.err"
rc=$?
if [ $rc = 0 ] && cat "$dir.run1" "$dir.run2" "$dir.b" | cmp -s - "$WORK/recurse.ref" && [ "$(head -1 "$dir.events2")" = "ready 2 riscv64" ] &&
    [ -e "$dir/ckpt-000003.tck" ]; then
    pass "restore_file=ckpt-000002.tck restores exactly that one on riscv64 although ckpt-000003 is newer"
else
    fail "restore_file exact: exit $rc ($(cat "$dir.b.err"))"
fi
cp "$dir/ckpt-000003.tck" "$dir/damaged.tck"
printf 'X' | dd of="$dir/damaged.tck" bs=1 seek=40 conv=notrunc 2> /dev/null
TALENT_RESTORE_FILE=$dir/damaged.tck TALENT_RESTART=1 run x86_64 recurse > "$dir.c" 2> "$dir.c.err"
rc=$?
TALENT_RESTORE_FILE=$dir/missing.tck TALENT_RESTART=1 run x86_64 recurse > /dev/null 2> "$dir.d.err"
rc2=$?
if [ $rc = 66 ] && [ ! -s "$dir.c" ] && [ "$(grep -c . "$dir.c.err")" = 1 ] &&
    grep -q "^talent: checkpoint $dir/damaged.tck (restore_file) cannot be used: section META at offset 24: CRC32C mismatch .*; it is not replaced by another checkpoint$" "$dir.c.err" &&
    [ $rc2 = 66 ] && grep -q "missing.tck (restore_file) cannot be used: cannot open: No such file or directory" "$dir.d.err"; then
    pass "restore_file invalid: exit 66 with the reader's message ($(cut -c1-120 "$dir.c.err")...), no fallback; a missing one exits 66 too"
else
    fail "restore_file invalid: exit $rc/$rc2 ($(cat "$dir.c.err" "$dir.d.err"))"
fi
TALENT_FAULT=disk-full run x86_64 recurse > /dev/null 2> "$dir.e.err"
rc=$?
[ $rc = 64 ] && grep -q "TALENT_FAULT: fault='disk-full' is not valid" "$dir.e.err" && pass "unknown fault: exit 64 ($(cat "$dir.e.err"))" ||
    fail "unknown fault: exit $rc ($(cat "$dir.e.err"))"

# ---------------------------------------------------------------- TALENT_AWAIT_GO (go.c): a restart started ahead
dir="$WORK/go"; rm -rf "$dir" "$dir".*; mkdir -p "$dir"
TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=4 run x86_64 recurse arg1 > "$dir.run1" 2> /dev/null
mkfifo "$dir.fifo"
# it waits (no output, no event, no checkpoint read) until the go line, then restores as any restart, on aarch64
TALENT_AWAIT_GO=$dir.fifo TALENT_EVENT_FILE=$dir.events TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run aarch64 recurse > "$dir.run2" 2> "$dir.err" &
pid=$!
sleep 1
waited=0
kill -0 $pid 2> /dev/null && [ ! -s "$dir.run2" ] && [ ! -e "$dir.events" ] && waited=1
printf 'go\n' > "$dir.fifo"
wait $pid
rc=$?
if [ $waited = 1 ] && [ $rc = 0 ] && cat "$dir.run1" "$dir.run2" | cmp -s - "$WORK/recurse.ref" && [ "$(head -1 "$dir.events")" = "ready 1 aarch64" ]; then
    pass "TALENT_AWAIT_GO: the restart waits on its FIFO, then restores on aarch64 to the reference output"
else
    fail "TALENT_AWAIT_GO: waited $waited, exit $rc ($(cat "$dir.err"))"
fi
# the FIFO closed with nothing written (talent discarded the destination): exit 66, nothing on stderr or stdout;
# closed after part of the line: exit 64, said
TALENT_AWAIT_GO=$dir.fifo TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 recurse > "$dir.run5" 2> "$dir.err5" &
pid=$!
: > "$dir.fifo"
wait $pid
rc=$?
TALENT_AWAIT_GO=$dir.fifo TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 recurse > /dev/null 2> "$dir.err6" &
pid=$!
printf 'g' > "$dir.fifo"
wait $pid
rc2=$?
if [ $rc = 66 ] && [ ! -s "$dir.run5" ] && [ ! -s "$dir.err5" ] && [ $rc2 = 64 ] &&
    grep -q "was closed inside a line (1 bytes of it read)" "$dir.err6"; then
    pass "TALENT_AWAIT_GO: closed unwritten: exit 66 in silence; closed mid-line: exit 64 ($(cat "$dir.err6"))"
else
    fail "TALENT_AWAIT_GO closed: exit $rc/$rc2 ($(cat "$dir.err5" "$dir.err6"))"
fi
# anything but the go line: exit 64 before a checkpoint is read; the variable names no FIFO: exit 64
TALENT_AWAIT_GO=$dir.fifo TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 recurse > "$dir.run3" 2> "$dir.err3" &
pid=$!
printf 'gone\n' > "$dir.fifo"
wait $pid
rc=$?
TALENT_AWAIT_GO=$dir.run1 TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run x86_64 recurse > /dev/null 2> "$dir.err4"
rc2=$?
if [ $rc = 64 ] && [ ! -s "$dir.run3" ] && grep -q "carried something else than the go message" "$dir.err3" &&
    [ $rc2 = 64 ] && grep -q "is not a FIFO" "$dir.err4"; then
    pass "TALENT_AWAIT_GO: another line or a regular file: exit 64 ($(cat "$dir.err3"))"
else
    fail "TALENT_AWAIT_GO refusals: exit $rc/$rc2 ($(cat "$dir.err3" "$dir.err4"))"
fi

# ---------------------------------------------------------------- TALENT_VERBOSE timing lines (README.md)
dir="$WORK/verbose"; rm -rf "$dir"; mkdir -p "$dir"
TALENT_VERBOSE=1 TALENT_CHECKPOINT_DIR=$dir TALENT_STOP_AFTER=30 run x86_64 structures > /dev/null 2> "$dir.w.err"
TALENT_VERBOSE=1 TALENT_CHECKPOINT_DIR=$dir TALENT_RESTART=1 run s390x structures > /dev/null 2> "$dir.r.err"
wline=$(grep -E '^talent: checkpoint 1 written: [0-9]+\.[0-9] MiB, [1-9][0-9]* heap blocks, [0-9]+\.[0-9] ms \(collect [0-9]+\.[0-9], encode [0-9]+\.[0-9], write\+fsync [0-9]+\.[0-9]\)$' "$dir.w.err")
rline=$(grep -E '^talent: restored checkpoint 1 from x86_64: [0-9]+\.[0-9] ms \([0-9]+\.[0-9] MiB, [1-9][0-9]* heap blocks; read\+validate [0-9]+\.[0-9], heap [0-9]+\.[0-9], globals\+frames [0-9]+\.[0-9]\)$' "$dir.r.err")
if [ -n "$wline" ] && [ -n "$rline" ]; then
    pass "TALENT_VERBOSE=1 timing lines: '$wline' / '$rline'"
else
    fail "TALENT_VERBOSE=1 timing lines missing or malformed ($dir.w.err, $dir.r.err)"
fi

echo "checkpoints of format_sample per ISA: $WORK/format-sample/<isa>/ckpt-000001.tck"
if [ $SANITIZE = 1 ]; then
    reports=$(find "$WORK/sanitizer" -name 'report.*' -size +0 | sort)
    if [ -z "$reports" ]; then
        pass "no AddressSanitizer or UndefinedBehaviorSanitizer report in any x86_64 run"
    else
        for r in $reports; do echo "---- $r"; head -60 "$r"; done
        fail "sanitizer reports: $(echo "$reports" | wc -l) (in $WORK/sanitizer)"
    fi
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
