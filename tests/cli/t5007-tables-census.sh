# The tables of the other registers from synth's registers: consular registrations
# (objective 3), job offers and seekers (objective 6), trafficking cases and
# repatriations (objectives 9 and 10) and the census module. Python counts each
# table's cells again from the store's records, across all its dimensions (and the
# groupings checked by name: regions, decades); repatriations are shown by region of the
# consulate only and published with k=10; the bulletin's census-against-register
# figures are the published cells of census_emigrants and gcm_objective1.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2026-11-30
$PASOS synth --out d --movements 60000 --seed 5007 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
for r in employment_agencies job_offers_abroad job_seekers placements consular_registrations \
         repatriations trafficking_cases trafficking_victims training_enrolments census_emigrants; do
  $PASOS --db s.db ingest -q --report-dir rep "$r" "d/$r.csv" || fail "ingest $r"
done
$PASOS --db s.db link > /dev/null
$PASOS --db s.db classify --as-of 2024-12-31 > /dev/null
T="gcm_objective3 gcm_objective6_offers gcm_objective6_seekers gcm_objective10_cases gcm_objective10_repatriations census_emigrants
   gcm_objective10_case_stages gcm_objective10_repatriation_cases register_emigrants"
$PASOS --db s.db tabulate --out conf $T > /dev/null || fail "tabulate"
python3 - <<'PY' || fail "the tables differ from the records"
import csv, os, sqlite3
from collections import Counter
db = sqlite3.connect("s.db")
root = os.environ["ROOT"]
region = {r["code"]: r["region"] for r in csv.DictReader(open(root + "/codelists/regions.csv", encoding="utf-8"))}
age_group = {r["code"]: r["age_group"] for r in csv.DictReader(open(root + "/codelists/age_years.csv", encoding="utf-8"))}
tables = {}
def table(name, measure):
    if (name, measure) not in tables:  # each exact table read once
        out, dims = {}, None
        with open(f"conf/{name}.exact.csv", encoding="utf-8") as f:
            rd = csv.reader(f)
            head = next(rd)
            dims = [k for k in head if k not in ("MEASURE", "value", "status")]
            di, mi, vi = [head.index(d) for d in dims], head.index("MEASURE"), head.index("value")
            for r in rd:
                if r[mi] == measure:
                    out[tuple(r[i] for i in di)] = int(r[vi])
        tables[(name, measure)] = (dims, out)
    return tables[(name, measure)]
def check(name, measure, sql, dims_of_row):
    return check_rows(name, measure, db.execute(sql).fetchall(), dims_of_row)
def check_rows(name, measure, rows, dims_of_row):
    dims, t = table(name, measure)
    # month -> quarter -> year has no total above the years: the years add up to the records
    if "TIME_PERIOD" in dims:
        years = [k for k in t if all(v == "_T" for d, v in zip(dims, k) if d != "TIME_PERIOD") and len(k[0]) == 4
                 and k[0].isdigit()]
        assert sum(t[k] for k in years) == len(rows), (name, "total", sum(t[k] for k in years), len(rows))
    else:
        assert t[tuple("_T" for _ in dims)] == len(rows), (name, "total")
    for key, n in Counter(tuple(dims_of_row(r).get(d, "_T") for d in dims) for r in rows).items():
        assert t.get(key) == n, (name, key, t.get(key), n)
    return dims, t
# objective 3: month x country of residence x sex x civil event, and by region
check("gcm_objective3", "REGISTRATIONS", "SELECT registered_on, country_of_residence, sex, civil_event FROM reg_consular_registrations",
      lambda r: dict(TIME_PERIOD=r[0][:7], RESIDENCE=r[1], SEX=r[2], CIVIL_EVENT=r[3]))
check("gcm_objective3", "REGISTRATIONS", "SELECT substr(registered_on, 1, 4), country_of_residence FROM reg_consular_registrations",
      lambda r: dict(TIME_PERIOD=r[0], RESIDENCE=region[r[1]]))
