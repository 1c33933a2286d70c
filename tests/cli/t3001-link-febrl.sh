# FEBRL 1 and 3 through the same command with the committed schema: pairwise
# F1 of at least 0.99 after clustering, and every record gets a person.
. "$ROOT/tests/cli/lib.sh"
data="$ROOT/../shared/data"
[ -d "$data" ] || fail "no shared data at $data"
for n in 1 3; do
  $PASOS link --schema "$ROOT/registers/febrl.reg" "$data/febrl$n.csv" -o out$n.csv --truth-id-parts 2 > st$n.txt
  f1=$(grep -o 'pairwise: .*F1 [0-9.]*' st$n.txt | grep -o '[0-9.]*$')
  echo "febrl$n pairwise F1 $f1"
  awk -v f="$f1" 'BEGIN {exit !(f >= 0.99)}' || fail "febrl$n F1 $f1 below 0.99"
  expect_eq "$(($(wc -l < out$n.csv) - 1))" "$(($(wc -l < "$data/febrl$n.csv") - 1))" "a person for every record"
done
head -1 out1.csv | grep -q '^record_id,person_id' || fail "output header"
# the output's persons agree with the truth on a few known pairs
p10=$(grep '^rec-10-' out1.csv | cut -d, -f2 | sort -u | wc -l)
expect_eq "$p10" 1 "rec-10 and its duplicate in one person"
