#!/usr/bin/env bash
# Disclosure-control figures (issue 6), on the 1-million-movement store of
# bench/tabulate.sh: the cell key method on a table of about 145 million
# cells (bench/tables/big_cellkey.tab), and cell suppression with its LP
# audit against the hypercube baseline on INE's monthly table, each under
# a time limit (BENCH_PROTECT_LIMIT seconds, default 900).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/bench/tab-1000000
limit=${BENCH_PROTECT_LIMIT:-900}
[ -f "$dir/pasos.db" ] || bench/tabulate.sh > /dev/null
echo "cell key method, 145 million cells (tabulation, then protection alone):"
/usr/bin/time -f "  total %e s, peak %M KB" ./pasos --db "$dir/pasos.db" protect --dry-run bench/tables/big_cellkey.tab 2>&1 | sed 's/^/  /'
for m in suppression hypercube; do
  echo "$m on ine_monthly (limit $limit s):"
  timeout "$limit" /usr/bin/time -f "  total %e s, peak %M KB" ./pasos --db "$dir/pasos.db" protect --dry-run --method "$m" ine_monthly 2>&1 \
    | sed 's/^/  /' || echo "  did not finish within $limit s"
done
