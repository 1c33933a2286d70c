# The GCM tables of the other registers: placements abroad by destination
# and occupation (objective 6), training enrolments by specialty, country of
# residence, sex and status (objective 18), and victims of trafficking by
# sex, age group, nationality and outcome (objectives 9 and 10). Random
# records (Python, seeded) are ingested; each table's cells and margins are
# counted again by Python from the CSVs; victims are shown by age group and
# national or foreign only, never by single year or country, and their
# table is published with its larger threshold (k=10), which its files state.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2026-11-30
python3 - <<'PY'
import csv, random
rnd = random.Random(5006)
def write(name, rows):
    with open(name + ".csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader(); w.writerows(rows)
dests = ["ARG", "ESP", "CHL", "BRA", "USA", "ITA"]
occs = ["53", "71", "91", "61", "75"]
write("job_offers_abroad", [dict(offer_id=f"O{i}", posted_on="2024-01-05", agency_id="", destination=rnd.choice(dests),
      occupation=rnd.choice(occs), vacancies=str(rnd.randint(1, 50)), closes_on="") for i in range(40)])
write("job_seekers", [dict(seeker_id=f"S{i}", registered_on="2024-01-10", surname_1="Mamani", surname_2="", given_names=f"N{i}",
      sex=rnd.choice("FM"), birth_date="1990-01-01", nationality="BOL", document_type="ID_CARD", document_number=str(100000 + i),
      document_country="BOL", department="BO-L", occupation="", education="") for i in range(300)])
write("placements", [dict(placement_id=f"P{i}", placed_on=f"2024-{rnd.randint(2, 12):02d}-{rnd.randint(1, 28):02d}",
      offer_id=f"O{rnd.randrange(40)}", seeker_id=f"S{i}", destination=rnd.choice(dests), occupation=rnd.choice(occs),
      starts_on="") for i in range(300)])
specs = ["TEXTILE", "CONSTRUCTION", "EARLY_CHILDHOOD", "GERONTOLOGY", "AGRICULTURE"]
rows = []
for i in range(400):
    st = rnd.choice(["ENROLLED", "COMPLETED", "DROPPED"])
    rows.append(dict(enrolment_id=f"E{i}", started_on=f"2024-{rnd.randint(1, 6):02d}-15", surname_1="Choque", surname_2="",
        given_names=f"A{i}", sex=rnd.choice("FMX"), birth_date="1985-07-07", document_type="", document_number="",
        country_of_residence=rnd.choice(dests), specialty=rnd.choice(specs), status=st,
        ended_on="" if st == "ENROLLED" else "2024-09-30"))
write("training_enrolments", rows)
write("trafficking_cases", [dict(event_id=f"T{i}", case_id=f"K{i}", stage="COMPLAINT", event_date="2024-01-02", department="BO-L",
      crime="TRAFFICKING", exploitation="LABOUR", scope="INTERNATIONAL") for i in range(50)])
rows = []
for i in range(500):
    prog = rnd.choice(["SHELTER", "PSYCHOLOGICAL", ""])
    rows.append(dict(victim_id=f"V{i}", case_id=f"K{rnd.randrange(50)}", recorded_on=f"2024-{rnd.randint(1, 12):02d}-03",
        sex=rnd.choice("FFFM"), age=str(rnd.choice([rnd.randint(8, 17), rnd.randint(18, 70)])),
        nationality=rnd.choice(["BOL", "BOL", "PER", "PRY"]), programme=prog, started_on="2024-12-20" if prog else "",
        ended_on="", outcome=rnd.choice(["ONGOING", "REINSERTED", "DROPPED"]) if prog else ""))
write("trafficking_victims", rows)
PY
for r in job_offers_abroad job_seekers placements training_enrolments trafficking_cases trafficking_victims; do
  $PASOS --db s.db ingest -q "$r" "$r.csv" || fail "ingest $r"
done
$PASOS --db s.db tabulate --out conf gcm_objective6 gcm_objective18 gcm_objective10_victims > /dev/null || fail "tabulate"
python3 - <<'PY' || fail "the tables differ from the records"
import csv
from collections import Counter
def table(name, measure):
    out, dims = {}, None
    for r in csv.DictReader(open(f"conf/{name}.exact.csv", encoding="utf-8")):
        dims = dims or [k for k in r if k not in ("MEASURE", "value", "status")]
        if r["MEASURE"] == measure:
            out[tuple(r[d] for d in dims)] = int(r["value"])
    out["dims"] = dims
    return out
def cell(t, **want):
    want.setdefault("TIME_PERIOD", "2024")  # every record is of 2024: the year is the time's total
    return t[tuple(want.get(d, "_T") for d in t["dims"])]
region = \
         {r["code"]: r["region"] for r in csv.DictReader(open(__import__("os").environ["ROOT"] + "/codelists/regions.csv"))}
# objective 6: by month, destination (and its region) and occupation
p = list(csv.DictReader(open("placements.csv")))
t = table("gcm_objective6", "PLACEMENTS")
assert cell(t) == len(p), cell(t)
for (m, d, o), n in Counter((x["placed_on"][:7], x["destination"], x["occupation"]) for x in p).items():
    assert cell(t, TIME_PERIOD=m, DESTINATION=d, OCCUPATION=o) == n
for g, n in Counter(region[x["destination"]] for x in p).items():
    assert cell(t, DESTINATION=g) == n, g
# objective 18: specialty x residence x sex x status
e = list(csv.DictReader(open("training_enrolments.csv")))
t = table("gcm_objective18", "ENROLMENTS")
for (s, c, x, st), n in Counter((r["specialty"], r["country_of_residence"], r["sex"], r["status"]) for r in e).items():
    assert cell(t, SPECIALTY=s, RESIDENCE=c, SEX=x, STATUS=st) == n
for s, n in Counter(r["specialty"] for r in e).items():
    assert cell(t, SPECIALTY=s) == n
# victims: age groups, nationality national/foreign, outcome
v = list(csv.DictReader(open("trafficking_victims.csv")))
t = table("gcm_objective10_victims", "VICTIMS")
assert cell(t) == len(v)
grp = lambda a: "0-11" if a < 12 else "12-17" if a < 18 else "18-29" if a < 30 else "30-44" if a < 45 else "45-59" if a < 60 else "60+"
for (g, s), n in Counter((grp(int(r["age"])), r["sex"]) for r in v).items():
    assert cell(t, AGE=g, SEX=s) == n, (g, s)
assert cell(t, NATIONALITY="NAT") == sum(r["nationality"] == "BOL" for r in v)
assert cell(t, NATIONALITY="FOR") == sum(r["nationality"] != "BOL" for r in v)
assert not any(k[t["dims"].index("AGE")].isdigit() for k in t if k != "dims"), "single years of age published"
for o, n in Counter(r["outcome"] for r in v if r["outcome"]).items():
    assert cell(t, OUTCOME=o) == n, o
PY
$PASOS --db s.db protect --out pub gcm_objective10_victims gcm_objective18 > protect.txt || fail "protect: $(cat protect.txt)"
grep -q "k=10" pub/gcm_objective10_victims.csv || fail "the victims' threshold is not stated in their table"
grep -q "k=3," pub/gcm_objective18.csv || fail "the training table's threshold is not stated"
python3 - <<'PY' || fail "a published count of victims is between 1 and 9"
import csv
rows = list(csv.DictReader(open("pub/gcm_objective10_victims.csv", encoding="utf-8")))
small = [r for r in rows if r["value"].isdigit() and 0 < int(r["value"]) < 10]
assert rows and not small, small[:3]
PY
