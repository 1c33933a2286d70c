# A run that stops after its batch is created but before its first commit
# resumes after the header: the header is never read as a data row.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 3000 --seed 19 > /dev/null
head -1 d/movements.csv > header.csv
for db in ref.db k.db; do $PASOS --db $db ingest -q movements header.csv; done
$PASOS --db ref.db ingest -q movements d/movements.csv
# the store refuses every row: the run fails inside its first chunk
sqlite3 k.db "CREATE TRIGGER stop BEFORE INSERT ON reg_movements BEGIN SELECT RAISE(ABORT, 'stopped by the test'); END;"
set +e; $PASOS --db k.db ingest -q movements d/movements.csv 2> err.txt; rc=$?; set -e
expect_eq "$rc" 5 "the stopped run's exit status"
expect_eq "$(sqlite3 k.db "select status, resume_offset, resume_line from batches where file_name = 'movements.csv'")" \
  "running|$(head -1 d/movements.csv | wc -c)|2" "resume point of a new batch: after the header"
sqlite3 k.db "DROP TRIGGER stop"
$PASOS --db k.db ingest movements d/movements.csv > again.txt
grep -q "continued after an interruption" again.txt || fail "not continued"
for q in "select * from reg_movements order by movement_id" "select * from rejects order by line" \
         "select rows_read, accepted, rejected, duplicates, conflicts from batches order by batch_id"; do
  expect_eq "$(sqlite3 k.db "$q" | sha256sum)" "$(sqlite3 ref.db "$q" | sha256sum)" "$q"
done
