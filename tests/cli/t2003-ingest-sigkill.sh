# SIGKILL at random moments, then the same command: the store ends exactly as
# an uninterrupted run leaves it.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 60000 --seed 9 --invalid-rate 0.01 --dup-rate 0.005 --conflict-rate 0.002 > /dev/null
# blank lines here and there: their count must survive a resume too
awk 'NR > 1 && NR % 997 == 0 { print "" } { print }' d/movements.csv > d/m.csv && mv d/m.csv d/movements.csv
$PASOS --db ref.db ingest --chunk 700 movements d/movements.csv > ref.txt
kills=0
midway=0
resumed=0
for i in $(seq 1 40); do
  $PASOS --db k.db ingest --chunk 700 movements d/movements.csv > run.txt 2>&1 &
  pid=$!
  # kill after 20, 40, 60... ms, then at random below 0.3 s
  if [ "$i" -le 15 ]; then sleep "$(printf '0.%03d' $((i * 20)))"; else sleep "0.$(printf '%02d' $((RANDOM % 30)))"; fi
  if kill -9 $pid 2>/dev/null; then
    kills=$((kills + 1))
    wait $pid 2>/dev/null || true
    [ "$(sqlite3 k.db "select status from batches" 2>/dev/null)" = running ] && midway=$((midway + 1))
  fi
  wait $pid 2>/dev/null || true
  grep -q "continued after an interruption" run.txt && resumed=$((resumed + 1))
  if grep -q "already ingested\|read [0-9]" run.txt && [ "$(sqlite3 k.db "select status from batches")" = done ]; then
    break
  fi
done
$PASOS --db k.db ingest --chunk 700 movements d/movements.csv > last.txt
echo "killed $kills times at random, $midway in the middle of the batch, $resumed continued"
# and once where it is sure to be in the middle: as soon as a chunk of rows is
# committed (the random kills can all land before the batch starts or after it
# ends; the batch row alone, made before any chunk, is not enough)
$PASOS --db m.db ingest --chunk 700 movements d/movements.csv > m1.txt 2>&1 &
pid=$!
for i in $(seq 1 1000); do
  [ "$(sqlite3 m.db "select status = 'running' and accepted > 0 from batches" 2>/dev/null)" = 1 ] && break
  sleep 0.005
done
kill -9 $pid 2>/dev/null || fail "the ingest ended before a chunk could be seen committed"
wait $pid 2>/dev/null || true
expect_eq "$(sqlite3 m.db "select status from batches")" running "killed in the middle of the batch"
[ "$(sqlite3 m.db "select count(*) from reg_movements")" -gt 0 ] || fail "killed before any row was committed"
expect_eq "$(sqlite3 ref.db "select blank_lines from batches")" "$(awk '{ sub(/\r$/, "") } $0 == "" { n++ } END { print n + 0 }' d/movements.csv)" "blank lines counted"
$PASOS --db m.db ingest --chunk 700 movements d/movements.csv > m2.txt
grep -q "continued after an interruption" m2.txt || fail "the rerun did not continue the interrupted batch: $(cat m2.txt)"
dump() {
  sqlite3 "$1" "select * from reg_movements order by movement_id;
    select batch_id, register, file_name, sha256, bytes, status, rows_read, accepted, rejected,
           duplicates, conflicts, blank_lines, resume_offset, resume_line from batches;
    select * from rejects order by line; select * from conflicts order by line;
    select * from duplicates order by line;" | sha256sum
}
expect_eq "$(dump k.db)" "$(dump ref.db)" "store after kills"
expect_eq "$(dump m.db)" "$(dump ref.db)" "store after a kill in the middle"
expect_eq "$(sqlite3 k.db 'pragma integrity_check')" ok "integrity"
expect_eq "$(sqlite3 m.db 'pragma integrity_check')" ok "integrity after a kill in the middle"
