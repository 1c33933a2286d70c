# Values checked against the world, options checked against their ranges,
# and a store that is damaged or older than its data never read as whole.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 3000 --months 2 --seed 9 > /dev/null
hdr=$(head -1 d/movements.csv)
row() { echo "$1,ENTRY,${2:-2024-03-01T10:00:00-04:00},DSG,road,PASSPORT,P$1,PER,PER,${4:-Apaza},Mamani,Ana,F,${3:-1980-01-01},PER,TOURISM,30,"; }
rule_of() { sqlite3 v.db "select rule from rejects r join batches b using (batch_id) where b.file_name = 'v.csv' and line = $1"; }

# 10. one typo in a year must not move classify's --as-of: dates against the day of ingest
{ echo "$hdr"
  row V1 2099-12-31T10:00:00-04:00            # line 2: an event after today
  row V2 2024-03-01T10:00:00-04:00 2090-01-01 # line 3: born in the future
  row V3 2024-03-01T10:00:00-04:00 1905-01-01 # line 4: born 135 years before the day of ingest
  row V4 2024-03-01T10:00:60-04:00            # line 5: second 60
  row V5 2024-03-01T10:00:00+14:30            # line 6: an offset beyond +14:00
  row V6 2024-03-01T10:00:00-04:00 1980-01-01 '   '   # line 7: a surname of spaces only
  row V7 2024-03-01T10:00:00-04:00 1980-01-01 "$(printf 'Apaza\xe2\x80\xaeazapA')"  # line 8: a bidi override
  row V8 2024-03-01T10:00:00-04:00 1980-01-01 "$(printf 'Apaza\xc2\x9b31m')"       # line 9: a C1 control (CSI)
  row V9 2024-03-01T10:00:00+14:00            # line 10: valid, at the edge
  row VA 2040-06-03T00:30:00-04:00            # line 11: two days after the day of ingest
  row VB 2040-06-02T23:30:00+14:00            # line 12: the next day, as a time zone ahead may write it
} > v.csv
PASOS_TODAY=2040-06-01 $PASOS --db v.db ingest movements v.csv > v.txt
grep -q "read 11 = accepted 2 + rejected 9" v.txt || fail "$(cat v.txt)"
expect_eq "$(rule_of 11) $(sqlite3 v.db "select count(*) from reg_movements where movement_id = 'VB'")" "date.future 1" "a day ahead"
expect_eq "$(rule_of 2) $(rule_of 3) $(rule_of 4)" "date.future date.future date.too_old" "dates"
expect_eq "$(rule_of 5) $(rule_of 6)" "type.datetime type.datetime" "second 60 and offset +14:30"
expect_eq "$(rule_of 7) $(rule_of 8) $(rule_of 9)" "required control_char control_char" "spaces, bidi and C1"
# the same event is fine once its day has come
{ echo "$hdr"; row W1 2041-01-05T10:00:00-04:00; } > w.csv
PASOS_TODAY=2041-01-05 $PASOS --db v.db ingest -q movements w.csv
expect_eq "$(sqlite3 v.db "select count(*) from reg_movements where movement_id = 'W1'")" 1 "an event on the day of ingest"

# 11. options: NaN, negatives, overflow and absurd values refused with exit 2, by every command
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
set +e
while read -r cmd; do
  # shellcheck disable=SC2086
  $PASOS --db s.db $cmd > o.txt 2> e.txt; rc=$?
  expect_eq "$rc" 2 "'pasos $cmd'"
  grep -q "error: --\|error: unknown option\|error: option" e.txt || fail "'pasos $cmd': $(head -1 e.txt)"
done <<'EOF'
classify --window 2147483647
classify --window -5
classify --threshold 1e3x
classify --as-of 2024-02-30
link --threshold nan
link --threshold inf
link --threshold 1.5
link --threads 0
link --seed -1
synth --noise nan --out x
synth --movements 99999999999999999999 --out x
synth --months 0 --out x
ingest --chunk -1 movements d/movements.csv
ingest --chunk 0 movements d/movements.csv
ingest --bogus movements d/movements.csv
protect --bogus ine_monthly
tabulate --out
status --register
EOF
$PASOS --db s.db protect --dry-run --k nan ine_monthly > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 2 "protect --k nan"
$PASOS --db s.db protect --dry-run --interval 99999999999 regularizations > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 2 "protect --interval 99999999999"
$PASOS --db s.db nosuchcommand > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 2 "an unknown command"
# a failed write of help is an i/o error
$PASOS ingest --help > /dev/full 2> e.txt; rc=$?
expect_eq "$rc" 4 "help written to a full device"
set -e

