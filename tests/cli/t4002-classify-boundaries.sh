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
# histories as they really are: each kind flagged and counted, the status
# kept, every crossing still in the output
cat > real.csv <<'CSV'
person,direction,date,birth_date
T,departure,2017-01-01T10:00:00,
T,arrival,2017-01-01T10:00:00,
X,departure,2017-01-01,
X,departure,2017-03-01,
X,departure,2017-05-01,
B,arrival,2017-02-01,2018-01-01
B,departure,2019-02-01,2018-01-01
S,arrival,2017-02-01,
S,arrival,2017-03-01,
N,departure,2017-01-01T08:00:00,
N,arrival,2017-01-01T18:00:00,
CSV
$PASOS classify --crossings real.csv --as-of 2026-01-01 -o real.out 2> real.err
expect_eq "$(($(wc -l < real.out) - 1))" 11 "every crossing in the output"
for kind in "two crossings at the same time" "only exits" "a crossing before the birth date" \
  "two crossings in a row in the same direction"; do
  expect_eq "$(grep -c "flagged, status kept: 1 ($kind)" real.err)" 1 "$kind flagged once"
done
expect_eq "$(grep -c flagged real.err)" 4 "the same-day trip with times is not flagged"
# the status is kept: the person who only leaves stays resident throughout
expect_eq "$(grep '^X,' real.out | tr -d '\r' | cut -d, -f6,7 | sort -u)" "1,1" "only exits: status kept"
printf 'person,direction,date,birth_date\nA,arrival,2017-01-01,1990-13-01\n' > badbirth.csv
set +e; $PASOS classify --crossings badbirth.csv 2> err.txt; rc=$?; set -e
expect_eq "$rc" 3 "bad birth date"; grep -q "badbirth.csv:2: field 'birth_date'" err.txt || fail "bad birth date message"
# a lone arrival still in the country: a migration once 365 days have passed by the as-of date, not at 364
printf 'person,direction,date\nS,arrival,2025-01-01\n' > single.csv
$PASOS classify --crossings single.csv --as-of 2026-01-01 | tr -d '\r' > s365.out
$PASOS classify --crossings single.csv --as-of 2025-12-31 | tr -d '\r' > s364.out
expect_eq "$(sed -n 2p s365.out | cut -d, -f7) $(sed -n 2p s364.out | cut -d, -f7)" "1 0" "a lone arrival at 365 and 364 days"
