# A traveller's history through the service is the store's: on a linked
# and classified store, for frequent and occasional travellers, the
# crossings, their order, the 12/16-month results and the stay are what
# SQL over person_links, reg_movements and classified_crossings says
# (Python reads the store and computes the stay; pasos only answers). A
# crossing registered through the service is in its person's history at
# once; a store linked before histories were kept apart gets them at start.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2024-06-30
$PASOS synth --out d --movements 6000 --months 12 --seed 41 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db classify > /dev/null
$PASOS --db s.db user add ana --role officer --post VLZ > ana.txt
T=$(tail -1 ana.txt)
sqlite3 s.db "drop table person_crossings"  # as a store linked by an older pasos
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
$PASOS --db s.db serve --listen 127.0.0.1:$port > serve.log 2>&1 &
spid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "$base/healthz" && break; sleep 0.05; done
# the documents of the three most travelled persons, and of ten with one or two crossings
sqlite3 -separator , s.db "select m.document_type, m.document_country, m.document_number from reg_movements m
  join person_links l on l.register = 'movements' and l.record_id = m.movement_id
  where l.person_id in (select person_id from person_links group by person_id order by count(*) desc limit 3)
     or l.person_id in (select person_id from person_links group by person_id having count(*) <= 2 limit 10)
  group by l.person_id" > docs.txt
[ "$(wc -l < docs.txt)" -ge 10 ] || fail "too few travellers to test with"
: > got.txt
while IFS=, read -r t c n; do
  curl -s -H "Authorization: Bearer $T" "$base/api/v1/persons?document_type=$t&document_country=$c&document_number=$n" >> got.txt
  echo >> got.txt
done < docs.txt
# a returning traveller's new crossing, then their history again
IFS=, read -r t c n < docs.txt
curl -s -o reg.json -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary \
  "{\"movement_id\":\"H1\",\"direction\":\"EXIT\",\"event_time\":\"2024-06-29T10:00:00-04:00\",\"transport\":\"road\",\"document_type\":\"$t\",\"document_number\":\"$n\",\"document_country\":\"$c\",\"nationality\":\"$(sqlite3 s.db "select nationality from reg_movements where document_number = '$n' limit 1")\",\"surname_1\":\"X\",\"given_names\":\"Y\",\"sex\":\"F\",\"birth_date\":\"1980-01-01\",\"purpose\":\"TOURISM\"}" \
  "$base/api/v1/registers/movements" > code.txt
expect_eq "$(cat code.txt)" 201 "a returning traveller registered: $(cat reg.json)"
curl -s -H "Authorization: Bearer $T" "$base/api/v1/persons?document_type=$t&document_country=$c&document_number=$n" > after.json
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
python3 - <<'EOF' || fail "histories differ from the store"
import datetime, json, sqlite3
db = sqlite3.connect("s.db")
today = datetime.date(2024, 6, 30)
def expected(person, leave_out=None):
    rows = db.execute("""select m.movement_id, m.direction, m.event_time, m.border_post, m.nationality,
        m.permitted_stay_days, c.res_after, c.long_term_migration, c.provisional
        from person_links l join reg_movements m on m.movement_id = l.record_id
        left join classified_crossings c on c.movement_rowid = m.rowid
        where l.register = 'movements' and l.person_id = ? and m.movement_id <> coalesce(?, '')
        order by m.event_time, m.rowid""", (person, leave_out)).fetchall()
    out, stay = [], None
    for r in rows:
        x = {"movement_id": r[0], "direction": r[1], "event_time": r[2], "border_post": r[3], "nationality": r[4],
             "permitted_stay_days": None if r[5] is None else str(r[5])}
        if r[6] is not None:
            x["rule_12_16"] = {"residence_after": "resident" if r[6] else "not resident",
                               "long_term_migration": bool(r[7]), "provisional": bool(r[8])}
        out.append(x)
        stay = None
        if r[4] != "BOL" and r[1] == "ENTRY":
            days = (today - datetime.date.fromisoformat(r[2][:10])).days
            stay = {"days_in_bolivia": days} if r[5] is None else \
                {"days_in_bolivia": days, "permitted_stay_days": r[5], "overstay": days > r[5]}
    return out, stay
lines = [json.loads(l) for l in open("got.txt") if l.strip()]
assert len(lines) >= 10, len(lines)
classified = 0
for h in lines:
    cr, stay = expected(h["person_id"], "H1")  # read before H1 was registered
    assert h["crossings"] == cr, (h["person_id"], h["crossings"][:3], cr[:3])
    assert h["stay"] == stay, (h["stay"], stay)
    classified += sum("rule_12_16" in x for x in cr)
assert classified > 0, "no classified crossing seen"
assert max(len(h["crossings"]) for h in lines) >= 20, "no frequent traveller"
after = json.load(open("after.json"))
assert after["person_id"] == lines[0]["person_id"]
assert [x["movement_id"] for x in after["crossings"]] == [x["movement_id"] for x in expected(after["person_id"])[0]]
assert after["crossings"][-1]["movement_id"] == "H1" and "rule_12_16" not in after["crossings"][-1], after["crossings"][-1]
EOF
