#!/usr/bin/env bash
# Classification figures: N linked synthetic movements (default 10 million,
# BENCH_CLASSIFY_MOVEMENTS=N changes it) classified end to end: read from
# the store, sorted by person, classified, estimated and written back, with
# peak memory. The store is prepared once (synth, ingest, link: about six
# minutes for 10 million) and kept; the 10-million store of
# bench/tabulate.sh is used when it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_CLASSIFY_MOVEMENTS:-10000000}
dir=build/bench/classify-$n
db="$dir/pasos.db"
[ -f "build/bench/tab-$n/pasos.db" ] && [ ! -f "$db" ] && db="build/bench/tab-$n/pasos.db"
if [ ! -f "$db" ]; then
  echo "preparing $n linked movements (once)..."
  mkdir -p "$dir"
  ./pasos synth --out "$dir" --movements "$n" --seed 12 > /dev/null
  ./pasos --db "$dir/pasos.db.tmp" ingest -q --report-dir "$dir" movements "$dir/movements.csv"
  ./pasos --db "$dir/pasos.db.tmp" link > /dev/null
  mv "$dir/pasos.db.tmp" "$db"
fi
crossings=$(sqlite3 "$db" "select count(*) from reg_movements")
/usr/bin/time -f "%e %M" -o build/bench/classify.time ./pasos --db "$db" classify > build/bench/classify-run.txt
read -r s kb < build/bench/classify.time
echo "classification of $crossings stored movements, end to end (read, sort, classify, estimate, write back)"
printf "  %.1f s, peak %.0f MB (goal: under 30 s for 10 million, memory bounded)\n" "$s" "$(echo "$kb / 1024" | bc -l)"
grep -E 'classified|provisional results' build/bench/classify-run.txt | sed 's/^/  /'