check("gcm_objective6_offers", "OFFERS", "SELECT posted_on, destination, occupation FROM reg_job_offers_abroad",
      lambda r: dict(TIME_PERIOD=r[0][:7], DESTINATION=r[1], OCCUPATION=r[2]))
check("gcm_objective6_seekers", "SEEKERS", "SELECT substr(registered_on, 1, 4), department, sex,"
      " coalesce(occupation, '_Z') FROM reg_job_seekers",
      lambda r: dict(TIME_PERIOD=r[0], DEPARTMENT=r[1], SEX=r[2], OCCUPATION=r[3]))
check("gcm_objective10_cases", "EVENTS", "SELECT substr(event_date, 1, 7), stage, crime, coalesce(exploitation, '_Z'), scope FROM reg_trafficking_cases",
      lambda r: dict(TIME_PERIOD=r[0], STAGE=r[1], CRIME=r[2], EXPLOITATION=r[3], SCOPE=r[4]))
dims, t = check("gcm_objective10_repatriations", "EVENTS",
      "SELECT substr(event_date, 1, 4), event, person_kind, violence, consulate_country FROM reg_repatriations",
      lambda r: dict(TIME_PERIOD=r[0], EVENT=r[1], PERSON=r[2], VIOLENCE=r[3], CONSULATE=region[r[4]]))
i = dims.index("CONSULATE")
assert not any(len(k[i]) == 3 and k[i].isalpha() for k in t), "repatriations published by country"
check("census_emigrants", "EMIGRANTS", "SELECT year_of_departure, sex, age_at_departure, destination FROM reg_census_emigrants",
      lambda r: dict(TIME_PERIOD=str(r[0]), SEX=r[1], AGE=age_group[str(r[2])], DESTINATION=r[3]))
check("census_emigrants", "EMIGRANTS", "SELECT year_of_departure FROM reg_census_emigrants",
      lambda r: dict(TIME_PERIOD=f"{r[0] // 10 * 10}s"))
# cases by the state each reached: its latest event (by date, then id), one count a case
def latest(sql):
    last = {}
    for row in db.execute(sql):
        if row[0] not in last or row[1:3] > last[row[0]][1:3]:
            last[row[0]] = row
    return list(last.values())
cases = latest("SELECT case_id, event_date, event_id, stage, crime, scope, department FROM reg_trafficking_cases")
assert len(cases) == db.execute("SELECT count(DISTINCT case_id) FROM reg_trafficking_cases").fetchone()[0]
assert len({c[3] for c in cases}) >= 3, "cases at too few stages to tell"
check_rows("gcm_objective10_case_stages", "CASES", cases,
           lambda r: dict(STAGE=r[3], CRIME=r[4], SCOPE=r[5], DEPARTMENT=r[6]))
reps = latest("SELECT case_id, event_date, event_id, event, person_kind, violence, consulate_country FROM reg_repatriations")
check_rows("gcm_objective10_repatriation_cases", "CASES", reps,
           lambda r: dict(EVENT=r[3], PERSON=r[4], VIOLENCE=r[5], CONSULATE=region[r[6]]))
# the register's emigrants by destination: a departure goes where the person's next arrival says they live
from collections import defaultdict
by_person = defaultdict(list)
for r in db.execute("SELECT c.person_id, m.event_time, m.rowid, m.direction, m.nationality, m.country_of_residence,"
                    " c.long_term_migration FROM classified_crossings c CROSS JOIN reg_movements m"
                    " ON m.rowid = c.movement_rowid"):
    by_person[r[0]].append(r)
want = Counter()
for cs in by_person.values():
    cs.sort(key=lambda r: (r[1], r[2]))
    for i, r in enumerate(cs):
        if r[3] != "EXIT" or r[6] != 1 or r[4] != "BOL":
            continue
        dest = "_Z"
        for n in cs[i + 1:]:
            if n[3] == "ENTRY":
                dest = n[5] if n[5] and n[5] != "BOL" else "_Z"
                break
        want[(r[1][:4], dest)] += 1
