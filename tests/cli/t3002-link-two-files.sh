# Two files: id_a,id_b,match_probability for every pair judged a match.
. "$ROOT/tests/cli/lib.sh"
data="$ROOT/../shared/data"
head -1 "$data/febrl1.csv" > a.csv; cp a.csv b.csv
grep -- '-org' "$data/febrl1.csv" >> a.csv
grep -- '-dup-' "$data/febrl1.csv" >> b.csv
$PASOS link --schema "$ROOT/registers/febrl.reg" a.csv b.csv -o pairs.csv > st.txt
head -1 pairs.csv | grep -q '^id_a,id_b,match_probability' || fail "header"
n=$(($(wc -l < pairs.csv) - 1))
right=$(tail -n +2 pairs.csv | awk -F, '{split($1,a,"-"); split($2,b,"-"); if (a[2]==b[2]) r++} END {print r+0}')
truth=$(($(wc -l < b.csv) - 1))
echo "pairs $n, right $right, true $truth"
# F1 = 2 right / (found + true) of at least 0.99
awk -v r="$right" -v n="$n" -v t="$truth" 'BEGIN {f = 2 * r / (n + t); print "F1", f; exit !(f >= 0.99)}' || fail "F1 below 0.99"
tail -n +2 pairs.csv | tr -d '\r' | awk -F, '$3 <= 0 || $3 > 1 {bad++} END {exit bad>0}' || fail "probabilities out of range"
# explain a known pair: levels, weights, probability
$PASOS link --schema "$ROOT/registers/febrl.reg" a.csv b.csv --explain rec-10-org rec-10-dup-0 > ex.txt
grep -q "surnames" ex.txt && grep -q "birth date" ex.txt || fail "explain lacks comparisons"
grep -q "match probability" ex.txt || fail "explain lacks the probability"
grep -q "same person after clustering: yes" ex.txt || fail "rec-10 pair not linked"
# term frequency: agreeing on a surname 60 records share says less than on
# one only the pair has (the two pairs are the same but for the surname)
python3 - <<'PY'
given = ["ana", "juan", "rosa", "luis", "carmen", "pedro", "elena", "jorge", "maria", "jose"]
rows = ["rec_id,given_name,surname,date_of_birth,soc_sec_id"]
for i in range(60):
    rows.append("m%d,%s,mamani,19%02d%02d%02d,%07d" % (i, given[i % 10], 50 + i % 40, 1 + i % 12, 1 + i % 28, 1000000 + i))
    rows.append("o%d,%s,s%03dx,19%02d%02d%02d,%07d" % (i, given[i * 7 % 10], i, 50 + i % 40, 1 + i % 12, 1 + i % 28, 4000000 + i))
rows += ["c1,rodrigo,mamani,19700315,2000001", "c2,rodrigo,mamani,19700315,2000001",
         "r1,rodrigo,zuazo,19700315,3000001", "r2,rodrigo,zuazo,19700315,3000001"]
open("tf.csv", "w").write("\n".join(rows) + "\n")
PY
tf() { $PASOS link --schema "$ROOT/registers/febrl.reg" tf.csv --explain "$1" "$2" | grep -A1 '^  surnames' | awk '/term-frequency/ {print $NF}'; }
common=$(tf c1 c2); rare=$(tf r1 r2)
echo "term-frequency adjustment: mamani $common, zuazo $rare"
awk -v c="$common" -v r="$rare" 'BEGIN { exit !(c != "" && r - c > 2) }' || fail "term frequency: mamani $common, zuazo $rare"
