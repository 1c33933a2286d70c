# pasos serve through a real server on a loopback port: accounts and roles,
# every answer of the registration API, a traveller's history, the audit
# trail broken on purpose and found, and a SIGKILL under load after which
# every acknowledged registration is in the store exactly once.
. "$ROOT/tests/cli/lib.sh"
$PASOS synth --out d --movements 3000 --months 2 --seed 8 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db user add ana --role officer --post DSG > ana.txt
$PASOS --db s.db user add est --role statistician > est.txt
$PASOS --db s.db user add old --role officer --post DSG > old.txt
echo clave-de-luz-7 | $PASOS --db s.db user add luz --role officer --post DSG --password-stdin > /dev/null
T=$(tail -1 ana.txt); S=$(tail -1 est.txt); O=$(tail -1 old.txt)
[ ${#T} -eq 64 ] || fail "the token is not alone on the last line: $(cat ana.txt)"
[ -z "$(sqlite3 s.db "select 1 from user_tokens where token_sha256 = '$T' or name = '$T'")" ] || fail "the token is kept as it is"
$PASOS --db s.db user disable old > /dev/null
$PASOS --db s.db protect --out pub --confidential conf regularizations ine_monthly > /dev/null 2>&1 || $PASOS --db s.db protect --out pub --confidential conf ine_monthly > /dev/null
cp s.db pub/s.db; echo secret > pub/ine_monthly.exact.csv
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start() { $PASOS --db s.db serve --listen 127.0.0.1:$port --public pub "$@" > serve.log 2>&1 & spid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return; sleep 0.05; done; fail "the server did not start: $(cat serve.log)"; }
start
url="http://127.0.0.1:$port/api/v1/registers/movements"
post() { curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary "$2" "$url"; }
rec() { printf '{"movement_id":"%s","direction":"ENTRY","event_time":"2024-03-01T10:00:00-04:00","transport":"road","document_type":"PASSPORT","document_number":"%s","document_country":"PER","nationality":"PER","surname_1":"Apaza","surname_2":"Mamani","given_names":"%s","sex":"F","birth_date":"1980-01-01","country_of_residence":"PER","purpose":"TOURISM","permitted_stay_days":30}' "$1" "${2:-P555}" "${3:-Ana}"; }
expect_eq "$(post "$T" "$(rec API1)")" 201 "a new crossing"
python3 -c 'import json,sys; d = json.load(open("body.json")); assert d["record"]["border_post"] == "DSG" and d["person_id"] > 0, d' || fail "201 body: $(cat body.json)"
p1=$(python3 -c 'import json; print(json.load(open("body.json"))["person_id"])')
cp body.json api1.json
# the 201 answer (written as text by the service) is JSON holding every field sent, the post added,
# the person, the screening and how it was linked; names needing escapes come back as sent
rec API0 P556 'Ana \"la\" \\ Ñusta' | sed 's/1980-01-01/1955-05-05/; s/"Apaza"/"Quenta"/' > esc.json
expect_eq "$(post "$T" "$(cat esc.json)")" 201 "a crossing whose given names need escaping"
python3 - esc.json body.json <<'PY' || fail "201 body of API0: $(cat body.json)"
import json, sys
sent, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sent["given_names"] == 'Ana "la" \\ Ñusta', sent
rec = got["record"]
assert all(rec[k] == str(v) for k, v in sent.items()), (sent, rec)
assert rec["border_post"] == "DSG" and got["result"] == "stored" and got["person_id"] > 0, got
assert set(got["screening"]) == {"screening_id", "lists_version", "hits"} and got["screening"]["screening_id"] > 0, got
assert isinstance(got["screening"]["hits"], list) and got["linked_by"] in ("document", "name", "new"), got
PY
expect_eq "$(post "$T" "$(rec API1)")" 200 "the same again: a retry"
# the retry's answer: the record, person and screening of the first answer, nothing new
python3 - api1.json body.json <<'PY' || fail "200 body: $(cat body.json)"
import json, sys
first, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert got["result"] == "already stored" and got["linked_by"] == "stored before", got
assert got["record"] == first["record"] and got["person_id"] == first["person_id"], (first, got)
assert got["screening"]["screening_id"] == first["screening"]["screening_id"], (first, got)
assert got["screening"]["hits"] == first["screening"]["hits"], (first, got)
PY
expect_eq "$(post "$T" "$(rec API2)")" 201 "the same document again"
expect_eq "$(python3 -c 'import json; print(json.load(open("body.json"))["person_id"])')" "$p1" "the same document, the same person"
expect_eq "$(post "$T" "$(rec API1 P555 Eva)")" 409 "the same id with other content"
expect_eq "$(sqlite3 s.db "select count(*) from conflicts where record_id = 'API1'")" 1 "the conflict kept"
expect_eq "$(post "$T" '{"movement_id":"API3","sex":"Q","bogus":"x"}')" 422 "broken rules"
python3 - <<'PY' || fail "422 body: $(cat body.json)"
import json
d = json.load(open("body.json"))
rules = {(f["field"], f["rule"]) for f in d["failures"]}
assert ("bogus", "unknown_field") in rules and ("sex", "code") in rules and ("direction", "required") in rules, rules
PY
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements where movement_id = 'API3'")" 0 "nothing stored of a 422"
# a commit that fails (a trigger planted in the store refuses one record): its answer is 500, nothing
# of it is stored, and the next registration is stored as usual
sqlite3 -cmd '.timeout 5000' s.db "CREATE TRIGGER planted BEFORE INSERT ON reg_movements WHEN NEW.movement_id = 'FAIL1'
  BEGIN SELECT RAISE(ABORT, 'planted'); END;"
expect_eq "$(post "$T" "$(rec FAIL1 P777 Zoila | sed s/1980-01-01/1961-07-07/)")" 500 "a commit that fails"
grep -q 'not stored' body.json || fail "500 body: $(cat body.json)"
sqlite3 -cmd '.timeout 5000' s.db "DROP TRIGGER planted"
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements where movement_id = 'FAIL1'")" 0 "nothing stored of a failed commit"
expect_eq "$(post "$T" "$(rec FAIL1 P777 Zoila | sed s/1980-01-01/1961-07-07/)")" 201 "the same record once the store takes it"
expect_eq "$(post "$T" "$(rec API4 | sed 's/"road"/"road","border_post":"VLZ"/')")" 403 "another post than the officer's"
expect_eq "$(post "" "$(rec API5)")" 401 "no token"
expect_eq "$(post "$O" "$(rec API5)")" 401 "a disabled account"
expect_eq "$(post "$S" "$(rec API5)")" 403 "a statistician registers nothing"
expect_eq "$(post "$T" '{"movement_id": ')" 400 "malformed JSON"
expect_eq "$(post "$T" "$(python3 -c 'print("{\"movement_id\":\"" + "x" * 70000 + "\"}")')")" 413 "a body over 64 KiB"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: text/plain' -d x "$url")" 415 "a wrong content type"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/../../etc/passwd")" 404 "path traversal"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $T" "$url")" 405 "a wrong method"
hist="http://127.0.0.1:$port/api/v1/persons?document_type=PASSPORT&document_country=PER&document_number=P555"
expect_eq "$(curl -s -o h.json -w '%{http_code}' -H "Authorization: Bearer $T" "$hist")" 200 "a history"
python3 -c 'import json; d = json.load(open("h.json")); assert [c["movement_id"] for c in d["crossings"]] == ["API1", "API2"], d' || fail "history: $(cat h.json)"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $S" "$hist")" 403 "a statistician reads no history"
expect_eq "$(curl -s -o p.json -w '%{http_code}' -H "Authorization: Bearer $T" "http://127.0.0.1:$port/api/v1/persons/$p1")" 200 "a history by person"
python3 - "$(date -u +%s)" <<'PY' || fail "person: $(cat p.json)"
import json, sys, datetime
d = json.load(open("p.json"))
assert [c["movement_id"] for c in d["crossings"]] == ["API1", "API2"], d
# a Peruvian whose last crossing is an entry on 2024-03-01: the days since, against 30 permitted
days = (datetime.datetime.utcfromtimestamp(int(sys.argv[1])).date() - datetime.date(2024, 3, 1)).days
assert abs(d["stay"]["days_in_bolivia"] - days) <= 1 and d["stay"]["permitted_stay_days"] == 30 and d["stay"]["overstay"], d
PY
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" "http://127.0.0.1:$port/api/v1/persons/99999999")" 404 "no such person"
# by name, matched as linkage matches names: another spelling, the surnames in the other order,
# day and month of birth swapped
expect_eq "$(post "$T" "$(rec VIL1 V9001 'Juana Rosa' | sed 's/"Apaza"/"Villca"/; s/"Mamani"/"de la Quispe"/; s/1980-01-01/1977-03-11/')")" 201 "a crossing to find by name"
pv=$(python3 -c 'import json; print(json.load(open("body.json"))["person_id"])')
names() { curl -s -G -H "Authorization: Bearer $T" --data-urlencode "surname=$1" --data-urlencode "given_names=$2" \
  --data-urlencode "birth_date=$3" "http://127.0.0.1:$port/api/v1/persons" | python3 -c 'import json, sys; print(" ".join(str(p["person_id"]) for p in json.load(sys.stdin)["persons"]))'; }
expect_eq "$(names 'Quispe Bilca' 'Juana' 1977-11-03)" "$pv" "found by name: other spelling, order and date"
expect_eq "$(names 'Villca' 'Pedro' 1977-03-11)" "" "another given name is another person"
expect_eq "$(names 'Mendoza' 'Juana' 1977-03-11)" "" "another surname is another person"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -G -H "Authorization: Bearer $T" --data-urlencode surname=Villca "http://127.0.0.1:$port/api/v1/persons")" 400 "a name search without a birth date"
sqlite3 s.db "select object from audit_trail where action = 'search by name'" | grep -q "persons:$pv" || fail "the search is not in the trail"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" "http://127.0.0.1:$port/api/v1/persons/x1")" 404 "a person id that is no number"
# the public side, without an account: the protected tables only
expect_eq "$(curl -s -o idx.html -w '%{http_code}' "http://127.0.0.1:$port/public/")" 200 "the public index"
grep -q 'href="/public/ine_monthly.sdmx.csv"' idx.html || fail "index: $(cat idx.html)"
! grep -q 'exact\|s.db' idx.html || fail "the index shows what is not public"
curl -s "http://127.0.0.1:$port/public/ine_monthly.sdmx.csv" | cmp - pub/ine_monthly.sdmx.csv || fail "the download differs"
curl -s "http://127.0.0.1:$port/public/ine_monthly.sdmx.csv.gz" | zcat | cmp - pub/ine_monthly.sdmx.csv || fail "the compressed download differs"
for bad in ine_monthly.exact.csv s.db ../s.db %2e%2e/s.db .pasos.lock; do
  expect_eq "$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/public/$bad")" 404 "public/$bad"
