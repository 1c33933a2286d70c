# An officer in a real browser (Debian's chromium, headless, driven by
# npm's puppeteer-core, both installed by scripts/deps.sh): signs in,
# registers a crossing with the form, sees its watch-list hit and clears it,
# sees the broken rules of a bad one,
# and reads the traveller's history; the store holds what the page said.
. "$ROOT/tests/cli/lib.sh"
[ -x /usr/bin/chromium ] || fail "no chromium: run scripts/deps.sh"
[ -d "$ROOT/tests/browser/node_modules/puppeteer-core" ] || fail "no puppeteer-core: run scripts/deps.sh"
$PASOS synth --out d --movements 1500 --months 2 --seed 12 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
printf 'id,name,aliases,birth_date,nationality,document_type,document_country,document_number,list,reason\nN1,"QUISPE, Rosa",,1985,ARG,,,,sought,\n' > wl.csv
$PASOS --db s.db watchlist load test wl.csv > /dev/null
echo 'una-clave-larga-7' | $PASOS --db s.db user add rosa --role officer --post VLZ --password-stdin > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PASOS --db s.db serve --listen 127.0.0.1:$port > serve.log 2>&1 &
spid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
HOME=$PWD timeout 120 node "$ROOT/tests/browser/officer.js" "http://127.0.0.1:$port" rosa una-clave-larga-7 page.png || fail "the browser session"
[ -s page.png ] || fail "no screenshot"
expect_eq "$(sqlite3 s.db "select border_post || ' ' || document_number from reg_movements where movement_id = 'WEB1'")" "VLZ W12345" "the crossing registered in the browser"
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements where movement_id = 'WEB2'")" 0 "nothing stored of the broken record"
expect_eq "$(sqlite3 s.db "select decision || ' ' || decided_by || ' ' || note from screenings where record_id = 'WEB1'")" "cleared rosa documento verificado" "the decision made in the browser"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
$PASOS --db s.db audit verify > /dev/null || fail "the audit trail"
