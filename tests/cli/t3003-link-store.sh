# Link the stored registers of synth: person-level F1 of at least 0.99 against
# the generator's truth, a person id for every record of every register, the
# same on a rerun and with any number of threads.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 30000 --seed 21 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
$PASOS --db s.db link --truth d/truth_records.csv > st.txt
cat st.txt
pf1=$(grep -o 'persons: .*F1 [0-9.]*' st.txt | grep -o '[0-9.]*$')
awk -v f="$pf1" 'BEGIN {exit !(f >= 0.99)}' || fail "person F1 $pf1 below 0.99"
stored=$(sqlite3 s.db "select count(*) from person_links")
records=$(sqlite3 s.db "select (select count(*) from reg_movements) + (select count(*) from reg_regularizations)")
expect_eq "$stored" "$records" "a person for every record"
# a regularisation links to the same person's crossings when they crossed
both=$(sqlite3 s.db "select count(distinct r.person_id) from person_links r join person_links m on m.person_id = r.person_id and m.register = 'movements' where r.register = 'regularizations'")
[ "$both" -gt 10 ] || fail "no regularisation linked to a crossing ($both)"
sqlite3 s.db "select * from person_links order by register, record_id" | sha256sum > first
$PASOS --db s.db link > /dev/null
sqlite3 s.db "select * from person_links order by register, record_id" | sha256sum > second
cmp -s first second || fail "person ids changed on a rerun"
# the same links whatever the number of threads that compare the pairs
for t in 1 3; do
  $PASOS --db s.db link --threads $t > t$t.txt
  sqlite3 s.db "select * from person_links order by register, record_id" | sha256sum > third
  cmp -s first third || fail "person ids changed with $t threads"
  expect_eq "$(grep 'candidate pairs' t$t.txt)" "$(grep 'candidate pairs' st.txt)" "candidate pairs with $t threads"
done
$PASOS --db s.db link --explain movements:M0000000001 movements:M0000000002 | grep -q "total weight" || fail "explain in store mode"
# sex: twins alike in everything but sex and document are two persons (sex
# counts against a link, and clusters of two sexes are never merged); a
# woman seen twice with two documents is one
hdr=$(head -1 d/movements.csv)
tw() { echo "$1,ENTRY,2024-03-0${4}T10:00:00-04:00,DSG,road,PASSPORT,$2,PER,PER,Zapana,Quenta,Rosalia Fortunata,$3,1979-11-23,PER,TOURISM,30,"; }
{ echo "$hdr"; tw TW1 P77001 F 1; tw TW2 P77002 M 2; tw TW3 P77003 F 3; tw TW4 P77001 M 4; } > twins.csv
$PASOS --db s.db ingest -q movements twins.csv
$PASOS --db s.db link > /dev/null
pid() { sqlite3 s.db "select person_id from person_links where register = 'movements' and record_id = '$1'"; }
[ "$(pid TW1)" = "$(pid TW3)" ] || fail "the same woman with two documents is two persons"
[ "$(pid TW1)" != "$(pid TW2)" ] || fail "twins of two sexes merged into one person"
[ "$(pid TW2)" != "$(pid TW3)" ] || fail "twins of two sexes merged into one person"
sexw() { $PASOS --db s.db link --explain "movements:$1" "movements:$2" | awk '$1 == "sex" {print $NF}'; }
same=$(sexw TW1 TW3); diff=$(sexw TW1 TW2)
echo "sex weight: same $same, different $diff"
awk -v s="$same" -v d="$diff" 'BEGIN { exit !(s > 0 && d < 0) }' || fail "sex weights: same $same, different $diff"
