# Ingesting the same file again adds nothing; a copy under another name neither.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 10000 --seed 4 > /dev/null
$PASOS --db s.db ingest movements d/movements.csv > first.txt
before=$(sqlite3 s.db "select count(*), sum(_hash % 1000003) from reg_movements; select count(*) from batches; select count(*) from rejects; select count(*) from duplicates")
$PASOS --db s.db ingest movements d/movements.csv > second.txt
grep -q "already ingested as batch 1" second.txt || fail "second ingest not recognised"
cp d/movements.csv copy.csv
$PASOS --db s.db ingest movements copy.csv > third.txt
grep -q "already ingested" third.txt || fail "copy not recognised"
after=$(sqlite3 s.db "select count(*), sum(_hash % 1000003) from reg_movements; select count(*) from batches; select count(*) from rejects; select count(*) from duplicates")
expect_eq "$after" "$before" "store after re-ingest"
# a file with some rows already stored: those are duplicates, the new ones accepted
head -1 d/movements.csv > part.csv
sed -n '2,101p' d/movements.csv >> part.csv
$PASOS --db t.db ingest movements part.csv > /dev/null
$PASOS --db t.db ingest movements d/movements.csv > all.txt
expect_eq "$(summary read all.txt)" "$(summary read first.txt)" "rows read"
[ "$(summary duplicates all.txt)" -ge 100 ] || fail "stored rows not reported as duplicates"
expect_eq "$(sqlite3 t.db 'select count(*) from reg_movements')" "$(sqlite3 s.db 'select count(*) from reg_movements')" "same store"