# 19. tables and classify refuse linkage older than the data
{ echo "$hdr"; for i in $(seq 1 30); do row L$i; done; } > late.csv
$PASOS --db s.db ingest -q movements late.csv
set +e
$PASOS --db s.db tabulate --out c ine_monthly > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 5 "tabulate on stale linkage"; grep -q "after the last 'pasos link'" e.txt || fail "$(cat e.txt)"
$PASOS --db s.db protect --out p ine_monthly > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 5 "protect on stale linkage"
[ ! -e p/ine_monthly.csv ] || fail "published on stale linkage"
$PASOS --db s.db classify > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 5 "classify on stale linkage"
set -e
$PASOS --db s.db tabulate --allow-stale --out c ine_monthly > o.txt
grep -q "30 records not linked" o.txt || fail "--allow-stale: $(cat o.txt)"
$PASOS --db s.db link > /dev/null
$PASOS --db s.db tabulate --out c ine_monthly > /dev/null

# 12. a damaged store: every command that reads it stops with exit 5
cp s.db bad.db
size=$(stat -c %s bad.db)
python3 - bad.db <<'PY'
import sys
f = open(sys.argv[1], "r+b")
page = 4096
data = bytearray(f.read())
# 20 bytes flipped in the middle of a b-tree page of the records
for i in range(20):
    off = len(data) // 2 + page // 3 + 7 * i
    data[off] ^= 0xFF
f.seek(0); f.write(data); f.close()
PY
expect_eq "$(stat -c %s bad.db)" "$size" "size of the damaged copy"
[ "$(sqlite3 bad.db 'pragma quick_check(1)')" != ok ] || fail "the damage did not show"
set +e
for cmd in status link classify "tabulate --out c2 ine_monthly" "protect --out p2 ine_monthly"; do
  # shellcheck disable=SC2086
  $PASOS --db bad.db $cmd > o.txt 2> e.txt; rc=$?
  expect_eq "$rc" 5 "'pasos $cmd' on a damaged store"
  grep -q "damaged" e.txt || fail "'$cmd': $(cat e.txt)"
done
set -e

# 13. NULLs where the schema promises values: an error, not a crash
for q in "update batches set status = NULL" "update registers set name = NULL"; do
  cp s.db n.db
  # rebuild the table without its NOT NULL so that the NULL can be stored, as a damaged or old store may hold it
  t=$(echo "$q" | awk '{print $2}')
  sqlite3 n.db "create table x as select * from $t; drop table $t; alter table x rename to $t; $q"
  set +e
  $PASOS --db n.db status > o.txt 2> e.txt; rc=$?
  expect_eq "$rc" 5 "status with '$q'"
  $PASOS --db n.db ingest movements late.csv > o.txt 2> e.txt; rc=$?
  [ "$rc" -lt 128 ] || fail "ingest crashed with '$q' ($rc)"
  set -e
done

# one message and one code for a register with nothing ingested
set +e
for cmd in "tabulate --out c3 regularizations" "protect --out p3 regularizations"; do
  # shellcheck disable=SC2086
  $PASOS --db s.db $cmd > o.txt 2> e.txt; rc=$?
  expect_eq "$rc" 3 "'pasos $cmd' with no regularisations"
  grep -q "nothing ingested for register 'regularizations' in the store 's.db'" e.txt || fail "'$cmd': $(cat e.txt)"
done
head -1 d/regularizations.csv > r.csv
$PASOS --db rr.db ingest -q regularizations r.csv
$PASOS --db rr.db classify > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 3 "classify with no movements"
grep -q "nothing ingested for register 'movements'" e.txt || fail "classify: $(cat e.txt)"
# a record id twice in a file given to link --schema is reported, not linked as two
{ echo "rec_id,given_name,surname"; echo "r1,ana,apaza"; echo "r2,juan,mamani"; echo "r1,ana,apaza"; } > dup.csv
$PASOS link --schema "$ROOT/registers/febrl.reg" dup.csv -o links.csv > o.txt 2> e.txt; rc=$?
expect_eq "$rc" 3 "link --schema with a repeated id"
grep -q "dup.csv:4: field 'rec_id' repeats the record id of line 2" e.txt || fail "dup ids: $(cat e.txt)"
[ ! -e links.csv ] || fail "a result was written"
set -e
