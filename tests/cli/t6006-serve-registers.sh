# The other institutions' registers through the service, from their
# definitions alone: a consul registers a Bolivian abroad and reads the
# record back; a victim's record needs its case in the store (the refers
# rule, named in the 422); a retry is 200 and nothing is added, the same id
# with other content a 409 kept as a conflict; a broken rule is a 422
# naming field and rule. Only the roles a definition names get in: not an
# officer, not an administrator, not the labour office for a victim. Every
# write and read is in the audit trail, by record id only. The consul does
# the same through pages: signed in, the form drawn from the definition
# (every field), CSRF checked, the failures named by rule.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2024-06-30
tok() { $PASOS --db s.db user add "$1" --role "$2" ${3:+--post $3} | tail -1; }
CONS=$(echo clave-del-consul-9 | $PASOS --db s.db user add consul --role consular --password-stdin | tail -1); PROT=$(tok prot protection); LAB=$(tok lab labour)
OFF=$(tok ana officer VLZ); ADM=$(tok root admin)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
$PASOS --db s.db serve --listen 127.0.0.1:$port > serve.log 2>&1 &
spid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "$base/healthz" && break; sleep 0.05; done
post() { curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
  --data-binary "$3" "$base/api/v1/registers/$2"; }
get() { curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $1" "$base/api/v1/registers/$2"; }
C1='{"registration_id":"C1","registered_on":"2024-05-02","consulate_country":"ARG","consulate_city":"Buenos Aires","surname_1":"Quispe","surname_2":"Mamani","given_names":"Rosa","sex":"F","birth_date":"1990-03-04","nationality":"BOL","document_type":"ID_CARD","document_number":"4455667","document_country":"BOL","country_of_residence":"ARG","city_of_residence":"Buenos Aires","occupation":"75","biometrics_captured":"YES","civil_event":"BIRTH","civil_event_date":"2024-04-20"}'
expect_eq "$(post "$CONS" consular_registrations "$C1")" 201 "a consul registers: $(cat body.json)"
python3 -c 'import json; d = json.load(open("body.json")); assert d["result"] == "stored" and d["record"]["surname_1"] == "Quispe", d'
expect_eq "$(post "$CONS" consular_registrations "$C1")" 200 "the same again"
expect_eq "$(post "$CONS" consular_registrations "${C1/Rosa/Rita}")" 409 "the same id, other content"
expect_eq "$(post "$CONS" consular_registrations "${C1/\"BIRTH\"/\"NONE\"}")" 422 "a civil event's date without an event"
python3 -c 'import json; d = json.load(open("body.json")); assert {"field": "civil_event_date", "rule": "civil_event_date_iff_event"}.items() <= d["failures"][0].items(), d'
expect_eq "$(post "$CONS" consular_registrations '{"registration_id":"C2","colour":"red"}')" 422 "unknown and missing fields"
expect_eq "$(post "$OFF" consular_registrations "${C1/C1/C3}")" 403 "an officer may not"
expect_eq "$(post "$ADM" consular_registrations "${C1/C1/C3}")" 403 "an administrator may not"
expect_eq "$(get "$CONS" consular_registrations/C1)" 200 "the consul reads it back"
python3 - "$C1" <<'EOF' || fail "the record read back differs from the one sent"
import json, sys
sent, got = json.loads(sys.argv[1]), json.load(open("body.json"))["record"]
assert got == sent, (got, sent)
EOF
expect_eq "$(get "$LAB" consular_registrations/C1)" 403 "the labour office may not read it"
expect_eq "$(get "$CONS" consular_registrations/C9)" 404 "no such record"
V1='{"victim_id":"V1","case_id":"K9","recorded_on":"2024-02-03","sex":"F","age":"17","nationality":"BOL","programme":"SHELTER","started_on":"2024-02-04","ended_on":"2024-05-01","outcome":"REINSERTED"}'
expect_eq "$(post "$PROT" trafficking_victims "$V1")" 422 "a victim before the case"
python3 -c 'import json; d = json.load(open("body.json")); f = d["failures"][0]; assert f["field"] == "case_id" and f["rule"], d'
K9='{"event_id":"T1","case_id":"K9","stage":"COMPLAINT","event_date":"2024-02-02","department":"BO-L","crime":"TRAFFICKING","exploitation":"LABOUR","scope":"INTERNATIONAL"}'
expect_eq "$(post "$PROT" trafficking_cases "$K9")" 201 "the complaint opens the case: $(cat body.json)"
expect_eq "$(post "$PROT" trafficking_victims "$V1")" 201 "then the victim: $(cat body.json)"
# a case that advances keeps every event; a read says which is current
K9b=$(echo "$K9" | sed 's/"T1"/"T2"/; s/COMPLAINT/INVESTIGATION/; s/2024-02-02/2024-03-10/')
expect_eq "$(post "$PROT" trafficking_cases "$K9b")" 201 "the case advances"
expect_eq "$(get "$PROT" trafficking_cases/T1)" 200 "the first event read"
python3 -c 'import json; d = json.load(open("body.json")); assert d["versions"] == ["T1", "T2"] and d["current"] is False and d["record"]["stage"] == "COMPLAINT", d' || fail "the first event: $(cat body.json)"
expect_eq "$(get "$PROT" trafficking_cases/T2)" 200 "the latest event read"
python3 -c 'import json; d = json.load(open("body.json")); assert d["versions"] == ["T1", "T2"] and d["current"] is True, d' || fail "the current event: $(cat body.json)"
expect_eq "$(post "$LAB" trafficking_victims "${V1/V1/V2}")" 403 "the labour office may not write a victim"
expect_eq "$(get "$CONS" trafficking_victims/V1)" 403 "nor a consul read one"
expect_eq "$(post "$CONS" census_emigrants '{}')" 404 "a register with no roles is not served"
expect_eq "$(post "$CONS" nothing_here '{}')" 404 "no such register"
# the same through the consul's pages: signed in, the form drawn from the definition, CSRF checked
curl -s -c jar -b jar -o login.html "$base/login"
expect_eq "$(curl -s -c jar -b jar -o /dev/null -w '%{http_code} %{redirect_url}' --data-urlencode name=consul \
  --data-urlencode password=clave-del-consul-9 --data-urlencode csrf="$(csrf_of login.html)" "$base/login")" \
  "303 $base/registers" "the consul signs in to the registers"
expect_eq "$(curl -s -b jar -o list.html -w '%{http_code}' "$base/registers")" 200 "the consul's registers"
grep -q 'href="/registers/consular_registrations"' list.html && grep -q 'href="/registers/repatriations"' list.html ||
  fail "the consul's registers: $(cat list.html)"
! grep -q 'trafficking_victims' list.html || fail "a victims' register offered to a consul"
expect_eq "$(curl -s -b jar -o form.html -w '%{http_code}' "$base/registers/consular_registrations")" 200 "the form"
for f in $(sed -n 's/^field \([a-z_0-9]*\).*/\1/p' "$ROOT/registers/consular_registrations.reg"); do
  grep -q "name=\"$f\"" form.html || fail "the form lacks the field $f"
done
expect_eq "$(curl -s -b jar -o /dev/null -w '%{http_code}' "$base/registers/trafficking_victims")" 403 "no victims' form for a consul"
form=$(python3 - "$C1" <<'EOF2'
import json, sys, urllib.parse
d = json.loads(sys.argv[1]); d["registration_id"] = "C5"
print(urllib.parse.urlencode(d))
EOF2
)
expect_eq "$(curl -s -b jar -o r.html -w '%{http_code}' --data "$form&csrf=$(csrf_of form.html)" "$base/registers/consular_registrations")" \
  201 "registered with the form: $(cat r.html)"
expect_eq "$(curl -s -b jar -o r.html -w '%{http_code}' --data "${form/BIRTH/NONE}&csrf=$(csrf_of form.html)" "$base/registers/consular_registrations")" \
  422 "a broken rule through the form"
grep -q "civil_event_date_iff_event" r.html || fail "the form's failure names no rule: $(cat r.html)"
expect_eq "$(curl -s -b jar -o /dev/null -w '%{http_code}' --data "${form/C5/C6}&csrf=0" "$base/registers/consular_registrations")" \
  403 "a form without its CSRF token"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
expect_eq "$(sqlite3 s.db "select group_concat(registration_id) from reg_consular_registrations")" "C1,C5" "the form's record stored, the others not"
expect_eq "$(sqlite3 s.db "select count(*) from conflicts")" 1 "the conflict kept"
expect_eq "$(sqlite3 s.db "select count(*) from reg_trafficking_victims")" 1 "one victim"
expect_eq "$(sqlite3 s.db "select accepted || ' ' || duplicates || ' ' || conflicts from batches where register = 'consular_registrations'")" \
  "2 1 1" "the batch's counts"
sqlite3 s.db "select object from audit_trail" > trail.txt
grep -q "^consular_registrations:C1$" trail.txt || fail "the write and read are not in the trail: $(cat trail.txt)"
! grep -qi "quispe\|4455667" trail.txt || fail "a name or document number in the trail"
$PASOS --db s.db audit verify > /dev/null || fail "the trail does not verify"
