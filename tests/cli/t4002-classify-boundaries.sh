# Boundary cases of the rule: exactly 365 days (a migration; 364 is not),
# 122 days back in the old state (still a migration; 123 is not), a return
# within 244 days (known at once; at 244 it is not), two arrivals in a row
# (flagged, status kept), a lone recent exit (provisional), the 9/12 rule.
. "$ROOT/tests/cli/lib.sh"
g="$ROOT/tests/golden"
$PASOS classify --crossings "$g/classify_boundaries.csv" --as-of 2026-01-01 -o out.csv 2> err.txt
cmp out.csv "$g/classify_boundaries.expected.csv" || fail "differs from the reviewed golden output"
ltm() { grep "^$1,$2," out.csv | tr -d '\r' | cut -d, -f7; }
known() { grep "^$1,$2," out.csv | tr -d '\r' | cut -d, -f10; }
expect_eq "$(ltm P365 arrival)" 1 "365 days in: a migration"
expect_eq "$(ltm P364 arrival)" 0 "364 days in: not a migration"
expect_eq "$(ltm P122 arrival | head -1)" 1 "122 days back: still a migration"
expect_eq "$(ltm P123 arrival | head -1)" 0 "123 days back: not a migration"
expect_eq "$(known P243 departure)" 2017-09-01 "return within 244 days known at once"
expect_eq "$(known P244 departure)" 2018-01-02 "return at 244 days known later"
grep -q "two crossings in a row in the same direction" err.txt || fail "anomaly not reported"
# Stats NZ's older 9/12 rule: 274 days within 365
printf 'person,direction,date\nA,arrival,2017-01-01\nA,departure,2017-10-02\n' > nine.csv
$PASOS classify --crossings nine.csv --window 365 --threshold 274 --as-of 2026-01-01 | tr -d '\r' > nine.out
expect_eq "$(sed -n 2p nine.out | cut -d, -f7)" 1 "9/12 rule: 274 days is a migration"
$PASOS classify --crossings nine.csv --as-of 2026-01-01 | tr -d '\r' > twelve.out
expect_eq "$(sed -n 2p twelve.out | cut -d, -f7)" 0 "12/16 rule: 274 days is not"
set +e; $PASOS classify --crossings nine.csv --window 100 --threshold 200 2>/dev/null; rc=$?; set -e
expect_eq "$rc" 2 "threshold longer than the window"
printf 'person,direction,date\nA,sideways,2017-01-01\n' > bad.csv
set +e; $PASOS classify --crossings bad.csv 2> err.txt; rc=$?; set -e
expect_eq "$rc" 3 "bad direction"; grep -q "bad.csv:2: field 'direction'" err.txt || fail "bad direction message"
