# Every file pasos writes is created safely, whole, private, and never over
# an input; what is recorded is what was read; nothing a file holds reaches
# a message. Each case below destroyed, lost or exposed data before.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 3000 --months 2 --seed 5 > /dev/null
hdr=$(head -1 d/movements.csv)
row() { echo "$1,ENTRY,2024-03-01T10:00:00-04:00,DSG,road,PASSPORT,P$1,PER,PER,${2:-Apaza},Mamani,Ana,F,1980-01-01,PER,TOURISM,30,"; }

# 1. a report directory whose path does not fit: an error, the input intact
long=$(printf 'a%.0s' $(seq 1 200))
mkdir -p "$long/$long/$long/$long/$long"
{ echo "$hdr"; row M1; echo 'M2,ENTRY,bad'; } > in.csv
cp in.csv in.orig
set +e; $PASOS --db a.db ingest --report-dir "$long/$long/$long/$long/$long" movements in.csv > out.txt 2> err.txt; rc=$?; set -e
expect_eq "$rc" 2 "a report path longer than 1,023 bytes"
grep -q "longer than 1023 bytes" err.txt || fail "too long: $(cat err.txt)"
cmp in.csv in.orig || fail "the input was overwritten"
# a path of about 500 bytes fits: the report goes where it was asked, whole
$PASOS --db b.db ingest --report-dir "$long/$long" movements in.csv > out.txt
[ -s "$long/$long/in.csv.rejects.csv" ] || fail "no report in the long directory"
cmp in.csv in.orig || fail "the input was overwritten"
# an output never replaces an input: a report directory holding a file named like the report
mkdir rep && cp in.csv rep/x.csv.rejects.csv && cp in.csv x.csv
set +e; $PASOS --db c.db ingest --report-dir rep movements x.csv rep/x.csv.rejects.csv > out.txt 2> err.txt; rc=$?; set -e
cmp rep/x.csv.rejects.csv in.orig || fail "an input was replaced by a report"
grep -q "an output never replaces an input" err.txt || fail "no word of the input: $(cat err.txt)"

# 2. a link planted under the old temporary name is not followed
echo "precious" > victim.txt
ln -s victim.txt in.csv.rejects.csv.tmp
mkdir -p conf && ln -s ../victim.txt conf/ine_monthly.exact.csv.tmp
$PASOS --db d.db ingest movements in.csv > /dev/null
$PASOS --db d.db link > /dev/null
$PASOS --db d.db tabulate --out conf ine_monthly > /dev/null
expect_eq "$(cat victim.txt)" "precious" "the file behind a planted link"
[ -s conf/ine_monthly.exact.csv ] || fail "no exact table"
[ -s in.csv.rejects.csv ] && [ ! -L in.csv.rejects.csv ] || fail "the report is not a file of its own"

# 15. private whatever the umask: store, reports, exact tables, audits 0600, their directories 0700
umask 000
$PASOS --db p.db ingest movements in.csv > /dev/null
$PASOS --db p.db ingest -q movements d/movements.csv
$PASOS --db p.db link > /dev/null
$PASOS --db p.db tabulate --out conf2 ine_monthly > /dev/null
$PASOS --db p.db protect --method suppression --out pub --confidential conf3 ine_monthly > /dev/null
umask 022
for f in p.db in.csv.rejects.csv movements.csv.rejects.csv conf2/ine_monthly.exact.csv conf3/ine_monthly.audit.csv; do
  [ -e "$f" ] || fail "missing $f"
  expect_eq "$(stat -c %a "$f")" 600 "mode of $f"
done
for dd in conf2 conf3 d; do expect_eq "$(stat -c %a "$dd")" 700 "mode of $dd/"; done
expect_eq "$(stat -c %a pub/ine_monthly.csv)" 644 "a public table is readable"
# 1 again: a publication whose paths do not fit is refused, nothing written over anything
mkdir -p "$long/$long/$long/$long/$long/x"
set +e; $PASOS --db p.db protect --out "$long/$long/$long/$long/$long/x" ine_monthly > out.txt 2> err.txt; rc=$?; set -e
expect_eq "$rc" 2 "protect into a directory whose paths do not fit"
[ -z "$(ls -A "$long/$long/$long/$long/$long/x")" ] || fail "written into the long directory: $(ls -A "$long/$long/$long/$long/$long/x")"
[ -z "$(find . -type f -name '.*.??????')" ] || fail "temporaries left: $(find . -name '.*.??????')"

