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
  # the same figures recomputed here from the output and the ids (rec-N-...: entity N), not by pasos
  tr -d '\r' < out$n.csv | awk -F, 'NR > 1 { split($1, id, "-"); e = id[2]; p[$2]++; t[e]++; b[$2 SUBSEP e]++ }
    function pairs(n) { return n * (n - 1) / 2 }
    END { for (k in p) found += pairs(p[k]); for (k in t) truth += pairs(t[k]); for (k in b) right += pairs(b[k])
          printf "%.4f %.4f %.4f %d %d %d\n", right / found, right / truth, 2 * right / (found + truth), truth, found, right }' > ours$n.txt
  theirs=$(sed -n 's/.*pairwise: precision \([0-9.]*\), recall \([0-9.]*\), F1 \([0-9.]*\) (true pairs \([0-9]*\), found \([0-9]*\), right \([0-9]*\)).*/\1 \2 \3 \4 \5 \6/p' st$n.txt)
  expect_eq "$theirs" "$(cat ours$n.txt)" "febrl$n pairwise precision, recall, F1 and counts against an independent count"
done
head -1 out1.csv | grep -q '^record_id,person_id' || fail "output header"
# the output's persons agree with the truth on a few known pairs
p10=$(grep '^rec-10-' out1.csv | cut -d, -f2 | sort -u | wc -l)
expect_eq "$p10" 1 "rec-10 and its duplicate in one person"
