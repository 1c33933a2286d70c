# Helpers for CLI tests. $PASOS is the binary, $ROOT the source tree.
set -euo pipefail
# a test that fails leaves no server behind: its background jobs end with it
trap 'kill $(jobs -p) 2> /dev/null || true' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }
# the CSRF token of the form in an HTML page the service wrote
csrf_of() { python3 -c 'import re, sys; print(re.search(r"name=\"csrf\" value=\"([0-9a-f]{64})\"", open(sys.argv[1]).read()).group(1))' "$1"; }
# value of "key N" in an ingest summary line "read N = accepted N + ..."
summary() { grep -o "$1 [0-9]*" "$2" | head -1 | awk '{print $2}'; }
# a store with synthetic movements and regularisations (MOVEMENTS, MONTHS, SEED), linked, classified
# as of 2024-12-31, and the demo's tables published into pub/ (exact ones into conf/)
published_store() {
  $PASOS synth --out d --movements "$1" --months "$2" --seed "$3" > /dev/null
  $PASOS --db s.db ingest -q movements d/movements.csv
  $PASOS --db s.db ingest -q regularizations d/regularizations.csv
  $PASOS --db s.db link > /dev/null
  $PASOS --db s.db classify --as-of 2024-12-31 > /dev/null
  $PASOS --db s.db protect --out pub --confidential conf ine_monthly ine_sex gcm_objective1 regularizations > /dev/null
}
