# A crossing with a document the store has never seen is linked at once by
# name, with the model 'pasos link' saved in the store: a stored traveller
# showing a passport for the first time (accents dropped, capitals) joins
# their person; someone else born the same day with the same surnames does
# not; without a saved model every new document is a new person. The
# batch 'pasos link' afterwards reports how many of these it changed.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2026-11-30
$PASOS synth --out d --movements 4000 --months 3 --seed 31 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db user add ana --role officer --post VLZ > ana.txt
T=$(tail -1 ana.txt)
cp s.db nomodel.db
$PASOS --db s.db link > link1.txt
expect_eq "$(sqlite3 s.db "select count(*) > 5 from link_model")" 1 "the model saved in the store"
# a Bolivian with two surnames who crossed with an ID card only (chosen in SQL, not by pasos)
row=$(sqlite3 -separator '|' s.db "select l.person_id, m.surname_1, m.surname_2, m.given_names, m.birth_date, m.sex
  from reg_movements m join person_links l on l.register = 'movements' and l.record_id = m.movement_id
  where m.nationality = 'BOL' and m.document_type = 'ID_CARD' and m.surname_2 <> '' and m.given_names not like '% %'
    and l.person_id not in (select l2.person_id from person_links l2 join reg_movements m2 on m2.movement_id = l2.record_id
                            where m2.document_type = 'PASSPORT')
  group by l.person_id having count(*) >= 2 order by l.person_id limit 1")
IFS='|' read -r pid s1 s2 given birth sex <<< "$row"
[ -n "$pid" ] || fail "no traveller to test with"
plain() { python3 -c 'import sys, unicodedata; print("".join(c for c in unicodedata.normalize("NFD", sys.argv[1]) if unicodedata.category(c) != "Mn").upper())' "$1"; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
start() { $PASOS --db "$1" serve --listen 127.0.0.1:$port > serve.log 2>&1 & spid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null "$base/healthz" && return; sleep 0.05; done; fail "the server did not start: $(cat serve.log)"; }
rec() { printf '{"movement_id":"%s","direction":"EXIT","event_time":"2026-11-01T10:00:00-04:00","transport":"road","document_type":"PASSPORT","document_number":"%s","document_country":"BOL","nationality":"BOL","surname_1":"%s","surname_2":"%s","given_names":"%s","sex":"%s","birth_date":"%s","purpose":"TOURISM"}' "$@"; }
post() { curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary "$1" "$base/api/v1/registers/movements"; }
field() { python3 -c "import json; print(json.load(open('body.json'))['$1'])"; }
start s.db
expect_eq "$(post "$(rec N1 ZP900001 "$(plain "$s1")" "$(plain "$s2")" "$(plain "$given")" "$sex" "$birth")")" 201 "the same traveller, a new passport"
expect_eq "$(field linked_by) $(field person_id)" "name $pid" "joined their person by name"
other=$([ "$sex" = F ] && echo "Segundino" || echo "Primitiva"); osex=$([ "$sex" = F ] && echo M || echo F)
expect_eq "$(post "$(rec N2 QK417733 "$s1" "$s2" "$other" "$osex" "$birth")")" 201 "someone else born the same day"
expect_eq "$(field linked_by)" "new" "another given name and sex: a new person"
[ "$(field person_id)" != "$pid" ] || fail "joined the wrong person"
p2=$(field person_id)
# the names a registration keeps carry that crossing's sex and document (read by sqlite3, not pasos)
expect_eq "$(sqlite3 -separator '|' s.db "select sex, document_type, document_country, document_number from person_names
  where person_id = $p2")" "$osex|PASSPORT|BOL|QK417733" "the new person's names row holds the crossing's sex and document"
expect_eq "$(post "$(rec N4 QK500002 "$s1" "$s2" "$other" "$osex" "$birth")")" 201 "that person again, with another passport"
expect_eq "$(field linked_by) $(field person_id)" "name $p2" "joined by names a registration kept"
# a traveller born on a day that could be a month, registered with day and month swapped and a
# passport never seen: joins their person by name (chosen in SQL, not by pasos)
row2=$(sqlite3 -separator '|' s.db "select l.person_id, m.surname_1, m.surname_2, m.given_names, m.birth_date, m.sex
  from reg_movements m join person_links l on l.register = 'movements' and l.record_id = m.movement_id
  where m.nationality = 'BOL' and m.surname_2 <> '' and m.given_names not like '% %' and l.person_id <> $pid
    and substr(m.birth_date, 9, 2) between '01' and '12' and substr(m.birth_date, 9, 2) <> substr(m.birth_date, 6, 2)
  group by l.person_id having count(*) >= 2 order by l.person_id limit 1")
IFS="|" read -r swp ss1 ss2 sgiven sbirth ssex <<< "$row2"
[ -n "$swp" ] || fail "no traveller born on such a day"
sw="${sbirth:0:4}-${sbirth:8:2}-${sbirth:5:2}"
expect_eq "$(post "$(rec N8 QK600008 "$ss1" "$ss2" "$sgiven" "$ssex" "$sw")")" 201 "day and month swapped, a new passport"
expect_eq "$(field linked_by) $(field person_id)" "name $swp" "joined by name across the swapped date"
expect_eq "$(post "$(rec N3 ZP900001 X Y Z M 1950-01-01)")" 201 "the passport again, whatever the names"
expect_eq "$(field linked_by) $(field person_id)" "document $pid" "the document decides first"
# the passport's person keeps the other names it came with; the same crossing again under the
# first names adds neither a names row nor a document row (counted by sqlite3)
expect_eq "$(sqlite3 s.db "select count(*) from person_names where person_id = $pid and birth_date = '1950-01-01'
  and surname_1 = 'X' and surname_2 = 'Y' and given_names = 'Z'")" 1 "other names under a known document are kept"
rows=$(sqlite3 s.db "select (select count(*) from person_names) || '|' || (select count(*) from person_documents)")
expect_eq "$(post "$(rec N5 ZP900001 X Y Z M 1950-01-01)")" 201 "the passport again under those names"
expect_eq "$(field linked_by) $(field person_id)" "document $pid" "by document again"
expect_eq "$(sqlite3 s.db "select (select count(*) from person_names) || '|' || (select count(*) from person_documents)")" \
  "$rows" "a returning traveller's crossing adds no names or document row"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
cp s.db online.db  # the names rows as the service wrote them
$PASOS --db s.db link > link2.txt
grep -q "online decisions (crossings registered through pasos serve): 6" link2.txt || fail "the batch's report: $(cat link2.txt)"
# a store whose person_names has the earlier layout (names only) gets it rebuilt with each
# names row's crossing's sex and document when the service starts
cp s.db old.db
sqlite3 old.db "drop table person_names; create table person_names(birth_date text not null, surname_1 text not null,
  surname_2 text not null, given_names text not null, nationality text not null, person_id integer not null,
  movement_rowid integer not null, primary key(birth_date, surname_1, surname_2, given_names, nationality, person_id))
  without rowid; insert into person_names values('1990-01-01', 'A', '', 'B', 'BOL', 1, 1)"
start old.db
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly on the old store"
expect_eq "$(sqlite3 old.db "select count(*) from person_names n join reg_movements m on m.rowid = n.movement_rowid
  where n.sex = m.sex and n.document_type = m.document_type and n.document_country = m.document_country
  and n.document_number = m.document_number and n.surname_1 = m.surname_1")" \
  "$(sqlite3 old.db "select count(*) from (select distinct l.person_id, m.birth_date, m.surname_1, coalesce(m.surname_2, ''),
  m.given_names, m.nationality from person_links l join reg_movements m on m.movement_id = l.record_id
  where l.register = 'movements')")" "rebuilt: each person's names once, with their crossing's sex and document"
# and their surname keys as the service stored them for the same surnames (its rows: those of the crossings N1 to N5)
online=$(sqlite3 online.db "select count(*) from person_names where movement_rowid in (select rowid from reg_movements where movement_id like 'N%')")
[ "$online" -ge 2 ] || fail "the service's names rows: $online"
expect_eq "$(sqlite3 old.db "attach 'online.db' as s; select count(*), sum(o.surname_keys = n.surname_keys and length(o.surname_keys) >= 4)
  from (select distinct surname_1, surname_2, surname_keys from person_names) o join s.person_names n using (surname_1, surname_2)
  where n.movement_rowid in (select rowid from s.reg_movements where movement_id like 'N%')")" "$online|$online" "rebuilt with the service's surname keys"
# without a saved model: a new document is a new person
start nomodel.db
expect_eq "$(post "$(rec N1 ZP900001 "$(plain "$s1")" "$(plain "$s2")" "$(plain "$given")" "$sex" "$birth")")" 201 "no model"
expect_eq "$(field linked_by)" "new" "without a model, by document only"
kill -TERM $spid; wait $spid || true
# Spanish phonetic keys as person_names keeps them: 32-bit FNV-1a fingerprints, least significant
# byte first, computed here by python, not by pasos
fnv_hex() { python3 -c '
import struct, sys
def fnv(s):
    h = 2166136261
    for c in s.encode(): h = ((h ^ c) * 16777619) % 2**32
    return h
print(b"".join(struct.pack("<I", fnv(k)) for k in sys.argv[1:]).hex().upper())' "$@"; }
# a person born on a day with 1,100 other names (none sharing a surname key), whose names sort
# after them all (zzz -> s): found by name when alone that day, not when the scan ends at 1,024
last="'1931-02-03', 'Zzz', '', 'Ultimo', 'BOL', 990001, 1, 'M', 'ID_CARD', 'BOL', 'Z990001', x'$(fnv_hex s)'"
cp s.db few.db
sqlite3 few.db "insert into person_names values($last)"
start few.db
expect_eq "$(post "$(rec N9 ZP900009 Zzz '' Ultimo M 1931-02-03)")" 201 "a new document, names stored alone that day"
expect_eq "$(field linked_by) $(field person_id)" "name 990001" "found by the names the store keeps"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
cp s.db many.db
sqlite3 many.db "with recursive n(i) as (select 1 union all select i + 1 from n where i < 1100)
  insert into person_names select '1931-02-03', 'Zzyzx', '', 'Persona ' || i, 'BOL', 900000 + i, 1, 'F', 'ID_CARD',
  'BOL', 'Z' || i, x'$(fnv_hex sys)' from n; insert into person_names values($last)"
start many.db
expect_eq "$(post "$(rec N9 ZP900009 Zzz '' Ultimo M 1931-02-03)")" 201 "the same, 1,100 names before them"
expect_eq "$(field linked_by)" "new" "past the 1,024 names looked at, the person after them is not found"
expect_eq "$(post "$(rec N6 ZP900006 Condori Quispe Lucas M 1931-02-03)")" 201 "a new document born that day"
expect_eq "$(field linked_by)" "new" "sharing no surname key with that day's names, a new person"
# its names row keeps the surnames' keys (condori -> kondori, quispe -> kispe)
expect_eq "$(sqlite3 many.db "select hex(surname_keys) from person_names where surname_1 = 'Condori' and birth_date = '1931-02-03'")" \
  "$(fnv_hex kondori kispe)" "the names row keeps its surnames' phonetic keys"
expect_eq "$(post "$(rec N7 ZP900007 Zzyzx '' 'Persona 7' F 1931-02-03)")" 201 "one of those names, a new document"
kill -TERM $spid; wait $spid || fail "the server did not stop cleanly"
! grep -q "error" serve.log || fail "the service logged an error: $(grep error serve.log | head -3)"
