#!/usr/bin/env bash
# make torture: fail each allocation in turn (MEM_FAIL_AT=N) during a small
# ingest, then link and classify; every run must either succeed or abort
# with the out-of-memory message, and the store must stay consistent after
# each.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
pasos="$root/pasos"
export PASOS_HOME="$root"
work=$(mktemp -d)
cd "$work"
"$pasos" synth --out d --movements 300 --months 2 > /dev/null
bad=0
n=1
while :; do
  { MEM_FAIL_AT=$n "$pasos" --db t.db ingest -q movements d/movements.csv 2> err.txt; } 2> /dev/null
  rc=$?
  if [ $rc -ne 0 ] && ! grep -q "out of memory" err.txt; then
    echo "allocation $n: exit $rc without the out-of-memory message"; cat err.txt; bad=1
  fi
  if [ -f t.db ] && [ "$(sqlite3 t.db 'pragma integrity_check' 2>/dev/null)" != ok ]; then
    echo "allocation $n: store not consistent"; bad=1
  fi
  [ $rc -eq 0 ] && ! grep -q "out of memory" err.txt && break
  n=$((n + 1))
  [ $n -gt 5000 ] && break
done
# after all the failures, one clean run finishes the job
"$pasos" --db t.db ingest movements d/movements.csv > final.txt || bad=1
echo "torture: $n allocation failure points tried"
# then linkage and classification on the store: each failed run ends with the
# message, the store stays consistent, and a clean run gives what a store
# never interrupted gives
cp t.db clean.db
"$pasos" --db clean.db link > /dev/null && "$pasos" --db clean.db classify > /dev/null || bad=1
for cmd in link classify; do
  n=1
  while :; do
    { MEM_FAIL_AT=$n "$pasos" --db t.db $cmd > /dev/null 2> err.txt; } 2> /dev/null
    rc=$?
    if [ $rc -ne 0 ] && ! grep -q "out of memory" err.txt; then
      echo "$cmd, allocation $n: exit $rc without the out-of-memory message"; cat err.txt; bad=1
    fi
    if [ "$(sqlite3 t.db 'pragma integrity_check' 2>/dev/null)" != ok ]; then
      echo "$cmd, allocation $n: store not consistent"; bad=1
    fi
    [ $rc -eq 0 ] && ! grep -q "out of memory" err.txt && break
    n=$((n + 1))
    [ $n -gt 5000 ] && break
  done
  echo "torture: $cmd, $n allocation failure points tried"
done
for q in "select * from person_links order by 1, 2" "select * from classified_crossings order by movement_rowid"; do
  [ "$(sqlite3 t.db "$q" | sha256sum)" = "$(sqlite3 clean.db "$q" | sha256sum)" ] || { echo "differs from a clean run: $q"; bad=1; }
done
rm -rf "$work"
exit $bad
