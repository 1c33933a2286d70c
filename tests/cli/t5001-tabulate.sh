# Tables: every margin equals the sum of its children, the cells agree with
# SQL over the store, SDMX-CSV reads back to the same numbers, impossible
# combinations are left out, a golden table, and bad definitions get errors.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 8000 --months 3 --seed 41 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db ingest -q regularizations d/regularizations.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db tabulate --out out ine_monthly regularizations > tab.txt
cat tab.txt
grep -q "exact: not for publication" tab.txt || fail "tabulate does not say its table is not for publication"
[ ! -e out/ine_monthly.sdmx.csv ] || fail "tabulate wrote a public file"
# k=1: nothing is unsafe, so the protected (public) files carry the exact values
$PASOS --db s.db protect --k 1 --method suppression --out pub ine_monthly > /dev/null
t=out/ine_monthly.exact.csv
head -1 $t | grep -q '^TIME_PERIOD,DIRECTION,BORDER_POST,TRANSPORT,NATIONALITY,MEASURE,value,status' || fail "tidy header"
# margins: the leaf posts add up to the total post, for every other combination (crossings)
leaves=$(awk -F, '$1=="BORDER_POST" && $3==0 {print $2}' pub/ine_monthly.structure.csv | tr '\n' ' ')
awk -F, -v leaves="$leaves" 'BEGIN {n = split(leaves, l, " "); for (i = 1; i <= n; i++) leaf[l[i]] = 1}
  NR > 1 && $6 == "CROSSINGS" { k = $1 FS $2 FS $4 FS $5; if ($3 in leaf) s[k] += $7; if ($3 == "_T") tot[k] = $7 }
  END { for (k in tot) if (tot[k] != s[k] + 0) { print "margin " k ": " tot[k] " != " s[k]; bad++ } exit bad > 0 }' $t \
  || fail "post total is not the sum of the posts"
# months add up to their quarter, quarters to the year
awk -F, 'NR > 1 && $6 == "CROSSINGS" { k = $2 FS $3 FS $4 FS $5
    if ($1 ~ /^....-[0-9][0-9]$/) { q = substr($1, 1, 4) "-Q" int((substr($1, 6, 2) - 1) / 3 + 1); m[q FS k] += $7 }
    else if ($1 ~ /Q/) { qv[$1 FS k] = $7; y[substr($1, 1, 4) FS k] += $7 } else yv[$1 FS k] = $7 }
  END { for (x in qv) if (qv[x] != m[x] + 0) bad++; for (x in yv) if (yv[x] != y[x] + 0) bad++; exit bad > 0 }' $t \
  || fail "months and quarters do not add up"
# persons are not additive: a total is at most the sum of its parts and at least the largest
awk -F, 'NR > 1 && $6 == "PERSONS" && $1 ~ /^....$/ { k = $2 FS $4 FS $5; if ($3 == "_T") tot[k] = $7; else if ($3 ~ /^[A-Z][A-Z][A-Z]$/) { s[k] += $7; if ($7 > mx[k]) mx[k] = $7 } }
  END { for (k in tot) if (tot[k] > s[k] || tot[k] < mx[k]) bad++; exit bad > 0 }' $t || fail "persons margins out of bounds"
# every group of every hierarchy (regions and national/foreign; departments;
# quarters and years) against the sum of the leaf codes below it, read from
# the published structure by a checker that shares no code with pasos; the
# regularisations table too
python3 "$ROOT/tests/cli/hierarchy.py" pub/ine_monthly.structure.csv $t --additive CROSSINGS --persons PERSONS \
  || fail "ine_monthly: a group is not the sum of its leaves"
$PASOS --db s.db protect --k 1 --method suppression --out pub regularizations > /dev/null
python3 "$ROOT/tests/cli/hierarchy.py" pub/regularizations.structure.csv out/regularizations.exact.csv \
  --additive APPLICATIONS --persons PERSONS || fail "regularizations: a group is not the sum of its leaves"
# and the national/foreign margin against SQL over the store
for g in NAT FOR; do
  got=$(grep "^2023-Q1,_T,_T,_T,$g,CROSSINGS," $t | cut -d, -f7)
  op="="; [ $g = FOR ] && op="<>"
  want=$(sqlite3 s.db "select count(*) from reg_movements where nationality $op 'BOL' and event_time like '2023-0%'")
  expect_eq "$got" "$want" "$g crossings in the first quarter"
