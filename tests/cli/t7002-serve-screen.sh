# Screening inside pasos serve: a registration is screened against the
# current lists while the traveller waits, stored whatever the hits with
# its screening (one commit), answered with the hits; a new list version
# loaded while the service runs is used within seconds; an officer records
# a decision (only on their post's screenings with hits), kept with its
# history and in the audit trail, which still verifies; a killed server
# keeps every acknowledged registration with its screening.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2026-11-30
$PASOS synth --out d --movements 2000 --months 2 --seed 5 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
H=id,name,aliases,birth_date,nationality,document_type,document_country,document_number,list,reason
{ echo "$H"; echo 'N1,"APAZA MAMANI, Ana Rosa",,1980-01-01,PER,,,,sought,notice'; } > v1.csv
$PASOS --db s.db watchlist load interpol v1.csv > /dev/null
$PASOS --db s.db user add ana --role officer --post DSG > ana.txt
$PASOS --db s.db user add bea --role officer --post VLZ > bea.txt
$PASOS --db s.db user add sup --role supervisor > sup.txt
T=$(tail -1 ana.txt); B=$(tail -1 bea.txt); P=$(tail -1 sup.txt)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
start() { $PASOS --db s.db serve --listen 127.0.0.1:$port > serve.log 2>&1 & spid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null "$base/healthz" && return; sleep 0.05; done; fail "the server did not start: $(cat serve.log)"; }
start
post() { curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary "$2" "$base$3"; }
rec() { printf '{"movement_id":"%s","direction":"%s","event_time":"%s","transport":"road","document_type":"PASSPORT","document_number":"%s","document_country":"PER","nationality":"PER","surname_1":"%s","surname_2":"Mamani","given_names":"Ana","sex":"F","birth_date":"1980-01-01","purpose":"TOURISM"%s}' "$@"; }
hits() { python3 -c 'import json; d = json.load(open("body.json")); print(" ".join(h["kind"] + ":" + h["entry_id"] for h in d["screening"]["hits"]))'; }
sid() { python3 -c 'import json; print(json.load(open("body.json"))["screening"]["screening_id"])'; }
# a listed person (shortened given names): a hit, and the crossing stored all the same
expect_eq "$(post "$T" "$(rec S1 ENTRY 2024-03-01T10:00:00-04:00 Q1 Apaza ',"permitted_stay_days":30')" /api/v1/registers/movements)" 201 "a listed traveller"
expect_eq "$(hits)" "name:N1" "the hit"
s1=$(sid)
expect_eq "$(sqlite3 s.db "select hits, lists_version from screenings where record_id = 'S1'")" "1|1" "the screening stored with the crossing"
# an innocent namesake (another surname): no hit
expect_eq "$(post "$T" "$(rec S2 ENTRY 2024-03-01T11:00:00-04:00 Q2 Condori '')" /api/v1/registers/movements)" 201 "an innocent"
expect_eq "$(hits)" "" "no hit"
s2=$(sid)
# the retry answers the screening made when it was stored
expect_eq "$(post "$T" "$(rec S1 ENTRY 2024-03-01T10:00:00-04:00 Q1 Apaza ',"permitted_stay_days":30')" /api/v1/registers/movements)" 200 "a retry"
expect_eq "$(hits)" "name:N1" "the retry's screening"
# leaving 40 days after an entry that permitted 30: an overstay (and the name)
expect_eq "$(post "$T" "$(rec S3 EXIT 2024-04-10T10:00:00-04:00 Q1 Apaza '')" /api/v1/registers/movements)" 201 "an exit"
expect_eq "$(hits)" "name:N1 overstay:" "overstay computed from the stored entry"
# the latest entry with the document counts: in for 30 days and out, then in for 90 and out 40 days later
expect_eq "$(post "$T" "$(rec S6 ENTRY 2024-01-05T10:00:00-04:00 R7 Apaza ',"permitted_stay_days":30')" /api/v1/registers/movements)" 201 "a first entry"
expect_eq "$(post "$T" "$(rec S7 EXIT 2024-01-10T10:00:00-04:00 R7 Apaza '')" /api/v1/registers/movements)" 201 "its exit"
expect_eq "$(hits)" "name:N1" "out within the stay"
expect_eq "$(post "$T" "$(rec S8 ENTRY 2024-03-01T10:00:00-04:00 R7 Apaza ',"permitted_stay_days":90')" /api/v1/registers/movements)" 201 "a second entry"
expect_eq "$(post "$T" "$(rec S9 EXIT 2024-04-10T10:00:00-04:00 R7 Apaza '')" /api/v1/registers/movements)" 201 "its exit"
expect_eq "$(hits)" "name:N1" "the stay of the latest entry, not the first"
# a new version of the list while the service runs: the entry is replaced by another
{ echo "$H"; echo 'N2,Rosa CONDORI MAMANI,Ana CONDORI,1980,PER,,,,ban,entry ban'; } > v2.csv
$PASOS --db s.db watchlist load interpol v2.csv > load.txt || fail "load while serving: $(cat load.txt)"
for i in $(seq 1 60); do grep -q "version 2" serve.log && break; sleep 0.1; done
grep -q "watch lists now at version 2" serve.log || fail "the service did not take the new version: $(cat serve.log)"
expect_eq "$(post "$T" "$(rec S4 ENTRY 2024-05-01T10:00:00-04:00 Q2 Condori '')" /api/v1/registers/movements)" 201 "after the new version"
expect_eq "$(hits)" "ban:N2" "the new version's ban on an entry"
expect_eq "$(post "$T" "$(rec S5 ENTRY 2024-05-01T11:00:00-04:00 Q1 Apaza '')" /api/v1/registers/movements)" 201 "the old entry's person"
expect_eq "$(hits)" "" "the old version is gone"
# decisions
dec() { post "$1" "{\"decision\":\"$2\",\"note\":\"checked passport\"}" "/api/v1/screenings/$3/decision"; }
expect_eq "$(dec "$B" cleared "$s1")" 403 "an officer of another post"
expect_eq "$(dec "$P" cleared "$s1")" 403 "a supervisor does not decide"
expect_eq "$(dec "$T" maybe "$s1")" 422 "no such decision"
expect_eq "$(dec "$T" cleared "$s2")" 409 "nothing to decide on"
expect_eq "$(dec "$T" cleared 999999)" 404 "no such screening"
expect_eq "$(dec "$T" referred "$s1")" 200 "referred"
expect_eq "$(dec "$T" cleared "$s1")" 200 "then cleared"
python3 -c 'import json; d = json.load(open("body.json")); assert d["decision"] == "cleared" and d["decided_by"] == "ana" and d["note"] == "checked passport", d' || fail "decision: $(cat body.json)"
expect_eq "$(curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $P" "$base/api/v1/screenings/$s1")" 200 "a supervisor reads it"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $B" "$base/api/v1/screenings/$s1")" 403 "another post's officer does not"
expect_eq "$(sqlite3 s.db "select group_concat(decision, ',') from (select decision from screening_decisions where screening_id = $s1 order by rowid)")" "referred,cleared" "the decisions' history"
expect_eq "$(sqlite3 s.db "select count(*) from audit_trail where object = 'screening:$s1' and action like 'decide-%'")" 2 "decisions in the trail"
expect_eq "$(sqlite3 s.db "select count(*) from audit_trail where object = 'screening:$s1' and action = 'screening-hits'")" 1 "the hits in the trail"
# killed under load: every acknowledged registration is stored with its screening
for i in $(seq 1 40); do post "$T" "$(rec K$i ENTRY 2024-06-01T10:00:00-04:00 Q$i Apaza '')" /api/v1/registers/movements > "code.$i" & done
sleep 0.3; kill -9 $spid; wait 2> /dev/null || true
for i in $(seq 1 40); do
  c=$(cat "code.$i")
  if [ "$c" = 201 ]; then
    expect_eq "$(sqlite3 s.db "select count(*) from reg_movements m join screenings s on s.record_id = m.movement_id where m.movement_id = 'K$i'")" 1 "K$i acknowledged, stored once with its screening"
  fi
done
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements m where movement_id like 'K%' and not exists (select 1 from screenings s where s.record_id = m.movement_id)")" 0 "no crossing without its screening"
$PASOS --db s.db audit verify > audit.txt || fail "the trail after all this: $(cat audit.txt)"
