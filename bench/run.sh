#!/usr/bin/env bash
# make bench: measured figures, never timed tests.
# Ingest of N synthetic movements (default 2 million) by pasos, with full
# validation, duplicate detection and provenance, side by side with the
# sqlite3 shell's .import of the same CSV into a bare table (the floor for
# writing rows to SQLite). Reports seconds, rows per second and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_MOVEMENTS:-2000000}
dir=build/bench
mkdir -p "$dir"
data="$dir/data-$n"
if [ ! -f "$data/movements.csv" ]; then
  echo "generating $n movements..."
  /usr/bin/time -f "synth: %e s, peak %M KB" ./pasos synth --out "$data" --movements "$n" --seed 42 > /dev/null
fi
csv="$data/movements.csv"
rows=$(($(wc -l < "$csv") - 1))
bytes=$(stat -c %s "$csv")
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" > "$dir/$label.out" 2> "$dir/$label.err"
  read -r secs kb < "$dir/time.txt"
  echo "$secs $kb"
}
cat "$csv" > /dev/null   # warm the page cache for both
rm -f "$dir/pasos.db" "$dir/import.db"
read -r p_s p_kb < <(measure pasos ./pasos --db "$dir/pasos.db" ingest -q --report-dir "$dir" movements "$csv")
read -r s_s s_kb < <(measure import sqlite3 "$dir/import.db" ".import --csv $csv movements" 2>/dev/null)
awk -v rows="$rows" -v bytes="$bytes" -v ps="$p_s" -v pk="$p_kb" -v ss="$s_s" -v sk="$s_kb" 'BEGIN {
  printf "ingest of %d movements (%.0f MB)\n", rows, bytes / 1e6
  printf "  %-38s %8s %12s %10s\n", "", "seconds", "rows/s", "peak MB"
  printf "  %-38s %8.2f %12.0f %10.1f\n", "pasos ingest (validate, dedup, provenance)", ps, rows / ps, pk / 1024
  printf "  %-38s %8.2f %12.0f %10.1f\n", "sqlite3 .import (bare table)", ss, rows / ss, sk / 1024
  printf "  pasos / .import time: %.2fx (goal <= 1.5x); pasos peak memory %.0f MB (goal < 200 MB)\n", ps / ss, pk / 1024
}'
stored=$(sqlite3 "$dir/pasos.db" "select accepted + rejected + duplicates + conflicts = rows_read, rows_read from batches")
echo "  accounting (sum = read, rows read): $stored"
bench/link.sh
bench/classify.sh
bench/tabulate.sh
bench/protect.sh
bench/serve.sh
bench/screen.sh
