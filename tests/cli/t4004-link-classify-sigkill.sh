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
