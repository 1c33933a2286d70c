# src/ is grouped by stage, and each folder depends only on the folders
# below it: core < register < link < classify < tables < protect < synth
# < serve < cmd. Every #include of a pasos header is checked here.
. "$ROOT/tests/cli/lib.sh"
cd "$ROOT/src"
order="core register link classify tables protect report screen synth serve cmd"
rank() { local i=0 d; for d in $order; do [ "$d" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
for d in */; do
  d=${d%/}
  [ "$(rank "$d")" != 99 ] || fail "src/$d is not a known stage: add it to the order"
done
bad=0
for f in */*.c */*.h; do
  dir=${f%%/*}
  for h in $(grep -o '#include "[a-z_0-9]*\.h"' "$f" | sed 's/#include "\(.*\)"/\1/'); do
    hd=$(ls */"$h" 2>/dev/null | head -1)
    [ -n "$hd" ] || { echo "$f includes $h, which no stage has"; bad=1; continue; }
    hd=${hd%%/*}
    if [ "$(rank "$hd")" -gt "$(rank "$dir")" ]; then
      echo "src/$f ($dir) includes $h from $hd, a stage above it"; bad=1
    fi
  done
done
[ "$bad" -eq 0 ] || fail "a stage depends on one above it"