done
# every CSV read back with a real CSV parser: the same number of fields on every row
python3 - pub/*.csv $t <<'PY' || fail "a published CSV does not parse"
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        sys.exit("%s: rows of %s fields" % (path, sorted(widths)))
PY
# the store says the same
got=$(grep '^2023-02,ENTRY,DSG,road,_T,CROSSINGS,' $t | cut -d, -f7)
want=$(sqlite3 s.db "select count(*) from reg_movements where direction='ENTRY' and border_post='DSG' and event_time like '2023-02%'")
expect_eq "$got" "$want" "DSG entries in February"
got=$(grep '^2023-Q1,_T,_T,_T,_T,PERSONS,' $t | cut -d, -f7)
want=$(sqlite3 s.db "select count(distinct coalesce(l.person_id, -m.rowid)) from reg_movements m left join person_links l on l.register='movements' and l.record_id=m.movement_id")
expect_eq "$got" "$want" "distinct persons in the quarter"
# impossible combinations are not published, possible empty ones are zeros
grep -q ',LPB,road,' $t && fail "an airport published with road transport"
grep -q ',BO-L,rail,' $t && fail "La Paz department published with rail"
grep -q '^2023-01,ENTRY,AVR,rail,AFG,CROSSINGS,0,A' $t || fail "a real zero is missing"
# SDMX-CSV reads back to the same numbers
s=pub/ine_monthly.sdmx.csv
# SDMX-CSV 1.0 (it goes with SDMX 2.1 structures): DATAFLOW first, FREQ from the period, time last
head -1 $s | grep -q '^DATAFLOW,FREQ,DIRECTION,BORDER_POST,TRANSPORT,NATIONALITY,MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE,COMMENT_DSET' || fail "sdmx header: $(head -1 $s)"
python3 - $s $t <<'PY' || fail "SDMX-CSV values differ from the table"
import csv, sys
sd = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
td = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
dims = ["TIME_PERIOD", "DIRECTION", "BORDER_POST", "TRANSPORT", "NATIONALITY", "MEASURE"]
a = {tuple(r[d] for d in dims): r["OBS_VALUE"] for r in sd}
b = {tuple(r[d] for d in dims): r["value"] for r in td}
assert a == b and len(a) == len(sd), (len(a), len(b))
freq = {r["FREQ"] + ":" + ("A" if len(r["TIME_PERIOD"]) == 4 else "Q" if "Q" in r["TIME_PERIOD"] else "M") for r in sd}
assert freq <= {"A:A", "Q:Q", "M:M"} and len(freq) == 3, freq
assert {r["DATAFLOW"] for r in sd} == {"BO_INE:DF_ine_monthly(1.0)"}
PY
grep -q "^NATIONALITY,005,1,_T,América del Sur,South America" pub/ine_monthly.structure.csv || fail "labels in two languages"
# golden: a small table over the golden movements
$PASOS --db g.db ingest -q movements "$ROOT/tests/golden/movements_small.csv"
$PASOS --db g.db tabulate --out gold "$ROOT/tests/golden/tab_small.tab" > /dev/null
cmp gold/tab_small.exact.csv "$ROOT/tests/golden/tab_small.expected.csv" || fail "golden table differs"
# a post closed at the end of January (ZZZ, without records) is a zero in January and not
# published after; its department is; data of a closed post would still be published
{ cat "$ROOT/codelists/border_posts.csv"; echo 'ZZZ,Cerrado,Potosí,road,ARG,,BO-P,2020-01-01,2023-01-31'; } > posts_closed.csv
printf 'table c\nsource movements\ndimension TIME_PERIOD field=event_time kind=month\ndimension P field=border_post kind=code codes=posts_closed.csv key=code parent=department_code\nopen P TIME_PERIOD opened closed\nmeasure C count\n' > closed.tab
$PASOS --db s.db tabulate --out oc closed.tab > /dev/null
grep -q "^2023-01,ZZZ,C,0," oc/c.exact.csv || fail "ZZZ open in January: a zero"
grep -q "^2023-02,ZZZ,C," oc/c.exact.csv && fail "ZZZ published after it closed"
grep -q "^2023-Q1,ZZZ,C,0," oc/c.exact.csv || fail "ZZZ in the quarter it was open part of"
grep -q "^2023-02,BO-P,C," oc/c.exact.csv || fail "the department of a closed post"
# bad definitions
printf 'table x\nsource movements\ndimension A field=direction kind=code values=ENTRY,EXIT\nconstraint A NOPE mode\nmeasure C count\n' > bad1.tab
set +e; $PASOS --db g.db tabulate --out o bad1.tab 2> err1.txt; rc=$?; set -e
expect_eq "$rc" 3 "unknown dimension exit status"; grep -q "bad1.tab:4: constraint: unknown dimension 'NOPE'" err1.txt || fail "unknown dimension message: $(cat err1.txt)"
printf 'code,up\nA,B\nB,A\n' > cyc.csv
printf 'table y\nsource movements\ndimension D field=direction kind=code codes=cyc.csv key=code parent=up\nmeasure C count\n' > bad2.tab
set +e; $PASOS --db g.db tabulate --out o bad2.tab 2> err2.txt; rc=$?; set -e
expect_eq "$rc" 3 "cycle exit status"; grep -q "cycle\|both a code and a group" err2.txt || fail "cycle message: $(cat err2.txt)"
printf 'table z\nsource movements\ndimension D field=nosuchfield kind=code values=A\nmeasure C count\n' > bad3.tab
set +e; $PASOS --db g.db tabulate --out o bad3.tab 2> err3.txt; rc=$?; set -e
expect_eq "$rc" 3 "unknown field exit status"; grep -q "no field 'nosuchfield'" err3.txt || fail "unknown field message"
# a code missing from a code list is counted under the total and reported
printf 'code,name,department,mode,department_code\nDSG,Desaguadero,La Paz,road,BO-L\n' > posts.csv
printf 'table w\nsource movements\ndimension P field=border_post kind=code codes=posts.csv key=code parent=department_code\nmeasure C count\n' > part.tab
$PASOS --db g.db tabulate --out o part.tab > part.txt
grep -q "codes missing from a code list" part.txt || fail "missing codes not reported"
expect_eq "$(grep '^_T,C,' o/w.exact.csv | cut -d, -f3)" 3 "records with missing codes still in the total"
# the SDMX-ML structure is well-formed XML and names every dimension's code list
xmllint --noout --schema "$ROOT/../shared/reference/sdmx/sdmx-ml-2.1/schemas/SDMXMessage.xsd" pub/ine_monthly.structure.xml 2> xsd.txt ||
  fail "structure.xml is not valid SDMX-ML 2.1: $(tail -3 xsd.txt)"
# every code list defines a code's parent before the code, every maintainable is final with a urn,
# the time dimension comes last and FREQ first, COMMENT_DSET belongs to the dataset
python3 - pub/ine_monthly.structure.xml <<'PY' || fail "SDMX structure"
import sys, xml.etree.ElementTree as ET
ns = {"str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure", "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}
root = ET.parse(sys.argv[1]).getroot()
for cl in root.iter("{%s}Codelist" % ns["str"]):
    assert cl.get("isFinal") == "true" and cl.get("urn", "").startswith("urn:sdmx:org.sdmx.infomodel.codelist.Codelist="), cl.attrib
    seen = set()
    for code in cl.findall("str:Code", ns):
        p = code.find("str:Parent/Ref", ns)
        assert p is None or p.get("id") in seen, (cl.get("id"), code.get("id"), p.get("id"))
        seen.add(code.get("id"))
dims = root.find(".//str:DimensionList", ns)
kids = list(dims)
assert kids[0].get("id") == "FREQ" and kids[-1].tag.endswith("TimeDimension"), [k.get("id") for k in kids]
for a in root.iter("{%s}Attribute" % ns["str"]):
    rel = a.find("str:AttributeRelationship", ns)
    if a.get("id") == "COMMENT_DSET":
        assert rel.find("str:None", ns) is not None
names = {c.get("id"): c.find("com:Name[@{http://www.w3.org/XML/1998/namespace}lang='en']", ns).text for c in root.iter("{%s}Concept" % ns["str"])}
assert names["NATIONALITY"] == "Citizenship" and names["TIME_PERIOD"] == "Time period", names
# the second grouping of a country (national or foreign, beside its region) is a hierarchy
h = root.find(".//str:HierarchicalCodelist/str:Hierarchy[@id='NATIONALITY_2']", ns)
assert h is not None, "no second grouping of NATIONALITY"
groups = {g.get("id"): {c.get("id") for c in g.findall("str:HierarchicalCode", ns)} for g in h.iter("{%s}HierarchicalCode" % ns["str"]) if g.findall("str:HierarchicalCode", ns)}
assert "BOL" in groups.get("NAT", ()) and "ARG" in groups.get("FOR", ()) and "ARG" not in groups.get("NAT", ()), {k: len(v) for k, v in groups.items()}
PY
for dim in TIME_PERIOD DIRECTION BORDER_POST TRANSPORT NATIONALITY; do
  grep -q "<str:[A-Za-z]*Dimension id=\"$dim\"" pub/ine_monthly.structure.xml || fail "no dimension $dim in the structure"
done
grep -q '<com:Name xml:lang="es">América del Sur</com:Name>' pub/ine_monthly.structure.xml || fail "Spanish labels"
