# The suppression pattern pasos publishes for a table with hierarchies
# (months in a quarter, posts in departments, countries in regions and in
# origins, every margin) withstands an attacker who knows every published
# cell and that each cell is the sum of the leaf cells below it
# (tests/cli/attack.py, which solves with glpsol and shares no code with
# pasos' audit). With the complements published, the same attacker
# recovers unsafe cells: the test can fail.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 4000 --months 2 --seed 11 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
printf 'table mid\nsource movements\ndimension TIME_PERIOD field=event_time kind=month\ndimension DIRECTION field=direction kind=code values=ENTRY,EXIT\ndimension BORDER_POST field=border_post kind=code codes=%s key=code parent=department_code\ndimension NATIONALITY field=nationality kind=code codes=%s key=code parent=region parent=origin\nmeasure CROSSINGS count\nmeasure PERSONS persons unit=PS\nprotect suppression k=3 interval=2\n' \
  "$ROOT/codelists/border_posts.csv" "$ROOT/codelists/regions.csv" > mid.tab
$PASOS --db s.db protect --out p --confidential c mid.tab > p.txt
cat p.txt
grep -q "audit verdict: safe" p.txt || fail "audit: $(cat p.txt)"
awk -F, 'NR > 1 && $5 == "CROSSINGS" && $6 == "C" {print $1 "," $2 "," $3 "," $4}' c/mid.audit.csv > midprim.txt
python3 "$ROOT/tests/cli/attack.py" p mid CROSSINGS --limit 40 --targets midprim.txt > attack.txt
[ "$(wc -l < attack.txt)" -ge 30 ] || fail "the attacker tried too few cells: $(wc -l < attack.txt)"
awk '{ if ($3 != "inf" && $3 - $2 < 2) { print "narrowed: " $0; bad++ } } END { exit bad > 0 }' attack.txt \
  || fail "the attacker narrowed an unsafe cell below 2"
# the complements published: the unsafe cells fall
$PASOS --db s.db tabulate --out ex mid.tab > /dev/null
python3 "$ROOT/tests/cli/attack.py" p mid CROSSINGS --limit 10 --targets midprim.txt --exact ex/mid.exact.csv > weak.txt
[ "$(awk '$3 != "inf" && $3 - $2 < 2' weak.txt | wc -l)" -ge 5 ] || fail "the attacker cannot win even without complements: $(cat weak.txt)"
# asking for less protection never hides more: on the regularisations table
# of this data the greedy choice of moves hid 3,835 cells at interval 1 and
# 3,165 at 2 before pasos tried both
$PASOS synth --out r --movements 60000 --seed 11 > /dev/null
$PASOS --db r.db ingest -q movements r/movements.csv
$PASOS --db r.db ingest -q regularizations r/regularizations.csv
$PASOS --db r.db link > /dev/null
# One flag for every suppressed cell. With the old split (C for a primary
# cell, D for a complement, rebuilt here from the confidential audit) the
# attacker that reads the flags recovers primary cells; on what pasos
# publishes, flags and whole numbers included, it narrows none.
$PASOS --db r.db protect --method suppression --out rp --confidential rc regularizations > rp.txt
grep -q "audit verdict: safe" rp.txt || fail "regularizations: $(cat rp.txt)"
! grep -q ',Q,D,' rp/regularizations.csv rp/regularizations.sdmx.csv || fail "a public file flags a complement D"
awk -F, 'NR > 1 && $5 == "APPLICATIONS" && $6 == "C" {print $1 "," $2 "," $3 "," $4}' rc/regularizations.audit.csv > prim.txt
[ "$(wc -l < prim.txt)" -ge 100 ] || fail "too few primary cells: $(wc -l < prim.txt)"
mkdir old
awk -F, 'NR == FNR { if ($6 == "D") d[$1 "," $2 "," $3 "," $4] = 1; next }
  FNR > 1 && ($1 "," $2 "," $3 "," $4) in d { sub(/,Q,C,/, ",Q,D,") } { print }' \
  rc/regularizations.audit.csv rp/regularizations.csv > old/regularizations.csv
cp rp/regularizations.structure.csv old/
[ "$(grep -c ',Q,D,' old/regularizations.csv)" -ge 100 ] || fail "the old split was not rebuilt"
python3 "$ROOT/tests/cli/attack.py" old regularizations APPLICATIONS --limit 20 --flags > old.txt
[ "$(awk '$3 != "inf" && $3 - $2 < 2' old.txt | wc -l)" -ge 5 ] || fail "the attacker cannot use the old flags: $(cat old.txt)"
python3 "$ROOT/tests/cli/attack.py" rp regularizations APPLICATIONS --limit 80 --flags --targets prim.txt > new.txt
[ "$(wc -l < new.txt)" -ge 60 ] || fail "the attacker tried too few cells: $(wc -l < new.txt)"
awk '{ if ($3 != "inf" && $3 - $2 < 2) { print "narrowed: " $0; bad++ } } END { exit bad > 0 }' new.txt \
  || fail "with the flags, the attacker narrowed a primary cell below 2"
# and on the table with every hierarchy
python3 "$ROOT/tests/cli/attack.py" p mid CROSSINGS --limit 20 --flags --targets midprim.txt > midflags.txt
awk '{ if ($3 != "inf" && $3 - $2 < 2) { print "narrowed: " $0; bad++ } } END { exit bad > 0 }' midflags.txt \
  || fail "with the flags and whole numbers, the attacker narrowed a cell of mid below 2"

for iv in 0 1 2; do
  $PASOS --db r.db protect --dry-run --method suppression --interval $iv regularizations > iv$iv.txt
  grep -q "audit verdict: safe" iv$iv.txt || fail "interval $iv: $(cat iv$iv.txt)"
  eval "n$iv=$(grep -o '[0-9]* suppressed =' iv$iv.txt | grep -o '^[0-9]*')"
done
[ "$n0" -le "$n2" ] && [ "$n1" -le "$n2" ] || fail "interval 0: $n0, 1: $n1, 2: $n2 cells suppressed"