# 7. two input files with the same name in one run: two reports
mkdir one two
{ echo "$hdr"; echo 'N1,ENTRY,bad'; } > one/f.csv
{ echo "$hdr"; echo 'N2,EXIT,bad'; echo 'N3,EXIT,bad'; } > two/f.csv
$PASOS --db e.db ingest movements one/f.csv two/f.csv > out.txt
expect_eq "$(tail -n +2 f.csv.rejects.csv | wc -l)" 1 "the first file's report"
expect_eq "$(tail -n +2 f.csv.2.rejects.csv | wc -l)" 2 "the second file's report"

# 16. no data in messages: a file without a header, cells with escapes
{ row 'SECRETDOC777'; printf 'M9\033[31m,\r\n'; } > nohdr.csv
set +e; $PASOS --db f.db ingest movements nohdr.csv > out.txt 2> err.txt; rc=$?; set -e
expect_eq "$rc" 3 "a file without a header"
! grep -q "SECRETDOC777\|Apaza" err.txt out.txt || fail "data echoed: $(cat err.txt)"
grep -q "column 1 of the header is not a field" err.txt || fail "header message: $(cat err.txt)"
mkdir esc && cp in.csv "esc/$(printf 'x\033[2J\rname.csv')"
$PASOS --db g.db ingest movements esc/* > out.txt 2> err.txt
! grep -q "$(printf '\033')" out.txt err.txt || fail "an escape sequence reached the terminal"
! LC_ALL=C grep -q "$(printf '\r')" out.txt || fail "a carriage return reached the terminal"

# 17. formulas neutralised in reports a person opens
{ echo "$hdr"; echo '=1+2,ENTRY,bad'; echo '@SUM(A1),EXIT,bad'; echo '+x,EXIT,bad'; echo '-y,EXIT,bad'; } > formula.csv
$PASOS --db h.db ingest movements formula.csv > /dev/null
python3 - formula.csv.rejects.csv <<'PY' || fail "a formula in the rejects report"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 4, rows
for r in rows:
    for v in r.values():
        assert not v or v[0] not in "=+-@\t\r", v
    assert r["record"][0] == "'" and r["record"][1] in "=@+-", r["record"]
PY
[ "$(sqlite3 h.db "select count(*) from rejects where cast(substr(raw,1,1) as text) = '='")" = 1 ] || fail "the store does not keep the record as it was"

# 14. anything but a regular file is refused at once
mkfifo fifo
set +e
timeout 10 $PASOS --db i.db ingest movements fifo > out.txt 2> err.txt; rc=$?
expect_eq "$rc" 3 "a FIFO"; grep -q "not a regular file" err.txt || fail "fifo: $(cat err.txt)"
timeout 10 $PASOS --db i.db ingest movements /dev/zero > out.txt 2> err.txt; rc=$?
expect_eq "$rc" 3 "/dev/zero"
timeout 10 $PASOS --db i.db ingest movements . > out.txt 2> err.txt; rc=$?
expect_eq "$rc" 3 "a directory"

# 8. a store must be a file that is kept
for db in "" ":memory:" "file:x.db?mode=memory" ; do
  $PASOS --db "$db" ingest movements in.csv > out.txt 2> err.txt; rc=$?
  expect_eq "$rc" 2 "--db '$db'"
done
# a command that reads never makes a store
$PASOS --db none.db status > out.txt 2> err.txt; rc=$?
expect_eq "$rc" 5 "status on no store"
$PASOS --db none.db tabulate ine_monthly > out.txt 2> err.txt; rc=$?
expect_eq "$rc" 5 "tabulate on no store"
set -e
[ ! -e none.db ] || fail "a read made a store"

# 18. a file name with a line end does not break status' table
cp in.csv "$(printf 'two\nlines.csv')"
$PASOS --db j.db ingest -q movements "$(printf 'two\nlines.csv')"
$PASOS --db j.db status > st.txt
batch=$(grep -A2 '^  batch' st.txt)
expect_eq "$(printf '%s\n' "$batch" | wc -l)" 2 "status lines for one batch"
grep -q 'two?lines.csv' st.txt || fail "status: $(cat st.txt)"
