# The other registers of the seed, as definitions (registers/*.reg): each
# takes a well-formed row, and refuses a row that breaks one of its own
# cross-field rules, a code from its code lists (ISCO-08, Ley 263's forms of
# exploitation, the departments of ISO 3166-2:BO, the five training
# specialties) or a range, each named by its rule; the counts add up.
. "$ROOT/tests/cli/lib.sh"
export PASOS_TODAY=2026-11-30
python3 - <<'PY'
import csv
good = {
 "consular_registrations": dict(registration_id="C1", registered_on="2024-05-02", consulate_country="ARG", consulate_city="Buenos Aires",
   surname_1="Quispe", surname_2="Mamani", given_names="Rosa", sex="F", birth_date="1990-03-04", nationality="BOL", document_type="ID_CARD",
   document_number="4455667", document_country="BOL", country_of_residence="ARG", city_of_residence="Buenos Aires", occupation="75",
   biometrics_captured="YES", civil_event="BIRTH", civil_event_date="2024-04-20"),
 "repatriations": dict(event_id="R1", case_id="K1", event="OPENED", event_date="2024-06-01", consulate_country="ARG", person_kind="WOMAN",
   surname_1="Quispe", surname_2="", given_names="Rosa", sex="F", birth_date="1990-03-04", nationality="BOL", violence="PHYSICAL", border_post=""),
 "trafficking_cases": dict(event_id="T1", case_id="K9", stage="COMPLAINT", event_date="2024-02-02", department="BO-L", crime="TRAFFICKING",
   exploitation="LABOUR", scope="INTERNATIONAL"),
 "trafficking_victims": dict(victim_id="V1", case_id="K9", recorded_on="2024-02-03", sex="F", age="17", nationality="BOL", programme="SHELTER",
   started_on="2024-02-04", ended_on="2024-05-01", outcome="REINSERTED"),
 "employment_agencies": dict(agency_id="A1", name="Agencia Andina", licence_number="RM108-001", licensed_on="2023-01-10", expires_on="2026-01-10",
   department="BO-S", status="ACTIVE"),
 "job_offers_abroad": dict(offer_id="O1", posted_on="2024-03-01", agency_id="A1", destination="ESP", occupation="53", vacancies="12", closes_on="2024-04-01"),
 "job_seekers": dict(seeker_id="S1", registered_on="2024-03-05", surname_1="Mamani", surname_2="", given_names="Luis", sex="M", birth_date="1995-01-01",
   nationality="BOL", document_type="ID_CARD", document_number="778899", document_country="BOL", department="BO-C", occupation="71", education="SECONDARY"),
 "placements": dict(placement_id="P1", placed_on="2024-03-20", offer_id="O1", seeker_id="S1", destination="ESP", occupation="53", starts_on="2024-04-15"),
 "training_enrolments": dict(enrolment_id="E1", started_on="2024-03-01", surname_1="Choque", surname_2="", given_names="Ana", sex="F", birth_date="1985-07-07",
   document_type="", document_number="", country_of_residence="ARG", specialty="GERONTOLOGY", status="COMPLETED", ended_on="2024-08-30"),
 "census_emigrants": dict(record_id="H1-3", household_department="BO-C", sex="M", age_at_departure="24", year_of_departure="2016", destination="ARG"),
}
# one break each, and the rule that must name it
bad = {
 "consular_registrations": (dict(civil_event="NONE"), "civil_event_date_iff_event"),
 "repatriations": (dict(border_post="VLZ"), "border_post_iff_repatriated"),
 "trafficking_cases": (dict(crime="SMUGGLING"), "exploitation_only_trafficking"),
 "trafficking_victims": (dict(ended_on="2024-01-01"), "end_not_before_start"),
 "employment_agencies": (dict(expires_on="2022-01-01"), "expiry_after_licence"),
 "job_offers_abroad": (dict(occupation="99"), "code"),
 "job_seekers": (dict(department="BO-X"), "code"),
 "placements": (dict(starts_on="2024-01-01"), "starts_not_before_placed"),
 "training_enrolments": (dict(specialty="COOKING"), "code"),
 "census_emigrants": (dict(year_of_departure="1949"), "range"),
}
for reg, row in good.items():
    with open(f"{reg}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(row))
        w.writeheader()
        w.writerow(row)
        b = dict(row); first = list(row)[0]; b[first] = row[first] + "x"
        b.update(bad[reg][0])
        w.writerow(b)
    open(f"{reg}.rule", "w").write(bad[reg][1])
PY
# in an order where what a record names is stored first
for reg in consular_registrations repatriations trafficking_cases trafficking_victims employment_agencies job_offers_abroad job_seekers placements training_enrolments census_emigrants; do
  $PASOS --db s.db ingest -q "$reg" "$reg.csv" > "$reg.out" 2>&1 || fail "$reg: $(cat $reg.out)"
  expect_eq "$(sqlite3 s.db "select rows_read || ' ' || accepted || ' ' || rejected from batches where register = '$reg'")" "2 1 1" "$reg: read, accepted, rejected"
  rule=$(sqlite3 s.db "select rule from rejects r join batches b on b.batch_id = r.batch_id where b.register = '$reg'")
  case "$rule" in $(cat $reg.rule)*) ;; *) fail "$reg: rejected by '$rule', expected '$(cat $reg.rule)'" ;; esac
done
# a case event for a case that does not exist is rejected by name; one for a stored case is taken
python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("repatriations.csv", encoding="utf-8")))
r = dict(rows[0]); r.update(event_id="R2", event="REPATRIATED", border_post="VLZ", event_date="2024-07-01")
x = dict(r); x.update(event_id="R3", case_id="K404")
with open("rep2.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(r)); w.writeheader(); w.writerow(r); w.writerow(x)
v = list(csv.DictReader(open("trafficking_victims.csv", encoding="utf-8")))[0]
v.update(victim_id="V404", case_id="K404")
with open("vic2.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(v)); w.writeheader(); w.writerow(v)
PY
$PASOS --db s.db ingest -q repatriations rep2.csv > /dev/null
expect_eq "$(sqlite3 s.db "select count(*) from reg_repatriations where event_id = 'R2'")" 1 "the event of a stored case"
expect_eq "$(sqlite3 s.db "select r.rule || ' ' || r.field from rejects r join batches b on b.batch_id = r.batch_id where b.file_name = 'rep2.csv'")" "case_opened case_id" "the event of a case never opened"
$PASOS --db s.db ingest -q trafficking_victims vic2.csv > /dev/null
expect_eq "$(sqlite3 s.db "select r.rule from rejects r join batches b on b.batch_id = r.batch_id where b.file_name = 'vic2.csv'")" "case_exists" "a victim of a case never complained"
expect_eq "$(sqlite3 s.db "select count(*) from batches where rows_read <> accepted + rejected + duplicates + conflicts")" 0 "counts add up"