done

# six clients registering 40 crossings each, ids TAG1-1..TAG6-40 (documents DOC11...), answers in TAG1.txt...
load() {
  for c in 1 2 3 4 5 6; do
    ( for i in $(seq 1 40); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: application/json' \
          --data-binary "$(rec $1$c-$i $2$c$i)" "$url" || true)
        echo "$1$c-$i $code"
      done ) > $1$c.txt &
  done
}
# after the load TAG: acked.txt and stored.txt; every acknowledged one stored once, at most those in flight more
check_acked() {
  cat $1?.txt | awk '$2 == 201 || $2 == 200 {print $1}' | sort > acked.txt
  sqlite3 s.db "select movement_id from reg_movements where movement_id like '$1%-%'" | sort > stored.txt
  [ "$(wc -l < acked.txt)" -gt 0 ] || fail "$1: nothing was acknowledged before the $2"
  [ -z "$(comm -23 acked.txt stored.txt)" ] || fail "$1: acknowledged but not stored: $(comm -23 acked.txt stored.txt | head)"
  expect_eq "$(sqlite3 s.db "select count(*) - count(distinct movement_id) from reg_movements")" 0 "each once after the $2"
  [ "$(($(wc -l < stored.txt) - $(wc -l < acked.txt)))" -le 6 ] || fail "$1: more stored than acknowledged beyond the requests in flight"
}
# under load, then SIGKILL: every acknowledged registration is stored exactly once
load L P
sleep 0.4
kill -9 $spid
wait 2>/dev/null || true
check_acked L kill
cat L?.txt | awk '{print $1}' | sort > sent.txt
[ -z "$(comm -13 sent.txt stored.txt)" ] || fail "stored but never sent: $(comm -13 sent.txt stored.txt | head)"
expect_eq "$(sqlite3 s.db 'pragma integrity_check')" ok "the store after the kill"
echo "acknowledged $(wc -l < acked.txt) of $(wc -l < sent.txt) before the kill, $(wc -l < stored.txt) stored"
# the restarted server answers the unacknowledged ones as new or as retries, never twice
start
for id in $(comm -23 sent.txt acked.txt); do
  c=${id#L}; c=${c%%-*}; i=${id##*-}
  code=$(post "$T" "$(rec "$id" "P$c$i")")
  [ "$code" = 201 ] || [ "$code" = 200 ] || fail "$id after the restart: $code $(cat body.json)"
done
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements where movement_id like 'L%-%'")" "$(wc -l < sent.txt)" "every registration once"
# under load, then SIGTERM: the server stops by itself with its connections suspended for their
# commits, every acknowledged registration stored once, and no answer but 201, 200 or none (a
# connection cut or refused at the stop is not told apart from one answered: that is not checked)
load M Q
sleep 0.4
kill -TERM $spid
( sleep 60; kill -9 $spid 2> /dev/null ) & watchdog=$!
wait $spid || fail "the server did not stop cleanly on SIGTERM under load"
kill $watchdog 2> /dev/null || true
wait 2> /dev/null || true
grep -q "stopped;" serve.log || fail "no word at the stop: $(cat serve.log)"
check_acked M SIGTERM
! grep -v ' 20[01]$' M?.txt | grep -v ' 000$' | grep -q . || fail "answers other than 201/200 or no connection: $(grep -v ' 20[01]$' M?.txt | grep -v ' 000$' | head -3)"
echo "SIGTERM under load: acknowledged $(wc -l < acked.txt), stored $(wc -l < stored.txt)"

# the audit trail: whole, then an entry altered, then one removed
$PASOS --db s.db audit verify > v.txt || fail "trail: $(cat v.txt)"
n=$(sqlite3 s.db "select count(*) from audit_trail")
[ "$n" -ge "$(wc -l < acked.txt)" ] || fail "the trail holds $n entries"
! sqlite3 s.db "select * from audit_trail" | grep -q "Apaza\|P555" || fail "names or documents in the trail"
cp s.db t.db
sqlite3 t.db "update audit_trail set status = status + 1 where seq = 3"
set +e; $PASOS --db t.db audit verify > v.txt; rc=$?; set -e
expect_eq "$rc" 1 "an altered trail"; grep -q "BROKEN at entry 3" v.txt || fail "$(cat v.txt)"
cp s.db t.db
sqlite3 t.db "delete from audit_trail where seq = 5"
set +e; $PASOS --db t.db audit verify > v.txt; rc=$?; set -e
expect_eq "$rc" 1 "a removed entry"; grep -q "BROKEN at entry 5" v.txt || fail "$(cat v.txt)"
cp s.db t.db
sqlite3 t.db "delete from audit_trail where seq = (select max(seq) from audit_trail)"
set +e; $PASOS --db t.db audit verify > v.txt; rc=$?; set -e
expect_eq "$rc" 1 "the last entry cut off"

# HTTPS with a certificate and key
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost 2> /dev/null
$PASOS --db s.db serve --listen 127.0.0.1:$port --tls-cert cert.pem --tls-key key.pem > serve.log 2>&1 & spid=$!
for i in $(seq 1 100); do curl -sk -o /dev/null "https://127.0.0.1:$port/healthz" && break; sleep 0.05; done
expect_eq "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz")" 200 "healthz over HTTPS"
expect_eq "$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $T" "https://127.0.0.1:$port/api/v1/persons/$p1")" 200 "a history over HTTPS"
set +e; code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz"); set -e
[ "$code" != 200 ] || fail "plain HTTP answered on the HTTPS port"
# over HTTPS the session cookie is also Secure; five wrong passwords in a row and the sixth
# try is refused even with the right one (429), for that name and from that address
hs="https://127.0.0.1:$port"
login() { curl -sk -c jar -b jar -o login.html "$hs/login"  # each sign-in from a fresh form and its CSRF cookie
  curl -sk -c jar -b jar -D hdr.txt -o /dev/null -w '%{http_code}' --data-urlencode name="$1" \
  --data-urlencode password="$2" --data-urlencode csrf="$(csrf_of login.html)" "$hs/login"; }
