# Every other register from the same lives: they agree with the border register
# (checked from the files by tests/synth/registers_agree.py), every row is ingested,
# rejected for the fault synth put in it, or a duplicate, and linkage across the
# registers scores a person-level F1 of at least 0.99 against the truth (scored by
# tests/link/cross_registers.py, not by pasos).
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 200000 --seed 17 > synth.txt
python3 "$ROOT/tests/synth/registers_agree.py" d > agree.txt || { cat agree.txt; fail "registers disagree"; }
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
for r in employment_agencies job_offers_abroad job_seekers placements consular_registrations \
         repatriations trafficking_cases trafficking_victims training_enrolments census_emigrants; do
  $PASOS --db s.db ingest --report-dir rep $r d/$r.csv > $r.txt
  rows=$(grep "^$r:" synth.txt | grep -o '[0-9]* rows' | cut -d' ' -f1)
  invalid=$(grep "^$r:" synth.txt | grep -o '[0-9]* made invalid' | cut -d' ' -f1)
  twice=$(grep "^$r:" synth.txt | grep -o '[0-9]* sent twice' | cut -d' ' -f1)
  expect_eq "$(summary read $r.txt)" "$rows" "$r: rows read"
  expect_eq "$(summary rejected $r.txt)" "$invalid" "$r: rejected are the rows made invalid"
  expect_eq "$(summary duplicates $r.txt)" "$twice" "$r: duplicates are the rows sent twice"
  expect_eq "$(summary accepted $r.txt)" "$((rows - invalid - twice))" "$r: accepted"
  expect_eq "$(sqlite3 s.db "SELECT count(*) FROM reg_$r")" "$((rows - invalid - twice))" "$r: rows in the store"
done
# a case's event, a victim, a placement naming nothing stored: rejected by name
printf 'event_id,case_id,stage,event_date,department,crime,exploitation,scope\nX-1,NOPE,TRIAL,2024-01-05,BO-L,SMUGGLING,,INTERNAL\n' > orphan.csv
$PASOS --db s.db ingest --report-dir rep trafficking_cases orphan.csv > orphan.txt
expect_eq "$(summary rejected orphan.txt)" 1 "an event of a case never opened"
grep -q '"case_id","case_complained"' rep/orphan.csv.rejects.csv || fail "the rule is not named"
$PASOS --db s.db link --truth d/truth_records.csv > link.txt
# victims identify no one: never linked
expect_eq "$(sqlite3 s.db "SELECT count(*) FROM person_links WHERE register IN ('trafficking_victims','census_emigrants','placements')")" 0 "nameless registers linked"
python3 "$ROOT/tests/link/cross_registers.py" d s.db --min-f1 0.99 > f1.txt || { cat f1.txt; fail "linkage across registers"; }
