#!/usr/bin/env bash
# Run every test: unit tests, fuzz-corpus replays and CLI tests, against
# the binaries in BUILD_DIR. The last line is always "N passed, M failed".
# Every test runs under a time limit (TEST_TIMEOUT seconds, 900 by default:
# the sanitizer build is slow), so a hang is a failure, not a stuck run.
# usage: tests/run.sh BUILD_DIR [NAME...]   (NAME: unit, fuzz, or a CLI
# test such as t2001-ingest-accounting; none: all of them)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-build/rel}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
shift || true
only=" $* "
want() { [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]; }
limit=${TEST_TIMEOUT:-900}
export PASOS="$build/pasos" PASOS_HOME="$root" LC_ALL=C ROOT="$root"
passed=0
failed=0

# unit tests: one binary, one line per test
if want unit; then
out=$(timeout "$limit" "$build/unit-tests" "$root" 2>&1)
status=$?
printf '%s\n' "$out" | grep -v '^ok ' | grep -v '^unit:' || true
p=$(printf '%s\n' "$out" | grep -c '^ok ')
f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
passed=$((passed + p)); failed=$((failed + f))
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
  echo "FAIL unit-tests crashed (status $status)"; failed=$((failed + 1))
fi
echo "unit tests: $p passed, $f failed"
fi

# the saved fuzz corpus replays through each target
for replay in "$build"/fuzz-replay-*; do
  want fuzz || break
  t=${replay##*/fuzz-replay-}
  if timeout "$limit" "$replay" "$root/tests/fuzz/corpus/$t" >/dev/null 2>"$build/fuzz-$t.log"; then
    echo "ok   fuzz corpus $t ($(ls "$root/tests/fuzz/corpus/$t" | wc -l) inputs)"
    passed=$((passed + 1))
  else
    echo "FAIL fuzz corpus $t"; cat "$build/fuzz-$t.log"; failed=$((failed + 1))
  fi
done

# CLI tests: each script runs in a fresh directory; exit 0 is a pass
for t in "$root"/tests/cli/t*.sh; do
  name=$(basename "$t" .sh)
  want "$name" || continue
  dir=$(mktemp -d "${TMPDIR:-/tmp}/pasos-$name.XXXXXX")
  # timeout signals its whole process group: the test's background jobs end too
  (cd "$dir" && timeout -k 10 "$limit" bash "$t") >"$dir/log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "ok   $name"
    passed=$((passed + 1))
    rm -rf "$dir"
  else
    [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "(the test ran over its limit of $limit s)" >> "$dir/log"
    echo "FAIL $name (log below, work dir $dir)"
    tail -n 30 "$dir/log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