expect_eq "$(login luz clave-de-luz-7)" 303 "the officer signs in over HTTPS"
grep -i '^set-cookie: pasos_session=' hdr.txt | grep -q 'HttpOnly; SameSite=Strict; Secure' ||
  fail "the session cookie over HTTPS: $(grep -i set-cookie hdr.txt)"
for i in 1 2 3 4 5; do expect_eq "$(login luz wrong-$i)" 401 "wrong password $i"; done
expect_eq "$(login luz clave-de-luz-7)" 429 "the right password after five wrong ones: refused for now"
! grep -qi '^set-cookie: pasos_session=' hdr.txt || fail "a session given to a throttled sign-in"
expect_eq "$(login ana-no-such clave)" 429 "and from that address, whatever the name"
kill -TERM $spid; wait $spid || fail "the HTTPS server did not stop cleanly"

# a batch link stays the reference, and says how many of the service's decisions it changed
$PASOS --db s.db link > link.txt
grep -q "online decisions (crossings registered through pasos serve): [0-9]*, [0-9]* of them changed" link.txt || fail "link: $(cat link.txt)"
online=$(sed -n 's/.*pasos serve): \([0-9]*\),.*/\1/p' link.txt)
expect_eq "$online" "$(sqlite3 s.db "select count(*) from reg_movements m join batches b on b.batch_id = m._batch where b.file_name = 'api:serve'")" "online decisions counted"

