#!/usr/bin/env bash
# Disclosure-control figures (issue 6), on the 1-million-movement store of
# bench/tabulate.sh: the cell key method on a table of about 145 million
# cells (bench/tables/big_cellkey.tab), and cell suppression with its LP
# audit against the hypercube baseline on INE's monthly table for a year
# (a store of its own, 500 k movements), each under
# a time limit (BENCH_PROTECT_LIMIT seconds, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/bench/tab-1000000
limit=${BENCH_PROTECT_LIMIT:-900}
[ -f "$dir/pasos.db" ] || bench/tabulate.sh > /dev/null
echo "cell key method, 145 million cells (tabulation, then protection alone):"
/usr/bin/time -f "  total %e s, peak %M KB" ./pasos --db "$dir/pasos.db" protect --dry-run bench/tables/big_cellkey.tab 2>&1 | sed 's/^/  /'
# INE's table for a year: 500 k movements over 12 months, linked
year=build/bench/ine-year
if [ ! -f "$year/pasos.db" ]; then
  rm -rf "$year" && mkdir -p "$year"
  ./pasos synth --out "$year/data" --movements 500000 --months 12 --start 2024-01-01 > /dev/null
  (cd "$year" && ../../../pasos --db pasos.db ingest movements data/movements.csv > /dev/null && ../../../pasos --db pasos.db link > /dev/null)
fi
for m in suppression hypercube; do
  echo "$m on ine_monthly, a year (limit $limit s):"
  st=0
  timeout "$limit" /usr/bin/time -f "  total %e s, peak %M KB" ./pasos --db "$year/pasos.db" protect --dry-run --method "$m" ine_monthly 2>&1 \
    | sed 's/^/  /' || st=${PIPESTATUS[0]}
  if [ "$st" = 124 ]; then echo "  did not finish within $limit s"
  elif [ "$st" != 0 ]; then echo "  (exit $st: the audit could not prove the pattern safe)"; fi
done
