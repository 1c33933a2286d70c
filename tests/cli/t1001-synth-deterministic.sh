# Same seed, same files; another seed, other files; the truth covers every row.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out a --movements 20000 --seed 5 > a.txt
$PASOS synth --out b --movements 20000 --seed 5 > b.txt
$PASOS synth --out c --movements 20000 --seed 6 > c.txt
[ "$(ls a | wc -l)" -ge 16 ] || fail "synth wrote $(ls a | wc -l) files, not every register"
for f in a/*.csv; do
  cmp -s $f b/${f#a/} || fail "${f#a/} differs for the same seed"
done
cmp -s a/movements.csv c/movements.csv && fail "another seed gave the same movements"
rows=$(($(wc -l < a/movements.csv) - 1))
regs=$(($(wc -l < a/regularizations.csv) - 1))
truth=$(($(wc -l < a/truth_records.csv) - 1))
# registers of persons: every row has its person in the truth (nameless registers have none)
others=0
for r in consular_registrations repatriations job_seekers training_enrolments; do
  others=$((others + $(wc -l < a/$r.csv) - 1))
done
expect_eq "$truth" "$((rows + regs + others))" "truth records cover every row"
expect_eq "$(($(wc -l < a/truth_census.csv) - 1))" "$(tail -n +2 a/census_emigrants.csv | cut -d, -f1 | sort -u | wc -l)" "census truth covers every record"
# about the number asked for
[ "$rows" -gt 15000 ] && [ "$rows" -lt 26000 ] || fail "movements $rows far from 20000"
# every person in the truth of records has a story
cut -d, -f3 a/truth_records.csv | tail -n +2 | sort -u > rec_persons
cut -d, -f1 a/truth_residence.csv | tail -n +2 | sort -u > story_persons
[ -z "$(comm -23 rec_persons story_persons)" ] || fail "records of persons without a story"
# times are in order
tail -n +2 a/movements.csv | cut -d, -f3 | sort -c || fail "movements not in time order"
# all kinds of person are there
for k in resident_traveller frontier_commuter_bolivian frontier_commuter_foreign tourist \
         bolivian_abroad_visitor emigrant returning_emigrant settler irregular_settler; do
  grep -q ",$k," a/truth_persons.csv || fail "no $k"
done
# the errors real registers have
for e in accents_dropped typo second_surname_missing given_names_shortened birth_day_month_swapped; do
  grep -q "$e" a/truth_records.csv || fail "no $e in the truth"
done
