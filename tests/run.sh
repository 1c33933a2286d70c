#!/usr/bin/env bash
# Run every test: unit tests, fuzz-corpus replays and CLI tests, against
# the binaries in BUILD_DIR. The last line is always "N passed, M failed".
# usage: tests/run.sh BUILD_DIR
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/${1:-build/rel}"
export PASOS="$build/pasos" PASOS_HOME="$root" LC_ALL=C ROOT="$root"
passed=0
failed=0

# unit tests: one binary, one line per test
out=$("$build/unit-tests" "$root" 2>&1)
status=$?
printf '%s\n' "$out" | grep -v '^ok ' | grep -v '^unit:' || true
p=$(printf '%s\n' "$out" | grep -c '^ok ')
f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
passed=$((passed + p)); failed=$((failed + f))
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
  echo "FAIL unit-tests crashed (status $status)"; failed=$((failed + 1))
fi
echo "unit tests: $p passed, $f failed"

# the saved fuzz corpus replays through each target
for replay in "$build"/fuzz-replay-*; do
  t=${replay##*/fuzz-replay-}
  if "$replay" "$root/tests/fuzz/corpus/$t" >/dev/null 2>"$build/fuzz-$t.log"; then
    echo "ok   fuzz corpus $t ($(ls "$root/tests/fuzz/corpus/$t" | wc -l) inputs)"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz corpus $t"; cat "$build/fuzz-$t.log"; failed=$((failed + 1))
  fi
done

# CLI tests: each script runs in a fresh directory; exit 0 is a pass
for t in "$root"/tests/cli/t*.sh; do
  name=$(basename "$t" .sh)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pasos-$name.XXXXXX")
  if (cd "$dir" && bash "$t") >"$dir/log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
    rm -rf "$dir"
  else
    echo "FAIL $name (log below, work dir $dir)"
    tail -n 30 "$dir/log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
