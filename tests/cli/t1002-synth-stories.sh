# The records agree with the stories: a person's crossings alternate direction
# (clean data), and every move inside the period is a crossing on its day.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out s --movements 30000 --seed 11 --invalid-rate 0 --dup-rate 0 --conflict-rate 0 --noise 0 > /dev/null
# join each movement with its true person; check directions alternate per person
tail -n +2 s/truth_records.csv | grep '^movements' | cut -d, -f2,3 | sort > rec_person
tail -n +2 s/movements.csv | cut -d, -f1,2,3 | sort > rec_dir
join -t, rec_person rec_dir | awk -F, '{print $2","$4","$3}' | sort -t, -k1,1 -k2,2 > hist
awk -F, '$1==p && $3==last {bad++} {p=$1; last=$3} END {exit bad>0}' hist || fail "two crossings in a row in the same direction"
# every move inside the period is a crossing on the story's date, in the right
# direction (irregular settlers excepted: their entry was never recorded)
awk -F, 'NR>1 {print $1","$2}' s/truth_persons.csv | sort > kinds
awk -F, 'NR>1 && $3>="2023-01-01" && $3<"2025-01-01" {print $1","$3","($2=="BOL"?"ENTRY":"EXIT")}' \
  s/truth_residence.csv | sort > moves
join -t, moves kinds | grep -v irregular_settler | cut -d, -f1-3 | sort > expected
[ "$(wc -l < expected)" -gt 100 ] || fail "too few moves in the period"
awk -F, '{print $1","substr($2,1,10)","$3}' hist | sort -u > crossings
missing=$(comm -23 expected crossings | wc -l)
expect_eq "$missing" 0 "moves without their crossing"
