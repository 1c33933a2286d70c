# Races, kills and a full disk: two processes on one file, two publications
# into one directory, a kill and a file shortened before the rerun, a
# publication that runs out of space. Nothing is lost or counted twice, and
# a reader never sees half of one run and half of another.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 60000 --months 3 --seed 21 > /dev/null
rows=$(($(wc -l < d/movements.csv) - 1))

# 5. the same file ingested by two processes at once: one batch, each row once
$PASOS --db r.db ingest --chunk 2000 movements d/movements.csv > a.txt &
pa=$!
$PASOS --db r.db ingest --chunk 2000 movements d/movements.csv > b.txt &
pb=$!
wait $pa || fail "first ingest: $(cat a.txt)"
wait $pb || fail "second ingest: $(cat b.txt)"
expect_eq "$(sqlite3 r.db "select count(*) from batches")" 1 "batches"
expect_eq "$(sqlite3 r.db "select rows_read from batches")" "$rows" "rows read"
expect_eq "$(sqlite3 r.db "select accepted + rejected + duplicates + conflicts - rows_read from batches")" 0 "the counts add up"
expect_eq "$(sqlite3 r.db "select count(*) from reg_movements") $(sqlite3 r.db "select accepted from batches")" \
  "$(sqlite3 r.db "select accepted from batches") $(sqlite3 r.db "select accepted from batches")" "stored = accepted"
grep -q "already ingested" a.txt b.txt || fail "neither run found the other's batch"

# 9. a kill mid-batch, then the file shortened: the abandoned batch is rolled
#    back, and the new one counts its rows once, none as duplicates
$PASOS --db k.db ingest --chunk 200 movements d/movements.csv > /dev/null &
pk=$!
for i in $(seq 1 400); do
  n=$(sqlite3 k.db "select coalesce(sum(accepted), 0) from batches where status = 'running'" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 2000 ] && break
  sleep 0.02
done
kill -9 $pk 2>/dev/null || true
wait $pk 2>/dev/null || true
expect_eq "$(sqlite3 k.db "select status from batches")" running "the batch was killed while running"
[ "$(sqlite3 k.db "select count(*) from reg_movements")" -ge 2000 ] || fail "killed before rows were committed"
head -n 20001 d/movements.csv > short.csv
cp short.csv movements.csv  # the same name as the abandoned batch's file
$PASOS --db k.db ingest movements movements.csv > k.txt
grep -q "rolled back" k.txt || fail "the abandoned batch: $(cat k.txt)"
expect_eq "$(sqlite3 k.db "select count(*) from batches where status <> 'done'")" 0 "batches left running"
expect_eq "$(sqlite3 k.db "select duplicates from batches")" \
  "$(sqlite3 k.db "select count(*) from duplicates")" "duplicates"
# an uninterrupted store of the short file is the same
$PASOS --db u.db ingest movements movements.csv > /dev/null
for q in "select accepted, rejected, duplicates, conflicts from batches" "select count(*) from reg_movements" \
         "select group_concat(movement_id) from (select movement_id from reg_movements order by movement_id)"; do
  expect_eq "$(sqlite3 k.db "$q" | sha256sum)" "$(sqlite3 u.db "$q" | sha256sum)" "after the rerun: $q"
done

# 4. a file written to while it is read is not taken as done (a writer
#    appends every few milliseconds for as long as the ingest runs)
$PASOS --db r.db link > /dev/null
cp d/movements.csv grow.csv
tail -n 200 d/movements.csv > tail.csv
$PASOS --db g.db ingest --chunk 1000 movements grow.csv > g.txt 2> ge.txt &
pi=$!
while kill -0 $pi 2>/dev/null; do cat tail.csv >> grow.csv; sleep 0.005; done
set +e; wait $pi; rc=$?; set -e
expect_eq "$rc" 3 "a file that changed while it was read"
grep -q "changed while it was read" ge.txt || fail "$(cat ge.txt)"
expect_eq "$(sqlite3 g.db "select count(*) from batches where status = 'done'")" 0 "a changed file marked done"
# once it is complete, the rerun takes it whole: the abandoned batch rolled back, every row once
$PASOS --db g.db ingest movements grow.csv > g2.txt
expect_eq "$(sqlite3 g.db "select count(*) from batches")" 1 "batches after the rerun"
expect_eq "$(sqlite3 g.db "select rows_read from batches")" "$(($(wc -l < grow.csv) - 1))" "rows of the whole file"

# 6. two publications into one directory at once: every file of the table
#    from one run, never rows of both
printf 'table mid\nsource movements\ndimension TIME_PERIOD field=event_time kind=month\ndimension DIRECTION field=direction kind=code values=ENTRY,EXIT\ndimension BORDER_POST field=border_post kind=code codes=%s key=code parent=department_code\nmeasure CROSSINGS count\nmeasure PERSONS persons unit=PS\nprotect suppression k=3 interval=2\n' \
  "$ROOT/codelists/border_posts.csv" > mid.tab
for round in 1 2 3; do
  $PASOS --db r.db protect --k 3 --out pub --confidential conf mid.tab > p3.txt &
  p3=$!
  $PASOS --db r.db protect --k 4 --out pub --confidential conf mid.tab > p4.txt &
  p4=$!
  wait $p3 || fail "k=3: $(cat p3.txt)"
  wait $p4 || fail "k=4: $(cat p4.txt)"
  ks=$(cat pub/mid.csv pub/mid.sdmx.csv | grep -o 'k=[0-9]' | sort -u | tr '\n' ' ')
  [ "$ks" = "k=3 " ] || [ "$ks" = "k=4 " ] || fail "round $round: files of two runs side by side: $ks"
done
[ -z "$(find pub conf -type f -name '.*.??????')" ] || fail "temporaries left"

# a full disk (here: a file size limit) while publishing leaves the previous set whole
cp pub/mid.csv before.csv; cp pub/mid.sdmx.csv before.sdmx.csv
set +e
( trap '' XFSZ; ulimit -f 64; exec $PASOS --db r.db protect --k 5 --out pub --confidential conf mid.tab ) > full.txt 2> fe.txt
rc=$?
set -e
expect_eq "$rc" 4 "publishing onto a full disk"
grep -q "cannot write" fe.txt || fail "full disk: $(cat fe.txt)"
cmp pub/mid.csv before.csv && cmp pub/mid.sdmx.csv before.sdmx.csv || fail "the previous publication was touched"
[ -z "$(find pub conf -type f -name '.*.??????')" ] || fail "temporaries left after the full disk"
