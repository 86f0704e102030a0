#!/bin/sh
# Builds the libFuzzer target over the C checkpoint reader (checkpoint_fuzz.c) with ASan and UBSan.
#   build.sh OUT_DIR      writes OUT_DIR/checkpoint_fuzz and OUT_DIR/delta_fuzz (the delta reader, delta_fuzz.c)
# Run from anywhere; needs clang with its fuzzer and sanitizer runtimes (Debian: libfuzzer-NN-dev,
# libclang-rt-NN-dev). CC overrides the compiler.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../main/c"
out=${1:?usage: build.sh OUT_DIR}
cc=${CC:-clang}
mkdir -p "$out/obj"
flags="-std=c99 -g -O1 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -fsigned-char -ffp-contract=off
 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
 -I$src/include -I$src -I$here"
objs=""
for c in "$src"/*.c; do
    o="$out/obj/$(basename "$c" .c).o"
    # shellcheck disable=SC2086
    if [ "$(basename "$c")" = main.c ]; then
        $cc $flags -Dmain=tl_unused_main -c "$c" -o "$o"
    else
        $cc $flags -c "$c" -o "$o"
    fi
    objs="$objs $o"
done
# shellcheck disable=SC2086
$cc $flags -Dmain=tl_corpus_driver_main -c "$here/../c/corpus_driver.c" -o "$out/obj/corpus_driver.o"
# shellcheck disable=SC2086
$cc $flags -c "$here/checkpoint_fuzz.c" -o "$out/obj/checkpoint_fuzz.o"
# shellcheck disable=SC2086
$cc -fsanitize=fuzzer,address,undefined -o "$out/checkpoint_fuzz" $objs "$out/obj/corpus_driver.o" \
    "$out/obj/checkpoint_fuzz.o" -lm
# shellcheck disable=SC2086
$cc $flags -c "$here/delta_fuzz.c" -o "$out/obj/delta_fuzz.o"
# shellcheck disable=SC2086
$cc -fsanitize=fuzzer,address,undefined -o "$out/delta_fuzz" $objs "$out/obj/corpus_driver.o" \
    "$out/obj/delta_fuzz.o" -lm
