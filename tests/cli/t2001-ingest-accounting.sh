# Every row is accounted for, and the counts match the faults synth injected.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 40000 --seed 3 --invalid-rate 0.01 --dup-rate 0.005 --conflict-rate 0.002 > synth.txt
inv=$(grep -o 'movements: [0-9]* rows ([0-9]* made invalid, [0-9]* sent twice, [0-9]* conflicting' synth.txt | grep -o '[0-9]*' | tr '\n' ' ')
set -- $inv
rows=$1 invalid=$2 dups=$3 confl=$4
$PASOS --db s.db ingest --report-dir . movements d/movements.csv > ing.txt
expect_eq "$(summary read ing.txt)" "$rows" "rows read"
expect_eq "$(summary rejected ing.txt)" "$invalid" "rejected"
expect_eq "$(summary duplicates ing.txt)" "$dups" "duplicates"
expect_eq "$(summary conflicts ing.txt)" "$confl" "conflicts"
acc=$(summary accepted ing.txt)
expect_eq "$((acc + invalid + dups + confl))" "$rows" "read = accepted + rejected + duplicates + conflicts"
expect_eq "$(sqlite3 s.db 'select count(*) from reg_movements')" "$acc" "stored rows"
expect_eq "$(sqlite3 s.db 'select count(*) from rejects')" "$invalid" "stored rejects"
# the rejects report has one row per rejected record, with line, field and rule
expect_eq "$(($(wc -l < movements.csv.rejects.csv) - 1))" "$invalid" "rows of the rejects report"
[ -f movements.csv.rejects.csv ] || fail "no rejects report"
head -1 movements.csv.rejects.csv | grep -q '^line,field,rule,message,record' || fail "rejects header"
# each rejected line is a row synth made invalid, and the other way round
tail -n +2 d/truth_records.csv | awk -F, '$1 == "movements" && $5 ~ /^invalid/ {print $4}' | sort -n > want_lines
sqlite3 s.db 'select line from rejects order by line' > got_lines
cmp -s want_lines got_lines || fail "rejected lines differ from the invalid rows"
# provenance
sqlite3 s.db "select sha256, bytes from batches" > prov
expect_eq "$(cut -d'|' -f1 prov)" "$(sha256sum d/movements.csv | cut -d' ' -f1)" "batch sha256"
expect_eq "$(cut -d'|' -f2 prov)" "$(stat -c %s d/movements.csv)" "batch bytes"
# regularizations too
$PASOS --db s.db ingest regularizations d/regularizations.csv > ing2.txt
r2=$(summary read ing2.txt)
expect_eq "$r2" "$(($(wc -l < d/regularizations.csv) - 1))" "regularizations read"
