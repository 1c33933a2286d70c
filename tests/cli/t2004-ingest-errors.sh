# Files that cannot be taken get a clear error naming file, line and column,
# and leave nothing behind.
. "$ROOT/tests/cli/lib.sh"
run() { set +e; $PASOS --db e.db ingest movements "$@" > out.txt 2> err.txt; rc=$?; set -e; }
run /nonexistent/m.csv
expect_eq "$rc" 4 "missing file exit status"
grep -q "cannot open '/nonexistent/m.csv'" err.txt || fail "missing file message"
: > empty.csv
run empty.csv
expect_eq "$rc" 3 "empty file exit status"
grep -q "empty.csv.*empty" err.txt || fail "empty file message: $(cat err.txt)"
printf 'movement_id,direction,bogus\nM1,ENTRY,x\n' > badhead.csv
run badhead.csv
expect_eq "$rc" 3 "unknown column exit status"
grep -q "badhead.csv:1: column 3 of the header is not a field of register 'movements'" err.txt || fail "unknown column message: $(cat err.txt)"
head -1 "$ROOT/tests/golden/movements_small.csv" | sed 's/,minor_authorization//' > short.csv
run short.csv
expect_eq "$rc" 3 "missing column exit status"
grep -q "short.csv:1: the header lacks the field 'minor_authorization'" err.txt || fail "missing column message"
expect_eq "$(sqlite3 e.db 'select count(*) from batches')" 0 "no batch left by refused files"
set +e; $PASOS --db e.db ingest nosuchregister x.csv 2> err.txt; rc=$?; set -e
expect_eq "$rc" 2 "unknown register exit status"
grep -q "no register 'nosuchregister'" err.txt || fail "unknown register message"
# error messages never quote personal data
printf '%s\n' "$(head -1 "$ROOT/tests/golden/movements_small.csv")" > pii.csv
echo 'M1,ENTRY,2024-03-01T10:00:00-04:00,DSG,road,ID_CARD,123456,PER,PER,Zyxwvut,,Qwerty,M,1980-13-06,PER,TOURISM,30,' >> pii.csv
run pii.csv
expect_eq "$rc" 0 "bad rows are results, not errors"
grep -q Zyxwvut out.txt err.txt && fail "a name appears in the output"
grep -q "rejected 1" out.txt || fail "row not rejected"
