#!/bin/bash
# One Csmith program through talent, for docs/COVERAGE.md (run by hand; CI does not run it).
#
#   talent-it/scripts/csmith-seed.sh SEED [CSMITH OPTIONS...]    prints one line: SEED OUTCOME DETAILS
#
# Generates the program (csmith --seed SEED), builds it with plain gcc (the reference checksum; a run longer
# than 10 s is skipped), builds it with `talent build` for x86_64 and, when plain gcc's s390x build under
# qemu prints the same checksum, s390x. Then: the uninterrupted instrumented run, and stops after 1, 7, 50,
# 300, 2000 and 20000 site visits, each restarted on x86_64 (odd counts) or s390x (even counts); every output
# must equal the reference. OUTCOME: ok, refused (talent build's first errors), MISMATCH-* (a wrong
# checksum: the bug class talent must never have), stop-failed / restart-failed (exit status and message),
# plain-timeout-or-rcN (skipped). Needs: apt-get install csmith libcsmith-dev; talent.jar built
# (TALENT_JAR overrides its path); WORK (default /tmp/talent-csmith) holds one directory per seed.
set -u
seed=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=${TALENT_JAR:-$root/talent-cli/target/talent.jar}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
dir=${WORK:-/tmp/talent-csmith}/s$seed
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
csmith "$@" --seed "$seed" -o p.c >/dev/null 2>&1 || { echo "$seed csmith-failed"; exit 0; }
gcc -O1 -w -I/usr/include/csmith p.c -o p.orig 2>/dev/null || { echo "$seed gcc-failed"; exit 0; }
expected=$(timeout 10 ./p.orig); rc=$?
[ $rc -eq 0 ] || { echo "$seed plain-timeout-or-rc$rc"; exit 0; }
s390=0
if s390x-linux-gnu-gcc -static -O1 -w -I/usr/include/csmith p.c -o p.s390 2>/dev/null \
   && [ "$(timeout 60 qemu-s390x-static ./p.s390)" = "$expected" ]; then
  s390=1
fi
isas=x86_64
[ $s390 = 1 ] && isas=x86_64,s390x
if ! "$java" -jar "$jar" build -o out --isa "$isas" -I/usr/include/csmith -O1 p.c > build.log 2>&1; then
  echo "$seed refused $(grep -m3 'error:' build.log | sed 's/^[^ ]*: error: //' | tr '\n' '|' | cut -c1-300)"
  exit 0
fi
got=$(TALENT_CHECKPOINT_DIR=$dir/ck0 timeout 20 ./out/p.x86_64); rc=$?
[ "$got" = "$expected" ] || { echo "$seed MISMATCH-uninterrupted rc=$rc"; exit 0; }
result=""
for n in 1 7 50 300 2000 20000; do
  ck=$dir/ck$n
  mkdir -p "$ck"
  first=$(TALENT_CHECKPOINT_DIR=$ck TALENT_STOP_AFTER=$n timeout 20 ./out/p.x86_64 2>"$dir/stop.$n.err"); rc=$?
  if [ $rc -eq 0 ]; then
    [ "$first" = "$expected" ] || { echo "$seed MISMATCH-run n=$n"; exit 0; }
    result="$result $n:done"
    continue
  fi
  [ $rc -eq 75 ] || { echo "$seed stop-failed n=$n rc=$rc $(tail -1 "$dir/stop.$n.err" | cut -c1-200)"; exit 0; }
  if [ $s390 = 1 ] && [ $((n % 2)) -eq 0 ]; then
    where=s390x
    second=$(TALENT_CHECKPOINT_DIR=$ck TALENT_RESTART=1 timeout 60 qemu-s390x-static ./out/p.s390x 2>"$dir/restart.$n.err"); rc=$?
  else
    where=x86_64
    second=$(TALENT_CHECKPOINT_DIR=$ck TALENT_RESTART=1 timeout 60 ./out/p.x86_64 2>"$dir/restart.$n.err"); rc=$?
  fi
  [ $rc -eq 0 ] || { echo "$seed restart-failed n=$n on $where rc=$rc $(tail -1 "$dir/restart.$n.err" | cut -c1-200)"; exit 0; }
  # $(...) drops the last newline of each part: the stop fell between lines or inside one
  if [ "$first$second" != "$expected" ] && [ "$(printf '%s\n%s' "$first" "$second")" != "$expected" ]; then
    echo "$seed MISMATCH-migrated n=$n on $where"
    exit 0
  fi
  result="$result $n:$where"
done
echo "$seed ok s390x=$s390$result"
