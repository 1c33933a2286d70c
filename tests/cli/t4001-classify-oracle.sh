# All 100 crossings of Stats NZ's migrbc test suite reproduced exactly,
# every column, through the command line (as-of 2026-01-01).
. "$ROOT/tests/cli/lib.sh"
oracle="$ROOT/../shared/oracles/migrbc_12_16.csv"
[ -f "$oracle" ] || fail "no oracle at $oracle"
$PASOS classify --crossings "$oracle" --person suite,scenario,person --as-of 2026-01-01 -o out.csv
tr -d '\r' < out.csv > ours.csv
tr -d '\r' < "$oracle" > theirs.csv
expect_eq "$(wc -l < ours.csv)" 101 "rows"
diff ours.csv theirs.csv || fail "results differ from the oracle"
# the result columns are added when the input lacks them
grep -v '"' theirs.csv | cut -d, -f1-8 > bare.csv
$PASOS classify --crossings bare.csv --person suite,scenario,person --as-of 2026-01-01 | tr -d '\r' > bare.out
grep -v '"' theirs.csv > plain.csv
diff bare.out plain.csv || fail "added columns differ from the oracle"
