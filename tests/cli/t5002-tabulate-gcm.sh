# The GCM objective 1 table: persons by age group, nationality group and
# migratory status from the classification; provisional cells flagged P;
# the table needs the classification first.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 8000 --months 14 --seed 43 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
set +e; $PASOS --db s.db tabulate --out out gcm_objective1 2> err.txt; rc=$?; set -e
expect_eq "$rc" 2 "without the classification"; grep -q "run 'pasos classify' first" err.txt || fail "message: $(cat err.txt)"
$PASOS --db s.db classify > /dev/null
$PASOS --db s.db tabulate --out out gcm_objective1 > /dev/null
t=out/gcm_objective1.exact.csv
head -1 $t | grep -q '^TIME_PERIOD,DIRECTION,SEX,AGE,NATIONALITY,MIGRATORY_STATUS,MEASURE,value,status' || fail "header"
grep -q $',P\r$' $t || fail "no provisional cell flagged P"
grep -q $',A\r$' $t || fail "no final cell"
# persons of a year by migratory status: residents and non-residents add up at least to the total
tot=$(grep '^2023,_T,_T,_T,_T,_T,PERSONS' $t | cut -d, -f8)
res=$(grep '^2023,_T,_T,_T,_T,RES,PERSONS' $t | cut -d, -f8)
nres=$(grep '^2023,_T,_T,_T,_T,NRES,PERSONS' $t | cut -d, -f8)
[ "$tot" -gt 0 ] && [ "$res" -le "$tot" ] && [ "$nres" -le "$tot" ] && [ $((res + nres)) -ge "$tot" ] || fail "status margins $res + $nres vs $tot"
# the same persons as SQL says, for one cell: women under 18, national, 2023
got=$(grep '^2023,_T,F,Y_LT18,BOL,_T,PERSONS' $t | cut -d, -f8)
want=$(sqlite3 s.db "select count(distinct l.person_id) from reg_movements m join person_links l on l.register='movements' and l.record_id=m.movement_id
  where m.sex='F' and m.nationality='BOL' and m.event_time like '2023%'
  and (cast(substr(m.event_time,1,4) as int) - cast(substr(m.birth_date,1,4) as int)
       - (substr(m.event_time,6,5) < substr(m.birth_date,6,5))) < 18")
expect_eq "$got" "$want" "girls of Bolivian nationality in 2023"
$PASOS --db s.db protect --out pub gcm_objective1 > /dev/null
grep -q '^AGE,Y12T17,0,Y_LT18,' pub/gcm_objective1.structure.csv || fail "Ley 548 age groups"
# every group of every hierarchy, from the published structure (tests/cli/hierarchy.py)
python3 "$ROOT/tests/cli/hierarchy.py" pub/gcm_objective1.structure.csv $t --additive MIGRANTS --persons PERSONS \
  || fail "gcm_objective1: a group is not the sum of its leaves"
python3 "$ROOT/tests/cli/hierarchy.py" pub/gcm_objective1.structure.csv pub/gcm_objective1.csv > /dev/null \
  || fail "gcm_objective1: the published CSV does not parse"
# the migrants measure counts the long-term migrations the classification found
expect_eq "$(grep '^2023,_T,_T,_T,_T,_T,MIGRANTS' $t | cut -d, -f8)" \
  "$(sqlite3 s.db "select count(*) from classified_crossings c join reg_movements m on m.rowid = c.movement_rowid where c.long_term_migration = 1 and m.event_time like '2023%'")" "migrants in 2023"
