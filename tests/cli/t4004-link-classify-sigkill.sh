# SIGKILL at any moment of link or classify leaves the store consistent,
# and a rerun finishes with exactly what an uninterrupted run gives.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 40000 --seed 3 > /dev/null
$PASOS --db ref.db ingest -q movements d/movements.csv
cp ref.db k.db
$PASOS --db ref.db link > /dev/null
$PASOS --db ref.db classify > /dev/null
kills=0
mkdir scratch
export TMPDIR=$PWD/scratch  # where link and classify spill: nothing may stay there
for cmd in link classify; do
  [ "$cmd" = classify ] && $PASOS --db k.db link > /dev/null
  for i in 1 2 3 4 5 6; do
    $PASOS --db k.db $cmd > /dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf '%02d' $((i * 4)))"
    kill -9 $pid 2>/dev/null && kills=$((kills + 1))
    wait $pid 2>/dev/null || true
    expect_eq "$(sqlite3 k.db 'pragma integrity_check')" ok "integrity after killing $cmd"
  done
done
echo "killed $kills times"
[ "$kills" -gt 0 ] || fail "no run was killed"
# the person links are replaced in one transaction: a reader never sees part
# of them, and a kill while they are written (seen as the store's rollback
# journal, while its links are being replaced) leaves the old ones whole
n=$(sqlite3 ref.db "select count(*) from person_links")
inwrite=0
seen=0
for try in 1 2 3 4; do
  cp ref.db w.db
  $PASOS --db w.db link > /dev/null 2>&1 &
  pid=$!
  sightings=0
  while kill -0 $pid 2>/dev/null; do
    c=$(sqlite3 w.db "select count(*) from person_links" 2>/dev/null || true)
    [ -z "$c" ] || [ "$c" = "$n" ] || fail "a reader saw $c of $n person links"
    [ -n "$c" ] && seen=$((seen + 1))
    # the first run is only watched; the others are killed a little way into the write
    if [ "$try" -gt 1 ] && [ -e w.db-journal ]; then
      sightings=$((sightings + 1))
      if [ "$sightings" -ge "$try" ]; then
        kill -9 $pid 2>/dev/null && inwrite=$((inwrite + 1))
        break
      fi
    fi
  done
  wait $pid 2>/dev/null || true
  expect_eq "$(sqlite3 w.db "select * from person_links order by 1, 2" | sha256sum)" \
    "$(sqlite3 ref.db "select * from person_links order by 1, 2" | sha256sum)" "person links after run $try"
done
echo "killed $inwrite times while the links were written"
[ "$inwrite" -gt 0 ] || fail "no kill landed while the links were written"
$PASOS --db k.db link > /dev/null
$PASOS --db k.db classify > /dev/null
for q in "select * from person_links order by 1, 2" \
  "select * from classified_crossings order by movement_rowid" \
  "select * from long_term_migration order by 1, 2, 3, 4, 5" \
  "select figure, year, final, provisional_estimated from migration_figures order by 1, 2"; do
  expect_eq "$(sqlite3 k.db "$q" | sha256sum)" "$(sqlite3 ref.db "$q" | sha256sum)" "after the kills: $q"
done
expect_eq "$(ls -A scratch)" "" "scratch files left behind"
true
