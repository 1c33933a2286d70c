#!/usr/bin/env bash
# Linkage figures: FEBRL 1-3 (full sizes) and N synthetic movements
# (default 1 million) linked end to end from the store (read, link, write
# back), with peak memory and F1 against the generator's truth.
# BENCH_LINK_MOVEMENTS=N changes the size.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/bench
mkdir -p "$dir"
data=../shared/data
echo "linkage of FEBRL (pairwise F1 after clustering)"
for n in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$dir/t.txt" ./pasos link --schema registers/febrl.reg "$data/febrl$n.csv" \
    -o "$dir/febrl$n.out.csv" --truth-id-parts 2 > "$dir/febrl$n.txt"
  read -r s kb < "$dir/t.txt"
  f1=$(grep -o 'pairwise: .*' "$dir/febrl$n.txt")
  printf "  febrl%d: %5.2f s, peak %4.0f MB, %s\n" "$n" "$s" "$(echo "$kb / 1024" | bc -l)" "$f1"
done
n=${BENCH_LINK_MOVEMENTS:-1000000}
d="$dir/link-$n"
if [ ! -f "$d/pasos.db" ]; then
  echo "preparing $n movements..."
  ./pasos synth --out "$d" --movements "$n" --seed 8 > /dev/null
  ./pasos --db "$d/pasos.db" ingest -q --report-dir "$d" movements "$d/movements.csv"
  ./pasos --db "$d/pasos.db" ingest -q --report-dir "$d" regularizations "$d/regularizations.csv"
fi
records=$(sqlite3 "$d/pasos.db" "select (select count(*) from reg_movements) + (select count(*) from reg_regularizations)")
/usr/bin/time -f "%e %M" -o "$dir/t.txt" ./pasos --db "$d/pasos.db" link --truth "$d/truth_records.csv" > "$dir/link.txt"
read -r s kb < "$dir/t.txt"
echo "linkage of $records stored records (synthetic movements and regularisations), end to end"
printf "  %.1f s, peak %.0f MB (goal: under 60 s and 2 GB for a million)\n" "$s" "$(echo "$kb / 1024" | bc -l)"
grep -E 'candidate pairs|pairwise:|persons:' "$dir/link.txt" | sed 's/^/  /'
/usr/bin/time -f "%e %M" -o "$dir/t.txt" ./pasos --db "$d/pasos.db" classify --truth "$d" > "$dir/classify.txt"
read -r s kb < "$dir/t.txt"
echo "classification of the linked movements (read from the store, written back)"
printf "  %.1f s, peak %.0f MB\n" "$s" "$(echo "$kb / 1024" | bc -l)"
grep -E 'classified|agrees|estimate' "$dir/classify.txt" | sed 's/^/  /'
