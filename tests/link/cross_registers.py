#!/usr/bin/env python3
"""Linkage across registers, scored against the generator's truth, by this
script alone (not by pasos): every person who has a record in a register other
than the border register and the regularisations, with all their records.

usage: cross_registers.py DATA_DIR STORE [--min-f1 X]
Prints person-level and pairwise precision, recall and F1 per register and in
all; exits 1 if the person-level F1 in all is below --min-f1."""
import csv, sqlite3, sys
from collections import defaultdict

BASE = {"movements", "regularizations"}


def c2(n):
    return n * (n - 1) // 2


def scores(right, found, true):
    p = right / found if found else 1.0
    r = right / true if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    data, store = sys.argv[1], sys.argv[2]
    min_f1 = float(sys.argv[sys.argv.index("--min-f1") + 1]) if "--min-f1" in sys.argv else None
    db = sqlite3.connect(store)
    pred = {(r, i): p for r, i, p in db.execute("SELECT register, record_id, person_id FROM person_links")}
    truth = {}
    with open(f"{data}/truth_records.csv", newline="") as f:
        for row in csv.DictReader(f):
            k = (row["register"], row["record_id"])
            if k in pred and k not in truth:
                truth[k] = row["person_id"]
    missing = [k for k in pred if k not in truth]
    if missing:
        sys.exit(f"{len(missing)} stored records have no truth, e.g. {missing[0]}")
    regs = sorted({r for r, _ in pred if r not in BASE})
    results = {}
    for scope in regs + ["all"]:
        inscope = (lambda r: r == scope) if scope != "all" else (lambda r: r not in BASE)
        # persons (true and found) with a record of the scope, with all their records
        t_keys = {truth[k] for k in pred if inscope(k[0])}
        p_keys = {pred[k] for k in pred if inscope(k[0])}
        t_sets, p_sets = defaultdict(set), defaultdict(set)
        for k, p in pred.items():
            if truth[k] in t_keys:
                t_sets[truth[k]].add(k)
            if p in p_keys:
                p_sets[p].add(k)
        t_frozen = {frozenset(s) for s in t_sets.values()}
        right = sum(1 for s in p_sets.values() if frozenset(s) in t_frozen)
        pp, pr, pf = scores(right, len(p_sets), len(t_sets))
        # pairs with at least one record of the scope
        def pairs(groups):
            return sum(c2(len(g)) - c2(sum(1 for k in g if not inscope(k[0]))) for g in groups)
        cells = defaultdict(set)
        for k in set().union(*p_sets.values()) if p_sets else ():
            cells[(pred[k], truth[k])].add(k)
        qp, qr, qf = scores(pairs(cells.values()), pairs(p_sets.values()), pairs(t_sets.values()))
        results[scope] = pf
        print(f"{scope:24s} persons {len(t_sets):6d}: precision {pp:.4f} recall {pr:.4f} F1 {pf:.4f}"
              f" | pairs: precision {qp:.4f} recall {qr:.4f} F1 {qf:.4f}")
    if min_f1 is not None and results["all"] < min_f1:
        sys.exit(f"person-level F1 across registers {results['all']:.4f} is below {min_f1}")


main()
