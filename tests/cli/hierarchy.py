#!/usr/bin/env python3
"""Every group of every hierarchy of a table, checked from the published
structure alone, independently of pasos' tabulation: for an additive
measure a group is the sum of the leaf codes below it (in every dimension
at once); for distinct persons a group lies between its largest leaf part
and the sum of its leaf parts. Also: every row has the header's number of
fields (a real CSV parser). Prints what it checked; exits 1 on a mismatch.

usage: hierarchy.py STRUCTURE.csv TABLE.csv [--additive M]... [--persons M]...
"""
import collections
import csv
import itertools
import sys

from structure import Structure


def main():
    args = sys.argv[1:]
    structure, table = args[0], args[1]
    additive, persons = [], []
    for i in range(2, len(args), 2):
        (additive if args[i] == "--additive" else persons).append(args[i + 1])
    st = Structure(structure)
    rows = list(csv.reader(open(table, newline="", encoding="utf-8")))
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        sys.exit("%s: rows of %s fields" % (table, sorted(widths)))
    head = rows[0]
    nd = head.index("MEASURE")
    dims = head[:nd]

    bad = 0
    for m in additive + persons:
        value, lsum, lmax = {}, collections.Counter(), collections.Counter()
        for r in rows[1:]:
            if r[nd] != m or r[nd + 1] == "":
                continue
            key = tuple(r[:nd])
            value[key] = int(r[nd + 1])
            if all(st.is_leaf(dims[i], key[i]) for i in range(nd)):
                for a in itertools.product(*(st.ancestors(dims[i], key[i]) for i in range(nd))):
                    lsum[a] += value[key]
                    lmax[a] = max(lmax[a], value[key])
        if m in additive:
            wrong = [k for k in value if value[k] != lsum.get(k, 0)]
        else:
            wrong = [k for k in value if not (lmax.get(k, 0) <= value[k] <= lsum.get(k, 0))]
        print("%s %s: %d cells, %d groups, %d wrong" % (table, m, len(value), sum(len(st.groups.get(d, ())) for d in dims), len(wrong)))
        if wrong:
            print("  e.g.", wrong[:3])
            bad = 1
    sys.exit(bad)


main()
