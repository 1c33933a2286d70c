# Every command has --help; unknown commands get a suggestion and exit 2.
. "$ROOT/tests/cli/lib.sh"
$PASOS --help | grep -q "usage: pasos" || fail "pasos --help"
for c in synth ingest link classify tabulate protect status; do
  $PASOS $c --help > out.txt || fail "$c --help exit status"
  grep -q "usage: pasos.* $c\|usage: pasos $c" out.txt || fail "$c --help text"
  grep -q "example" out.txt || fail "$c --help has no example"
  $PASOS help $c | grep -q "usage" || fail "pasos help $c"
done
set +e
$PASOS ingets 2> err.txt; rc=$?
set -e
expect_eq "$rc" 2 "exit status of an unknown command"
grep -q "did you mean 'pasos ingest'" err.txt || fail "no suggestion"
set +e
$PASOS ingest --bogus x 2>/dev/null; rc=$?
set -e
expect_eq "$rc" 2 "exit status of an unknown option"
