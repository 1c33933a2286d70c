# pasos status shows registers, batches and months; then linkage and classification.
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
$PASOS --db s.db status --register regularizations > only.txt
grep -q "register regularizations" only.txt || fail "--register: $(cat only.txt)"
! grep -q "register movements" only.txt || fail "--register not applied"
grep -q "^linkage" st.txt && fail "linkage shown before any link"
$PASOS --db s.db link > /dev/null
$PASOS --db s.db classify > cl.txt
$PASOS --db s.db status > st2.txt
persons=$(sqlite3 s.db "select count(distinct person_id) from person_links")
grep -q "all registers .* $persons\$" st2.txt || fail "persons $persons not shown: $(grep -A4 '^linkage' st2.txt)"
grep -A2 "^classification" st2.txt | grep -q "$(sqlite3 s.db "select crossings from classify_runs")" || fail "classification not shown"
abroad=$(grep -o 'Bolivians living abroad[^:]*: [0-9]*' cl.txt | grep -o '[0-9]*$')
grep -q "bolivians_abroad .* $abroad " st2.txt || fail "Bolivians abroad ($abroad) not shown"
true
