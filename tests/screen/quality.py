#!/usr/bin/env python3
"""Screening quality on a labelled set made by `pasos synth --watchlist N`.

Reads the synthetic files (movements.csv, truth_records.csv,
truth_watchlist.csv, watchlist.csv) and the hits `pasos screen` wrote, and
measures, from the truth alone:
  - recall: of the crossings by listed persons (a ban only on entries),
    the share with a name or ban hit on that person's own entry;
    also by traveller (every crossing caught) and by the list's variant;
  - innocents: of the travellers on no list, the share with any name or
    ban hit (and the share of their crossings);
  - lost and stolen documents: of the crossings made with a listed
    document as the list wrote it, the share with a document hit.
Rows synth made invalid are no crossings (ingest and the service refuse
them) and are left out. Prints the figures; --min-recall and --max-innocent make it exit 1 when
the figures miss them.
"""
import argparse
import csv
import sys
from collections import defaultdict


def rows(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        yield from csv.DictReader(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("hits")
    ap.add_argument("--min-recall", type=float)
    ap.add_argument("--max-innocent", type=float)
    a = ap.parse_args()
    d = a.data
    person_of = {}
    for r in rows(f"{d}/truth_records.csv"):
        if r["register"] == "movements" and not r["fault"].startswith("invalid"):
            person_of[r["record_id"]] = r["person_id"]
    entries_of = defaultdict(list)   # person -> [(entry, kind, variant)]
    lost_docs = {}                   # (type, country, number) -> entry
    listed = set()
    for r in rows(f"{d}/truth_watchlist.csv"):
        if r["person_id"] and r["list"] != "lost_stolen":
            entries_of[r["person_id"]].append((r["entry_id"], r["list"], r["variant"]))
            listed.add(r["person_id"])
    for r in rows(f"{d}/watchlist.csv"):
        if r["list"] == "lost_stolen":
            lost_docs[(r["document_type"], r["document_country"], r["document_number"])] = r["id"]
    hits = defaultdict(set)          # record -> {(kind, entry)}
    for r in rows(a.hits):
        hits[r["record_id"]].add((r["kind"], r["entry_id"]))
    pos = caught = 0
    by_variant = defaultdict(lambda: [0, 0])
    trav_all = defaultdict(lambda: True)
    innocent_persons, innocent_flagged = set(), set()
    inn_cross = inn_cross_flagged = 0
    doc_pos = doc_caught = 0
    seen = set()
    for r in rows(f"{d}/movements.csv"):
        rid = r["movement_id"]
        if rid in seen or rid not in person_of:
            continue
        seen.add(rid)
        p = person_of[rid]
        h = hits.get(rid, set())
        name_hits = {e for k, e in h if k in ("name", "ban")}
        key = (r["document_type"], r["document_country"], r["document_number"])
        if key in lost_docs:
            doc_pos += 1
            doc_caught += ("document", lost_docs[key]) in h
        if p in listed:
            for entry, kind, variant in entries_of[p]:
                if kind == "ban" and r["direction"] != "ENTRY":
                    continue
                ok = entry in name_hits
                pos += 1
                caught += ok
                by_variant[variant][0] += 1
                by_variant[variant][1] += ok
                trav_all[(p, entry)] &= ok
        else:
            innocent_persons.add(p)
            inn_cross += 1
            if name_hits:
                innocent_flagged.add(p)
                inn_cross_flagged += 1
    recall = caught / pos if pos else 0.0
    trav = list(trav_all.values())
    trav_recall = sum(trav) / len(trav) if trav else 0.0
    inn = len(innocent_flagged) / len(innocent_persons) if innocent_persons else 0.0
    inn_c = inn_cross_flagged / inn_cross if inn_cross else 0.0
    print(f"listed persons' crossings: {pos}, caught {caught}: recall {recall:.4f}")
    print(f"listed travellers (person and entry) caught on every crossing: {sum(trav)} of {len(trav)}: {trav_recall:.4f}")
    for v, (n, k) in sorted(by_variant.items()):
        print(f"  variant {v}: {k} of {n} ({k / n:.4f})")
    print(f"innocent travellers: {len(innocent_persons)}, flagged {len(innocent_flagged)}: {inn:.4%}"
          f" (crossings {inn_cross_flagged} of {inn_cross}: {inn_c:.4%})")
    print(f"crossings with a listed lost or stolen document: {doc_pos}, caught {doc_caught}")
    bad = False
    if a.min_recall is not None and (recall < a.min_recall or pos == 0):
        print(f"FAIL: recall {recall:.4f} below {a.min_recall}")
        bad = True
    if a.max_innocent is not None and inn > a.max_innocent:
        print(f"FAIL: innocent travellers flagged {inn:.4%} above {a.max_innocent:.4%}")
        bad = True
    if doc_pos and doc_caught != doc_pos:
        print("FAIL: a crossing with a listed document was not caught")
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
