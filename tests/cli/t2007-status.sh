# pasos status shows registers, batches and months.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 5000 --months 3 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
$PASOS --db s.db status > st.txt
grep -q "register movements" st.txt || fail "movements missing"
grep -q "register regularizations" st.txt || fail "regularizations missing"
for m in 2023-01 2023-02 2023-03; do grep -q "$m" st.txt || fail "month $m missing"; done
n=$(sqlite3 s.db 'select count(*) from reg_movements')
grep -q " $n\$" st.txt || fail "record count $n not shown"
grep -q "movements.csv" st.txt || fail "batch file not shown"
$PASOS --db s.db status --register regularizations | grep -q "register movements" && fail "--register not applied"
true
