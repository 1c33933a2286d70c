#!/usr/bin/env bash
# make mutate: plant each bug of tests/mutants.txt in a copy of the tree,
# one at a time, build it, run the tests that should catch it, and print
# which mutants survived. Exit 0 only when every mutant is killed (and
# every mutant still applies: a line that moved is reported, not skipped).
#
# tests/mutants.txt, one mutant a line:  ID @@ FILE @@ FROM @@ TO @@ TESTS
# FROM must occur exactly once in FILE (\n is a line end, \t a tab, \\ a
# backslash); TESTS are names for tests/run.sh
# (unit, fuzz, or CLI tests such as t2001-ingest-accounting).
# usage: tests/mutate.sh [ID...]   (MUTATE_TIMEOUT: seconds a test may take, 300)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
list="$root/tests/mutants.txt"
work=$(mktemp -d "${TMPDIR:-/tmp}/pasos-mutate.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the copy sits beside a link to shared/, as the tree does
mkdir -p "$work/main"
ln -s "$root/../shared" "$work/shared"
tar -C "$root" --exclude=./build --exclude=./out --exclude=./.git --exclude=./pasos --exclude=./tests/browser/node_modules --exclude=./bench/duckdb/node_modules -cf - . | tar -C "$work/main" -xf -
tree="$work/main"
build=build/mut
echo "mutate: building the unmutated tree"
make -s -C "$tree" BUILD=$build "$build/pasos" "$build/unit-tests" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 2; }
export TEST_TIMEOUT=${MUTATE_TIMEOUT:-300}
only=" $* "
killed=0 survived=0 stale=0 n=0
t0=$(date +%s)
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  id=$(printf '%s' "$line" | awk -F' @@ ' '{print $1}')
  [ "$only" = "  " ] || [[ "$only" == *" $id "* ]] || continue
  n=$((n + 1))
  file=$(printf '%s' "$line" | awk -F' @@ ' '{print $2}')
  tests=$(printf '%s' "$line" | awk -F' @@ ' '{print $5}')
  cp "$tree/$file" "$work/orig"
  if ! python3 - "$tree/$file" "$line" <<'PY'
import re, sys
path, line = sys.argv[1], sys.argv[2]
unescape = lambda x: re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), x)
parts = [unescape(x) for x in line.split(" @@ ")]
src = open(path).read()
if src.count(parts[2]) != 1:
    sys.exit(1)
open(path, "w").write(src.replace(parts[2], parts[3]))
PY
  then
    echo "STALE    $id: its line is not once in $file"
    stale=$((stale + 1))
    continue
  fi
  s0=$(date +%s)
  if ! make -s -C "$tree" BUILD=$build "$build/pasos" "$build/unit-tests" > "$work/build.log" 2>&1; then
    verdict="killed by the build"
    killed=$((killed + 1))
  else
    # the failing tests keep their work directories: here, inside $work, and gone after each mutant
    mkdir -p "$work/tmp"
    # shellcheck disable=SC2086
    out=$(TMPDIR="$work/tmp" "$tree/tests/run.sh" "$build" $tests 2>&1)
    rm -rf "${work:?}/tmp"
    caught=$(printf '%s\n' "$out" | awk '/^FAIL / {print $2}' | tr '\n' ' ')
    if [ -n "$caught" ]; then
      verdict="killed by $caught"
      killed=$((killed + 1))
    else
      verdict="SURVIVED $tests"
      survived=$((survived + 1))
    fi
  fi
  printf '%-8s %-28s %s (%s s)\n' "$( [ "${verdict#SURVIVED}" != "$verdict" ] && echo SURVIVED || echo killed)" "$id" "${verdict#SURVIVED }" "$(( $(date +%s) - s0 ))"
  cp "$work/orig" "$tree/$file"
  touch "$tree/$file"
done < "$list"
echo "mutate: $n mutants, $killed killed, $survived survived, $stale stale, $(( $(date +%s) - t0 )) s"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ]
