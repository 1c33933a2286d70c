# pasos report: the bulletin, from the published tables and the store's counts.
# Its figures are checked against the published CSVs read here with Python's
# csv module (months, posts, nationalities, the age pyramid, regularisation
# outcomes) and against the store by SQL (the data-quality counts); the page
# is self-contained (no script, nothing fetched from elsewhere), exists in
# Spanish and English, and carries no document number of the registers.
. "$ROOT/tests/cli/lib.sh"
published_store 30000 24 17
$PASOS --db s.db report --tables pub --out web > report.txt || fail "report: $(cat report.txt)"
[ -s web/index.html ] && [ -s web/index.en.html ] || fail "no pages: $(ls web)"
for f in web/index.html web/index.en.html; do
  ! grep -qi '<script\|src=\|https\?://\|@import\|url(' "$f" || fail "$f fetches or runs something: $(grep -oi '<script[^>]*>\|src=[^ >]*\|https\?://[^ "]*' "$f" | head -3)"
done
grep -q '<html lang=es>' web/index.html && grep -q '<html lang=en>' web/index.en.html || fail "languages"
grep -q 'Llegadas y salidas por mes' web/index.html && grep -q 'Arrivals and departures by month' web/index.en.html || fail "headings"
python3 - pub s.db web/index.en.html d/movements.csv <<'PY' || fail "figures"
import csv, html.parser, sqlite3, sys
pub, db, page, mv = sys.argv[1:5]
class Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tables = []; self.row = None; self.cell = None
    def handle_starttag(self, tag, a):
        if tag == "table": self.tables.append([])
        elif tag == "tr": self.row = []; self.tables[-1].append(self.row)
        elif tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None: self.row.append(self.cell.strip()); self.cell = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
text = open(page, encoding="utf-8").read()
p = Tables(); p.feed(text)
def num(s): return None if s == "C" else int(s.replace(",", ""))
def rows(name):
    return list(csv.DictReader(open(f"{pub}/{name}.csv", newline="", encoding="utf-8")))
ine = rows("ine_monthly")
def ine_val(**fix):
    out = {}
    for r in ine:
        if r["MEASURE"] != "CROSSINGS": continue
        if all(r[k] == v for k, v in fix.items()) and all(r[k] == "_T" for k in ("BORDER_POST", "TRANSPORT", "NATIONALITY") if k not in fix):
            out.setdefault(r["TIME_PERIOD"], {})[r["DIRECTION"]] = r["value"]
    return out
monthly = {t[0][0]: t for t in p.tables}
m = monthly["Month"]
by_month = ine_val()
assert len(m) > 20, m[:3]
for row in m[1:]:
    month, a, d = row
    assert num(a) == int(by_month[month]["ENTRY"]) and num(d) == int(by_month[month]["EXIT"]), (row, by_month[month])
years = sorted({r["TIME_PERIOD"] for r in ine if len(r["TIME_PERIOD"]) == 4})
y = years[-1]
posts = {r["BORDER_POST"]: int(r["value"]) for r in ine if r["MEASURE"] == "CROSSINGS" and r["TIME_PERIOD"] == y
         and r["DIRECTION"] == "_T" and r["TRANSPORT"] == "_T" and r["NATIONALITY"] == "_T" and r["BORDER_POST"] != "_T"}
names = {r["code"]: r["label_en"] for r in csv.DictReader(open(f"{pub}/ine_monthly.structure.csv", encoding="utf-8"))
         if r["dimension"] == "BORDER_POST" and r["level"] == "0"}
shown = {row[0]: num(row[1]) for row in monthly["Border post"][1:]}
want = {names[c]: v for c, v in posts.items() if c in names}
top = sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))[:len(shown)]
assert shown == dict(top), (shown, top)
# the pyramid: women and men by age from gcm_objective1
g = rows("gcm_objective1")
gy = sorted({r["TIME_PERIOD"] for r in g if len(r["TIME_PERIOD"]) == 4})[-1]
def person(sex, age):
    for r in g:
        if (r["MEASURE"], r["TIME_PERIOD"], r["SEX"], r["AGE"]) == ("PERSONS", gy, sex, age) and \
           all(r[k] == "_T" for k in ("DIRECTION", "NATIONALITY", "MIGRATORY_STATUS")):
            return int(r["value"])
pyr = monthly["Age"]
assert len(pyr) > 10
for age, f, mm in pyr[1:]:
    assert num(f) == person("F", age) and num(mm) == person("M", age), (age, f, mm)
# regularisation outcomes
reg = rows("regularizations")
ry = sorted({r["TIME_PERIOD"] for r in reg if len(r["TIME_PERIOD"]) == 4})[-1]
out = {r["STATUS"]: int(r["value"]) for r in reg if r["MEASURE"] == "APPLICATIONS" and r["TIME_PERIOD"] == ry
       and r["NATIONALITY"] == "_T" and r["SEX"] == "_T" and r["STATUS"] != "_T"}
shown = {row[0]: num(row[1]) for row in monthly["Outcome"][1:]}
label = {"SUBMITTED": "Submitted", "APPROVED": "Approved", "REJECTED": "Rejected", "WITHDRAWN": "Withdrawn"}
assert shown == {label[k]: v for k, v in out.items() if label[k] in shown} and len(shown) >= 2, (shown, out)
# by sex, from ine_sex
sx = rows("ine_sex")
sy = sorted({r["TIME_PERIOD"] for r in sx if len(r["TIME_PERIOD"]) == 4})[-1]
want = {r["SEX"]: int(r["value"]) for r in sx if r["MEASURE"] == "CROSSINGS" and r["TIME_PERIOD"] == sy
        and r["DIRECTION"] == "_T" and r["BORDER_POST"] == "_T" and r["ORIGIN"] == "_T" and r["SEX"] != "_T"}
shown = {row[0]: num(row[1]) for row in monthly["Sex"][1:]}
assert shown == {{"F": "Female", "M": "Male", "X": "Other"}[k]: v for k, v in want.items()}, (shown, want)
# data quality against the store
con = sqlite3.connect(db)
q = {row[0]: num(row[1]) for t in p.tables for row in t if len(row) == 2 and (row[0] in ("Rows read", "Rejected", "Persons") or row[0].startswith("Histories flagged"))}
flagged = [v for k, v in q.items() if k.startswith("Histories flagged")]
con = sqlite3.connect(db)
assert flagged == [con.execute("select count(distinct person_id) from classified_crossings where anomaly is not null").fetchone()[0]], q
assert q["Rows read"] == con.execute("select sum(rows_read) from batches").fetchone()[0], q
assert q["Rejected"] == con.execute("select sum(rejected) from batches").fetchone()[0], q
assert q["Persons"] == con.execute("select count(distinct person_id) from person_links").fetchone()[0], q
# no document number of the registers on the page
docs = [r["document_number"] for r in csv.DictReader(open(mv, newline="", encoding="utf-8", errors="replace"))][:3000]
leaked = [d for d in docs if len(d) >= 6 and d in text]
assert not leaked, leaked[:5]
PY
grep -q "charts" report.txt || fail "summary: $(cat report.txt)"