dims, t = table("register_emigrants", "MIGRANTS")
got = {(k[0], k[3]): v for k, v in t.items() if k[1] == "EXIT" and k[2] == "NAT" and len(k[0]) == 4
       and (k[3] == "_Z" or (len(k[3]) == 3 and k[3].isalpha()))}
assert sum(v for (y, d), v in want.items() if d != "_Z") > 50, "too few departures with a destination"
for key, n in want.items():
    assert got.get(key) == n, ("register_emigrants", key, got.get(key), n)
assert sum(got.values()) == sum(want.values()), ("register_emigrants total", sum(got.values()), sum(want.values()))
PY
$PASOS --db s.db protect --out pub --confidential conf2 gcm_objective1 $T > protect.txt || fail "protect: $(cat protect.txt)"
for t in gcm_objective10_repatriations gcm_objective10_repatriation_cases; do
  grep -q "k=10" pub/$t.csv || fail "$t: the threshold is not stated"
  python3 - pub/$t.csv <<'PY' || fail "$t: a published count is between 1 and 9"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
small = [r for r in rows if r["value"].isdigit() and 0 < int(r["value"]) < 10]
assert rows and not small, small[:3]
PY
done
$PASOS --db s.db report --tables pub --out bulletin > /dev/null || fail "report"
python3 - <<'PY' || fail "the bulletin's census against register"
import csv, html, re
published = {}
def cell(name, measure, **want):
    if name not in published:  # each published table read once: its dimensions are its upper-case columns
        with open(f"pub/{name}.csv", encoding="utf-8") as f:
            rd = csv.reader(f)
            head = next(rd)
            dims = [k for k in head if k.isupper() and k not in ("MEASURE", "OBS_STATUS")]
            di, mi, vi = [head.index(d) for d in dims], head.index("MEASURE"), head.index("value")
            published[name] = (dims, {(r[mi],) + tuple(r[i] for i in di): r[vi] for r in rd})
    dims, cells = published[name]
    return cells[(measure,) + tuple(want.get(d, "_T") for d in dims)]
page = html.unescape(open("bulletin/index.en.html", encoding="utf-8").read())
sec = page[page.index("The census and the register"):]
sec = sec[:sec.index("</table>")]
rows = re.findall(r"<tr><td>(\d{4})</td><td class=n>([^<]*)</td><td class=n>([^<]*)</td>", sec)
assert rows, "no years in the comparison"
for y, c, r in rows:
    want_c = cell("census_emigrants", "EMIGRANTS", TIME_PERIOD=y)
    want_r = cell("gcm_objective1", "MIGRANTS", TIME_PERIOD=y, DIRECTION="EXIT", NATIONALITY="BOL")
    num = lambda s: s.replace(",", "")
    assert num(c) == (want_c or "C") or (c == "C" and want_c == ""), (y, c, want_c)
    assert num(r) == (want_r or "C") or (r == "C" and want_r == ""), (y, r, want_r)
    assert int(num(r)) > 0 and int(num(c)) > 0, (y, c, r)
dsec = page[page.index("Destination, departures of"):]
year = re.match(r"Destination, departures of (\d{4})", dsec).group(1)
dsec = dsec[:dsec.index("</table>")]
drows = re.findall(r"<tr><td>([A-Z]{3})</td><td class=n>([^<]*)</td><td class=n>([^<]*)</td>", dsec)
assert len(drows) >= 3, drows
for code, c, r in drows:
    assert num(c) == cell("census_emigrants", "EMIGRANTS", TIME_PERIOD=year, DESTINATION=code), (code, c)
    assert num(r) == cell("register_emigrants", "MIGRANTS", TIME_PERIOD=year, DIRECTION="EXIT", ORIGIN="NAT",
                          DESTINATION=code), (code, r)
PY
