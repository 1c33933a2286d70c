# Classify linked synthetic movements: every crossing gets a result, and the
# residence after each crossing agrees with the generator's story (where the
# person really lived) on at least 99.5% of final results with perfect
# linkage, and with pasos' own linkage.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 40000 --seed 31 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db classify --truth d --true-persons > truth.txt
$PASOS --db s.db classify --truth d > linked.txt
cat truth.txt linked.txt
for f in truth.txt linked.txt; do
  a=$(grep -o '([0-9.]*% of [0-9]* final' $f | grep -o '[0-9.]*%' | tr -d '%')
  awk -v a="$a" 'BEGIN {exit !(a >= 99.5)}' || fail "$f: agreement on final results $a% below 99.5%"
done
expect_eq "$(sqlite3 s.db 'select count(*) from classified_crossings')" "$(sqlite3 s.db 'select count(*) from reg_movements')" "a result for every crossing"
grep -q "long-term migrations by year" linked.txt || fail "no migrants by year"
sqlite3 s.db "select count(*) from classified_crossings where provisional = 1" > prov
[ "$(cat prov)" -gt 0 ] || fail "no provisional results at the end of the period"
# as-of is the latest crossing, not the wall clock: same results on a rerun
sqlite3 s.db "select * from classified_crossings order by movement_rowid" | sha256sum > first
$PASOS --db s.db classify > /dev/null
$PASOS --db s.db classify > /dev/null
sqlite3 s.db "select * from classified_crossings order by movement_rowid" | sha256sum > second
cmp -s first second || fail "results changed on a rerun"
# the derived figures hold every final long-term migration, by month, direction, nationality, sex, age
expect_eq "$(sqlite3 s.db 'select sum(final) from long_term_migration')" \
  "$(sqlite3 s.db 'select count(*) from classified_crossings where long_term_migration = 1 and provisional = 0')" \
  "final migrations in the derived figures"
sqlite3 s.db "select distinct age_group from long_term_migration" | grep -q Y18T29 || fail "age groups"
