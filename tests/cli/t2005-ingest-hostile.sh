# Hostile input: a 2 MB line, NUL bytes, invalid UTF-8, wrong column counts,
# an unterminated quote: each row is rejected with its rule, the rest stored
# (the line after the unterminated quote too: the quote costs one line).
. "$ROOT/tests/cli/lib.sh"
head -1 "$ROOT/tests/golden/movements_small.csv" > h.csv
good='M%d,ENTRY,2024-03-01T10:00:00-04:00,DSG,road,ID_CARD,123456,PER,PER,Quispe,Mamani,Juan,M,1980-05-06,PER,TOURISM,30,'
{ cat h.csv
  printf "$good\n" 1
  printf '\n'
  printf 'M2,ENTRY,'; head -c 2000000 /dev/zero | tr '\0' 'x'; printf ',x\n'
  printf "$good\n" 3
  printf 'M4,ENTRY,2024-03-01T10:00:00-04:00,DSG,road,ID_CARD,1\0000,PER,PER,Q,,J,M,1980-05-06,PER,,,\n'
  printf 'M5,ENTRY,2024-03-01T10:00:00-04:00,DSG,road,ID_CARD,1,PER,PER,Q\xc3\x28,,J,M,1980-05-06,PER,,,\n'
  printf 'M6,ENTRY\n'
  printf "$good,extra\n" 7
  printf "$good\n" 8
  printf 'M9,"unterminated\n'
  printf "$good\n" 10
  printf '\r\n\n'
} > hostile.csv
$PASOS --db h.db ingest movements hostile.csv > out.txt
grep -q "read 10 = accepted 4 + rejected 6 + duplicates 0 + conflicts 0" out.txt || fail "summary: $(cat out.txt)"
expect_eq "$(sqlite3 h.db "select group_concat(rule, ' ') from (select rule from rejects order by line)")" \
  "csv.too_long csv.nul utf8 csv.columns csv.columns csv.unterminated" "rules"
expect_eq "$(sqlite3 h.db "select group_concat(line, ' ') from (select line from rejects order by line)")" \
  "4 6 7 8 9 11" "lines"
# the blank lines, one before the quote and two after it, counted once each
expect_eq "$(sqlite3 h.db "select blank_lines from batches")" 3 "blank lines"
grep -q "blank lines skipped: 3" out.txt || fail "blank lines: $(cat out.txt)"
# the over-long record is kept cut, not whole
[ "$(sqlite3 h.db "select max(length(raw)) from rejects")" -le 4096 ] || fail "long record kept whole"
