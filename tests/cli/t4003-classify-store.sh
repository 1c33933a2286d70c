# Classify linked synthetic movements: every crossing gets a result, and the
# residence after each crossing agrees with the generator's story (where the
# person really lived) on at least 99.5% of crossings, the provisional ones
# as estimated, and of final results, with perfect linkage and with pasos'
# own linkage.
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
  # every crossing, the provisional ones as estimated
  e=$(grep -o 'replaced by their estimate: [0-9.]*%' $f | grep -o '[0-9.]*%' | tr -d '%')
  awk -v a="$e" 'BEGIN {exit !(a >= 99.5)}' || fail "$f: agreement with estimates $e% below 99.5%"
  # where they differ, by cause: the causes add up to every crossing that differs
  n=$(grep -o 'of [0-9]* crossings' $f | head -1 | grep -o '[0-9]*')
  all=$(awk '/where those differ/ {on = 1; next} on && $1 == "all" {print $2; exit}' $f)
  sum=$(awk '/where those differ/ {on = 1; next} on && $1 == "all" {exit} on {s += $(NF - 1) + $NF} END {print s}' $f)
  expect_eq "$sum" "$all" "$f: causes add up"
  awk -v n="$n" -v d="$all" -v e="$e" 'BEGIN {x = 100 * (n - d) / n; exit !(x - e < 0.006 && e - x < 0.006)}' \
    || fail "$f: $all differing of $n crossings is not $e% agreement"
  grep -q "the rule dates the move here" $f || fail "$f: no cause for the rule's earlier move"
done
# perfect linkage: no difference comes from linkage; pasos' own linkage: some do
expect_eq "$(awk '/linkage merged/ {print $(NF - 1) + $NF}' truth.txt)" 0 "linkage causes with the true persons"
[ "$(awk '/linkage merged/ {print $(NF - 1) + $NF}' linked.txt)" -gt 0 ] || fail "no difference from pasos' linkage"
expect_eq "$(sqlite3 s.db 'select count(*) from classified_crossings')" "$(sqlite3 s.db 'select count(*) from reg_movements')" "a result for every crossing"
# the printed migrants by year are the stored figures (checked against the crossings below)
rows=$(awk '/^  year +arrivals/ {on = 1; next} on && /^  [0-9][0-9][0-9][0-9] / {print $1, $2, $4} on && !/^  [0-9][0-9][0-9][0-9] / {on = 0}' linked.txt)
[ -n "$rows" ] || fail "no migrants by year printed"
expect_eq "$rows" "$(sqlite3 -separator ' ' s.db "select a.year, printf('%.0f', a.final + a.provisional_estimated),
    printf('%.0f', d.final + d.provisional_estimated) from migration_figures a join migration_figures d
    on d.year = a.year and d.figure = 'emigrant_departures' where a.figure = 'immigrant_arrivals' order by a.year")" \
  "migrants by year as printed and as stored"
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
# the figures by year agree with the crossings, and with the derived figures by month
expect_eq "$(sqlite3 s.db "select cast(sum(final) as int) from migration_figures where figure = 'immigrant_arrivals'")" \
  "$(sqlite3 s.db "select count(*) from classified_crossings c join reg_movements m on m.rowid = c.movement_rowid
    where c.long_term_migration = 1 and c.provisional = 0 and m.direction = 'ENTRY'")" "final immigrant arrivals"
expect_eq "$(sqlite3 s.db "select printf('%.3f', sum(provisional_estimated)) from migration_figures where figure = 'emigrant_departures'")" \
  "$(sqlite3 s.db "select printf('%.3f', sum(provisional_estimated)) from long_term_migration where direction = 'EXIT'")" \
  "estimated emigrant departures"
expect_eq "$(sqlite3 s.db "select count(*) from migration_figures where figure = 'net_migration'
    and abs(final + provisional_estimated - (select sum(a.final + a.provisional_estimated) - sum(b.final + b.provisional_estimated)
      from migration_figures a, migration_figures b where a.figure = 'immigrant_arrivals' and b.figure = 'emigrant_departures'
      and a.year = migration_figures.year and b.year = migration_figures.year)) > 1e-6")" 0 "net migration"
expect_eq "$(sqlite3 s.db "select cast(final as int) from migration_figures where figure = 'bolivians_abroad'")" \
  "$(grep -o 'Bolivians living abroad[^:]*: [0-9]*' linked.txt | grep -o '[0-9]*$')" "Bolivians abroad stored as printed"
# a list of known residents sets the initial status: a resident whose first
# crossing is an entry starts resident (not inferred from the entry)
row=$(sqlite3 -csv s.db "select m.document_type, m.document_country, m.document_number, c.person_id
  from classified_crossings c join reg_movements m on m.rowid = c.movement_rowid
  where m.direction = 'ENTRY' and m.nationality = 'BOL' and c.res_before = 0
  and c.movement_rowid = (select min(movement_rowid) from classified_crossings c2 where c2.person_id = c.person_id)
  limit 1")
[ -n "$row" ] || fail "no Bolivian whose first crossing is an entry"
pid=${row##*,}
{ echo "document_type,document_country,document_number,initial_status"; echo "${row%,*},1"; } > residents.csv
$PASOS --db s.db classify --residents residents.csv > res.txt
grep -q "from the list of residents: 1" res.txt || fail "resident not found by document: $(cat res.txt)"
expect_eq "$(sqlite3 s.db "select res_before from classified_crossings where person_id = $pid order by movement_rowid limit 1")" 1 "initial status from the list"
