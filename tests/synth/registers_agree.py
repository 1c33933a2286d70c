#!/usr/bin/env python3
"""The other registers agree with the border register and the stories, checked
from the generator's files alone (not by pasos):
- every REPATRIATED event's person has an ENTRY on that day at that post;
- every placed job seeker's person leaves (EXIT) within 8 weeks of the placement;
- every consular registrant lives abroad on the day registered, in a spell of at
  least 12 months (the 12/16-month rule) or one the period does not close;
- every census emigrant the register saw left (EXIT) in the year reported, to
  live abroad (the story), and the census also counts departures it did not see.
usage: registers_agree.py DATA_DIR (exits 1 naming the first disagreement)"""
import csv, sys
from collections import defaultdict
from datetime import date

d = sys.argv[1]


def rows(name):
    with open(f"{d}/{name}.csv", newline="", encoding="utf-8", errors="replace") as f:
        yield from csv.DictReader(f)


def day(s):
    return date.fromisoformat(s[:10])


def fail(msg):
    sys.exit("FAILED: " + msg)


truth = {}
for r in rows("truth_records"):
    if not r["fault"].startswith("invalid"):
        truth.setdefault((r["register"], r["record_id"]), r["person_id"])
crossings = defaultdict(set)  # person -> {(direction, day, post)}
for m in rows("movements"):
    p = truth.get(("movements", m["movement_id"]))
    if p and m["event_time"] and len(m["event_time"]) >= 10:
        try:
            crossings[p].add((m["direction"], day(m["event_time"]), m["border_post"]))
        except ValueError:
            pass
spells = defaultdict(list)
for s in rows("truth_residence"):
    spells[s["person_id"]].append((s["place"], s["from"], s["to"]))

n = 0
for e in rows("repatriations"):
    if e["event"] != "REPATRIATED" or ("repatriations", e["event_id"]) not in truth:
        continue
    p = truth[("repatriations", e["event_id"])]
    if ("ENTRY", day(e["event_date"]), e["border_post"]) not in crossings[p]:
        fail(f"repatriation {e['event_id']}: no entry of its person on {e['event_date']} at {e['border_post']}")
    n += 1
print(f"repatriations: {n} returns, each an entry on its day at its post")
if n < 5:
    fail("too few repatriations to check")

seekers = {s["seeker_id"]: truth.get(("job_seekers", s["seeker_id"])) for s in rows("job_seekers")}
n = 0
for pl in rows("placements"):
    if pl["placed_on"] == "2023-02-30":
        continue  # made invalid on purpose
    p = seekers.get(pl["seeker_id"])
    if not p:
        fail(f"placement {pl['placement_id']}: seeker {pl['seeker_id']} is not in job_seekers")
    placed = day(pl["placed_on"])
    if not any(c[0] == "EXIT" and 0 <= (c[1] - placed).days <= 56 for c in crossings[p]):
        fail(f"placement {pl['placement_id']}: its person does not leave within 8 weeks of {placed}")
    n += 1
print(f"placements: {n}, each followed by an exit within 8 weeks")
if n < 20:
    fail("too few placements to check")

n = 0
for c in rows("consular_registrations"):
    p = truth.get(("consular_registrations", c["registration_id"]))
    if not p:
        continue
    on = c["registered_on"]
    ok = False
    for place, a, b in spells[p]:
        if place != "BOL" and (not a or a <= on) and (not b or on < b):
            ok = not a or not b or (day(b) - day(a)).days >= 365
    if not ok:
        fail(f"consular registration {c['registration_id']}: its person does not live abroad on {on}")
    n += 1
print(f"consular registrations: {n}, each of a person living abroad")

seen = {r["record_id"]: (r["person_id"], r["departure_seen"]) for r in rows("truth_census")}
n_seen = n_unseen = 0
for c in rows("census_emigrants"):
    p, s = seen[c["record_id"]]
    if s != "1":
        n_unseen += 1
        continue
    if not any(x[0] == "EXIT" and x[1].year == int(c["year_of_departure"]) for x in crossings[p]):
        fail(f"census {c['record_id']}: no exit of its person in {c['year_of_departure']}")
    if not any(place != "BOL" and a[:4] == c["year_of_departure"] for place, a, b in spells[p]):
        fail(f"census {c['record_id']}: its person did not move abroad in {c['year_of_departure']}")
    n_seen += 1
print(f"census emigrants: {n_seen} whose departure the register saw, {n_unseen} it did not")
if n_seen < 50 or n_unseen < 50:
    fail("the census should count departures the register saw and others")
