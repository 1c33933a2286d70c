# The public explorer in pasos serve: a selection of a published table (a
# measure, the rows and columns, a code for every other dimension) shows and
# downloads exactly the published cells, checked against the published CSV
# and SDMX-CSV read here with Python's csv module; the download links hold the
# selection; what the tables do not have is a 400, an unknown table a 404,
# and no account is needed.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 20000 --months 12 --seed 23 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db protect --out pub --confidential conf ine_monthly > /dev/null
$PASOS --db s.db protect --method suppression --out pub --confidential conf regularizations > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/public/explore"
$PASOS --db s.db serve --listen 127.0.0.1:$port --public pub > serve.log 2>&1 & spid=$!
for i in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
curl -s "$base" > index.html
grep -q 'href="/public/explore/ine_monthly"' index.html && grep -q 'href="/public/explore/regularizations"' index.html || fail "index: $(cat index.html)"
sel='measure=CROSSINGS&rows=BORDER_POST&cols=DIRECTION&TIME_PERIOD=2023&NATIONALITY=005'
expect_eq "$(curl -s -o page.html -w '%{http_code}' "$base/ine_monthly?$sel")" 200 "a selection"
expect_eq "$(curl -s -o sel.csv -w '%{http_code}' "$base/ine_monthly.csv?$sel")" 200 "the selection as CSV"
expect_eq "$(curl -s -o sel.sdmx.csv -w '%{http_code}' "$base/ine_monthly.sdmx.csv?$sel")" 200 "the selection as SDMX-CSV"
# regularisations with suppressed cells: C shown, never a number
rsel='measure=APPLICATIONS&rows=NATIONALITY&cols=STATUS&TIME_PERIOD=2023&SEX=F'
curl -s -o rsel.csv "$base/regularizations.csv?$rsel"
curl -s -o rpage.html "$base/regularizations?$rsel"
python3 - pub <<'PY' || fail "the explorer's numbers"
import csv, html.parser, sys
pub = sys.argv[1]
def read(p): return list(csv.DictReader(open(p, newline="", encoding="utf-8")))
want = {}
for r in read(f"{pub}/ine_monthly.csv"):
    if r["MEASURE"] == "CROSSINGS" and r["TIME_PERIOD"] == "2023" and r["NATIONALITY"] == "005" and r["TRANSPORT"] == "_T":
        want[(r["BORDER_POST"], r["DIRECTION"])] = r["value"]
got = {(r["BORDER_POST"], r["DIRECTION"]): r["value"] for r in read("sel.csv")}
assert got == want and len(got) > 20, (len(got), len(want))
sd = {(r["BORDER_POST"], r["DIRECTION"]): r["OBS_VALUE"] for r in read("sel.sdmx.csv")}
pubsd = {}
for r in read(f"{pub}/ine_monthly.sdmx.csv"):
    if r["MEASURE"] == "CROSSINGS" and r["TIME_PERIOD"] == "2023" and r["NATIONALITY"] == "005" and r["TRANSPORT"] == "_T":
        pubsd[(r["BORDER_POST"], r["DIRECTION"])] = r["OBS_VALUE"]
assert sd == pubsd, "sdmx"
class T(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.rows = []; s.cell = None; s.intable = False; s.code = None; s.links = {}
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "table" and a.get("id") == "slice": s.intable = True
        if s.intable and tag == "tr": s.rows.append([])
        if s.intable and tag == "td": s.cell = ""; s.code = a.get("data-code", s.code)
        if tag == "a" and a.get("id"): s.links[a["id"]] = a["href"]
    def handle_endtag(s, tag):
        if tag == "td" and s.cell is not None: s.rows[-1].append(s.cell); s.cell = None
        if tag == "table": s.intable = False
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
def page(p):
    t = T(); t.feed(open(p, encoding="utf-8").read()); return t
t = page("page.html")
# rows: the label cell, then ENTRY, EXIT, _T in the order of the columns
cols = ["ENTRY", "EXIT", "_T"]
codes = [r["BORDER_POST"] for r in read("sel.csv") if r["DIRECTION"] == "ENTRY"]
body = [r for r in t.rows if r]
assert len(body) == len(codes), (len(body), len(codes))
for code, row in zip(codes, body):
    assert row[1:] == [want[(code, c)] for c in cols], (code, row)
assert "measure=CROSSINGS" in t.links["dl_csv"] and "NATIONALITY=005" in t.links["dl_csv"], t.links
open("link.txt", "w").write(t.links["dl_csv"].replace("&amp;", "&"))
# suppressed cells
reg = {}
for r in read(f"{pub}/regularizations.csv"):
    if r["MEASURE"] == "APPLICATIONS" and r["TIME_PERIOD"] == "2023" and r["SEX"] == "F":
        reg[(r["NATIONALITY"], r["STATUS"])] = (r["value"], r["confidentiality"])
rg = {(r["NATIONALITY"], r["STATUS"]): (r["value"], r["confidentiality"]) for r in read("rsel.csv")}
assert rg == reg, "regularizations"
assert any(c == "C" for v, c in reg.values()), "no suppressed cell to test with"
rp = page("rpage.html")
txt = [c for row in rp.rows for c in row[1:]]
supp = sum(1 for v, c in reg.values() if c == "C")
assert txt.count("C") == supp, (txt.count("C"), supp)
PY
# a level of the rows' hierarchy: departments (level 1) without their posts
curl -s -o lvl.csv "$base/ine_monthly.csv?measure=CROSSINGS&rows=BORDER_POST&level=1&TIME_PERIOD=2023"
python3 - pub <<'PY' || fail "the rows' level"
import csv, sys
pub = sys.argv[1]
lv = {r["code"]: r["level"] for r in csv.DictReader(open(f"{pub}/ine_monthly.structure.csv", encoding="utf-8")) if r["dimension"] == "BORDER_POST"}
got = {r["BORDER_POST"] for r in csv.DictReader(open("lvl.csv", encoding="utf-8"))}
assert got == {c for c, l in lv.items() if l == "1"} and got, (got, lv)
PY
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/ine_monthly?measure=CROSSINGS&level=x")" 400 "a level that is no number"
# the link on the page downloads the same selection
expect_eq "$(curl -s "http://127.0.0.1:$port$(cat link.txt)" | md5sum)" "$(md5sum < sel.csv)" "the page's download link holds the selection"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/ine_monthly?measure=NOPE")" 400 "no such measure"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/ine_monthly?measure=CROSSINGS&rows=BORDER_POST&cols=BORDER_POST")" 400 "rows and cols the same"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/ine_monthly?measure=CROSSINGS&NATIONALITY=ZZZ")" 400 "a code the table lacks"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/secret")" 404 "no such table"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/ine_monthly.exe?measure=CROSSINGS")" 404 "no such format"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
