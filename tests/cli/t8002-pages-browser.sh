# The public pages in a real browser (Debian's chromium, headless, driven by
# npm's puppeteer-core): the bulletin and the explorer, each at 1280 and 390
# pixels wide, draw every chart, log no console error, request nothing
# outside their own origin and fit the screen's width.
. "$ROOT/tests/cli/lib.sh"
[ -x /usr/bin/chromium ] || fail "no chromium: run scripts/deps.sh"
[ -d "$ROOT/tests/browser/node_modules/puppeteer-core" ] || fail "no puppeteer-core: run scripts/deps.sh"
$PASOS synth --out d --movements 15000 --months 12 --seed 29 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db classify --as-of 2024-12-31 > /dev/null
$PASOS --db s.db protect --out pub --confidential conf ine_monthly gcm_objective1 regularizations > /dev/null
$PASOS --db s.db report --tables pub --out web > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$PASOS --db s.db serve --listen 127.0.0.1:$port --public pub > serve.log 2>&1 & spid=$!
for i in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
HOME=$PWD timeout 180 node "$ROOT/tests/browser/pages.js" "$PWD/web/index.html" \
  "http://127.0.0.1:$port/public/explore/ine_monthly?measure=CROSSINGS&rows=NATIONALITY&cols=DIRECTION&TIME_PERIOD=2023" . > pages.txt ||
  fail "the pages in the browser: $(cat pages.txt)"
cat pages.txt
for f in bulletin-1280 bulletin-390 explorer-1280 explorer-390; do [ -s $f.png ] || fail "no screenshot $f"; done
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
