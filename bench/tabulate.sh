#!/usr/bin/env bash
# Tabulation figures: INE's monthly table with every margin (crossings and
# distinct persons) for N synthetic movements (default 1 million; 10 million
# with BENCH_TAB_MOVEMENTS=10000000), by pasos and by DuckDB (GROUPING SETS,
# through the npm package @duckdb/node-api) in the same run, from the same
# CSV and from the same data loaded; every non-zero cell is compared.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_TAB_MOVEMENTS:-1000000}
dir=build/bench/tab-$n
mkdir -p "$dir"
if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
  (cd bench/duckdb && npm install --no-audit --no-fund > /dev/null)
fi
if [ ! -f "$dir/pasos.db" ]; then
  echo "preparing $n movements (valid rows only, so that both read the same data)..."
  rm -f "$dir/pasos.db"
  ./pasos synth --out "$dir" --movements "$n" --seed 12 --invalid-rate 0 --dup-rate 0 --conflict-rate 0 > /dev/null
  /usr/bin/time -f "%e" -o "$dir/ingest.time" ./pasos --db "$dir/pasos.db" ingest -q --report-dir "$dir" movements "$dir/movements.csv"
  ./pasos --db "$dir/pasos.db" link > /dev/null
  sqlite3 -csv -header "$dir/pasos.db" "select record_id, person_id from person_links where register = 'movements'" > "$dir/links.csv"
fi
/usr/bin/time -f "%e %M" -o "$dir/tab.time" ./pasos --db "$dir/pasos.db" tabulate --out "$dir/out" ine_monthly > /dev/null
read -r tab_s tab_kb < "$dir/tab.time"
ingest_s=$(cat "$dir/ingest.time")
DUCKDB_TEMP="$dir/duckdb.tmp" node bench/duckdb/ine.mjs "$dir/movements.csv" "$dir/links.csv" codelists/border_posts.csv codelists/regions.csv \
  "$dir/out/ine_monthly.exact.csv" > "$dir/duckdb.json" || { echo "DuckDB did not finish (see above); pasos tabulate took ${tab_s:-?} s"; rm -rf "$dir/duckdb.tmp"; exit 0; }
rm -rf "$dir/duckdb.tmp"
node -e '
  const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const [tab, ingest, kb, rows] = process.argv.slice(2).map(Number);
  console.log(`INE monthly table with every margin, ${rows} movements (crossings and distinct persons)`);
  console.log(`  from the data loaded:  pasos tabulate ${tab.toFixed(2)} s (peak ${(kb / 1024).toFixed(0)} MB, output written)   DuckDB ${d.tableSeconds.toFixed(2)} s   ratio ${(d.tableSeconds / tab).toFixed(1)}x`);
  console.log(`  from the same CSV:     pasos ingest + tabulate ${(ingest + tab).toFixed(2)} s   DuckDB ${d.csvSeconds.toFixed(2)} s   ratio ${(d.csvSeconds / (ingest + tab)).toFixed(1)}x`);
  console.log(`  non-zero cells ${d.cells}; cells that differ: ${d.mismatches}; cells only in pasos: ${d.extra}`);
' "$dir/duckdb.json" "$tab_s" "$ingest_s" "$tab_kb" "$(($(wc -l < "$dir/movements.csv") - 1))"
