# Helpers for CLI tests. $PASOS is the binary, $ROOT the source tree.
set -euo pipefail
# a test that fails leaves no server behind: its background jobs end with it
trap 'kill $(jobs -p) 2> /dev/null || true' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
# value of "key N" in an ingest summary line "read N = accepted N + ..."
summary() { grep -o "$1 [0-9]*" "$2" | head -1 | awk '{print $2}'; }
