# A small file with every kind of bad row: the reports are byte-identical to
# the reviewed golden ones.
. "$ROOT/tests/cli/lib.sh"
g="$ROOT/tests/golden"
$PASOS --db g.db ingest movements "$g/movements_small.csv" > out.txt
grep -q "read 15 = accepted 3 + rejected 10 + duplicates 1 + conflicts 1" out.txt || fail "summary: $(cat out.txt)"
grep -q "blank lines skipped: 1" out.txt || fail "blank line not reported"
cmp movements_small.csv.rejects.csv "$g/movements_small.rejects.csv" || fail "rejects differ from golden"
cmp movements_small.csv.conflicts.csv "$g/movements_small.conflicts.csv" || fail "conflicts differ from golden"
# the accepted rows are stored as they were, the conflicting one never overwrote
expect_eq "$(sqlite3 g.db "select given_names from reg_movements where movement_id='M1'")" "Juan, Carlos" "M1 kept"
expect_eq "$(sqlite3 g.db "select group_concat(movement_id) from reg_movements")" "M1,M10,M13" "accepted ids"
expect_eq "$(sqlite3 g.db "select typeof(permitted_stay_days) from reg_movements where movement_id='M10'")" integer "integers stored as integers"
