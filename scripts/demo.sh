#!/usr/bin/env bash
# make demo: two years of synthetic registers (about half a million
# movements, the regularisations and every other register), ingested into a fresh store, linked
# into persons (scored against the generator's truth), classified into
# migrants and visitors, protected tables, every crossing screened against a
# synthetic watch list (with the measured recall), and the summary of what was stored. Two years, because a migrant's status is
# final only 16 months after the crossing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=out/demo
rm -rf "$out"
mkdir -p "$out"
db="$out/pasos.db"
echo "== pasos synth: two years of registers with ground truth"
./pasos synth --out "$out/data" --seed 2024 --start 2023-01-01 --months 24 --movements 500000 --watchlist 3000
echo
echo "== pasos ingest"
./pasos --db "$db" ingest --report-dir "$out" movements "$out/data/movements.csv"
./pasos --db "$db" ingest --report-dir "$out" regularizations "$out/data/regularizations.csv"
echo
echo "== pasos ingest: the other registers (a register before those that refer to it)"
for r in employment_agencies job_offers_abroad job_seekers placements consular_registrations \
         repatriations trafficking_cases trafficking_victims training_enrolments census_emigrants; do
  ./pasos --db "$db" ingest --report-dir "$out" "$r" "$out/data/$r.csv" | grep -E "^ *read [0-9]" | sed "s/^ */  $r: /"
done
echo
echo "== ingest again: nothing is added"
./pasos --db "$db" ingest --report-dir "$out" movements "$out/data/movements.csv"
echo
echo "== pasos link: the same person across documents and registers"
./pasos --db "$db" link --truth "$out/data/truth_records.csv"
echo "linkage across registers (persons with a record outside the border register), scored against the truth:"
python3 tests/link/cross_registers.py "$out/data" "$db"
echo
echo "== pasos classify: migrants and visitors, the 12/16-month rule"
./pasos --db "$db" classify --truth "$out/data"
echo
echo "== pasos protect: INE monthly, the GCM objectives of every register and the census module, every margin, protected (cell key method)"
./pasos --db "$db" protect --out out ine_monthly ine_sex gcm_objective1 regularizations gcm_objective3 \
  gcm_objective6 gcm_objective6_offers gcm_objective6_seekers gcm_objective18 gcm_objective10_cases \
  gcm_objective10_victims gcm_objective10_repatriations gcm_objective10_case_stages \
  gcm_objective10_repatriation_cases census_emigrants register_emigrants
echo
echo "== pasos watchlist + screen: a synthetic watch list, every crossing screened against it"
./pasos --db "$db" watchlist load synthetic "$out/data/watchlist.csv"
./pasos --db "$db" screen -o "$out/hits.csv"
python3 - "$out/hits.csv" <<'PY'
import csv, sys
from collections import Counter
c = Counter(r["kind"] for r in csv.DictReader(open(sys.argv[1], newline="")))
print("hits by kind: " + ", ".join(f"{k} {c[k]}" for k in ("name", "document", "ban", "minor", "overstay")))
PY
python3 tests/screen/quality.py "$out/data" "$out/hits.csv" | grep -v variant
echo
echo "== pasos status"
./pasos --db "$db" status
echo
echo "== pasos report: the bulletin"
./pasos --db "$db" report --tables out --out out/bulletin
echo "open out/bulletin/index.html (Spanish) or out/bulletin/index.en.html (English) in a browser"
