#!/bin/bash
# Promptness of checkpoints on demand: time from SIGUSR1 to the checkpoint file renamed into place (and the
# directory fsynced), natively on x86_64, for a compute loop, a program blocked in nanosleep() and one
# blocked in accept(). The runtime prints it with TALENT_VERBOSE=1 ("request latency: <ms> ms from signal to
# checkpoint N written", from the handler's CLOCK_REALTIME reading). Prints median and p99 over N requests.
# Usage: bench-signal.sh [requests=50] [work-dir]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../main/c
N=${1:-50}
WORK=${2:-$(mktemp -d /tmp/talent-bench-signal.XXXXXX)}
mkdir -p "$WORK/obj"
for f in "$SRC"/*.c; do
    gcc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -ffp-contract=off -fsigned-char -I"$SRC/include" \
        -c "$f" -o "$WORK/obj/$(basename "${f%.c}").o" || exit 1
done
gcc -std=c99 -O2 -Wno-type-limits -ffp-contract=off -fsigned-char -static -I"$SRC/include" "$HERE/c/waiter.c" \
    "$WORK/obj"/*.o -o "$WORK/waiter" || exit 1

stats() {   # reads numbers, prints "median X ms, p99 Y ms (n=K)"
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "no samples"; exit }
        m = v[int((NR + 1) / 2)]; i = int(NR * 0.99 + 0.999); if (i > NR) i = NR;
        printf "median %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)\n", m, v[i], v[NR], NR }'
}

for mode in c s a; do
    case $mode in c) name="compute loop" ;; s) name="blocked in nanosleep" ;; a) name="blocked in accept" ;; esac
    : > "$WORK/lat.$mode"; : > "$WORK/site.$mode"
    for k in $(seq 1 "$N"); do
        d="$WORK/run-$mode-$k"; rm -rf "$d"; mkdir -p "$d"; port=$((30000 + (RANDOM % 30000)))
        TALENT_CHECKPOINT_DIR=$d TALENT_VERBOSE=1 "$WORK/waiter" $mode $port > "$d/out" 2> "$d/err" &
        pid=$!
        if [ $mode = s ]; then
            sleep 0.06      # 40 ms steps: the signal arrives in the middle of a sleep
        else
            for _ in $(seq 1 200); do grep -q ready "$d/out" 2> /dev/null && break; sleep 0.005; done
            sleep 0.01
        fi
        kill -USR1 $pid
        wait $pid 2> /dev/null
        sed -n 's/^talent: request latency: \([0-9.]*\) ms.*/\1/p' "$d/err" >> "$WORK/lat.$mode"
        sed -n 's/^talent: request latency: .*(\([0-9.]*\) ms to the site.*/\1/p' "$d/err" >> "$WORK/site.$mode"
    done
    echo "$name: signal to checkpoint written: $(stats < "$WORK/lat.$mode")"
    echo "$name: signal to the site taking it: $(stats < "$WORK/site.$mode")"
done