# a document read from its MRZ fills the document fields; a typed field that disagrees is named
$PASOS --db s.db serve --listen 127.0.0.1:$port > serve.log 2>&1 & spid=$!
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
python3 - <<'PY'
import json
def cd(s): return str(sum((0 if c == "<" else int(c) if c.isdigit() else ord(c) - 55) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)
l1 = ("P<PERCONDORI<HUAMAN<<ROSA<ELENA" + "<" * 44)[:44]
n, b, e, o = "PE7788991", "900517", "300101", "<" * 14
l2 = n + cd(n) + "PER" + b + cd(b) + "F" + e + cd(e) + o + "<"
l2 += cd(l2[0:10] + l2[13:20] + l2[21:43])
base = {"direction": "ENTRY", "event_time": "2024-03-01T10:00:00-04:00", "transport": "road", "purpose": "TOURISM",
        "permitted_stay_days": 30, "country_of_residence": "PER", "mrz": l1 + "\n" + l2}
json.dump(dict(base, movement_id="MRZ1"), open("mrz1.json", "w"))
json.dump(dict(base, movement_id="MRZ2", document_number="PE0000000"), open("mrz2.json", "w"))
json.dump(dict(base, movement_id="MRZ3", mrz=l1 + "\n" + l2[:9] + str((int(l2[9]) + 1) % 10) + l2[10:]), open("mrz3.json", "w"))
PY
expect_eq "$(post "$T" "$(cat mrz1.json)")" 201 "a crossing from the MRZ"
expect_eq "$(sqlite3 s.db "select document_type, document_number, document_country, nationality, birth_date, sex, surname_1, surname_2, given_names from reg_movements where movement_id = 'MRZ1'")" \
  "PASSPORT|PE7788991|PER|PER|1990-05-17|F|CONDORI|HUAMAN|ROSA ELENA" "the fields the MRZ filled"
expect_eq "$(post "$T" "$(cat mrz2.json)")" 422 "a typed number that disagrees with the MRZ"
python3 -c 'import json; f = json.load(open("body.json"))["failures"]; assert {"field": "document_number", "rule": "mrz.disagrees", "message": "differs from the document'"'"'s MRZ"} in f, f' \
  || fail "disagreement: $(cat body.json)"
expect_eq "$(post "$T" "$(cat mrz3.json)")" 422 "a broken check digit"
grep -q '"rule":"mrz.check","message":"the check digit of document_number is wrong"' body.json || fail "check: $(cat body.json)"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
