#!/usr/bin/env python3
"""An attacker on a published table, independent of pasos' audit.

It reads only what is public: the table (NAME.csv) and its structure
(NAME.structure.csv, every code with its parents). Every cell of a count
measure is the sum of the leaf cells below it, so the unknowns are the
suppressed leaf cells (at least zero) and every published aggregate is an
equation over them. For each primary cell (confidentiality C), glpsol
minimises and maximises it; the output is one line per cell:
"codes min max", max "inf" when unbounded.

usage: attack.py DIR NAME MEASURE [--limit N] [--exact FILE]
--limit N attacks at most N primary cells, spread over the table (60).
--exact FILE takes the values of the secondary cells (D) from the
unprotected table FILE (pasos tabulate's NAME.exact.csv), as if they had
been published: the attacker must then recover primary cells.
"""
import csv
import itertools
import os
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    limit, exact = 60, None
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    if "--exact" in args:
        i = args.index("--exact")
        exact = args[i + 1]
        del args[i:i + 2]
    out, name, measure = args
    parents = {}
    with open(os.path.join(out, name + ".structure.csv"), newline="") as f:
        for row in csv.DictReader(f):
            parents.setdefault(row["dimension"], {})[row["code"]] = row["parents"].split()
    with open(os.path.join(out, name + ".csv"), newline="") as f:
        rd = csv.reader(f)
        head = next(rd)
        nd = head.index("MEASURE")
        dims = head[:nd]
        value, conf = {}, {}
        for row in rd:
            if row[nd] != measure:
                continue
            key = tuple(row[:nd])
            value[key] = None if row[nd + 1] == "" else int(row[nd + 1])
            conf[key] = row[nd + 3]
    if exact:
        with open(exact, newline="") as f:
            rd = csv.reader(f)
            next(rd)
            for row in rd:
                key = tuple(row[:nd])
                if row[nd] == measure and conf.get(key) == "D":
                    value[key] = int(row[nd + 1])
    # each code's ancestors (itself included) and whether it is a leaf
    children = {d: set() for d in dims}
    for d in dims:
        for c, ps in parents[d].items():
            for p in ps:
                children[d].add(p)

    def ancestors(d, c):
        seen, todo = [], [c]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.append(x)
                todo.extend(parents[d].get(x, []))
        return seen

    anc = {d: {c: ancestors(d, c) for c in parents[d]} for d in dims}
    is_leaf = {d: {c: c not in children[d] for c in parents[d]} for d in dims}
    # known part and unknown leaves of every aggregate
    known, unknown, var = {}, {}, {}
    for key, v in value.items():
        if not all(is_leaf[dims[i]][key[i]] for i in range(nd)):
            continue
        if v is None:
            var[key] = "x%d" % len(var)
        for a in itertools.product(*(anc[dims[i]][key[i]] for i in range(nd))):
            if v is None:
                unknown.setdefault(a, []).append(var[key])
            else:
                known[a] = known.get(a, 0) + v
    rows = []
    for a, vs in unknown.items():
        if a in value and value[a] is not None:
            rows.append(" + ".join(vs) + " = %d" % (value[a] - known.get(a, 0)))
    targets = [k for k in value if conf[k] == "C"]
    targets = targets[::max(1, -(-len(targets) // limit))]  # spread over the table
    with tempfile.TemporaryDirectory() as tmp:
        lp, sol = os.path.join(tmp, "a.lp"), os.path.join(tmp, "a.sol")
        for t in targets:
            if t not in unknown:  # every leaf below it is published: recovered
                print(",".join(t), known.get(t, 0), known.get(t, 0))
                continue
            bounds = []
            for sense in ("minimize", "maximize"):
                with open(lp, "w") as f:
                    f.write("%s\n obj: %s\nsubject to\n" % (sense, " + ".join(unknown[t])))
                    for i, r in enumerate(rows):
                        f.write(" r%d: %s\n" % (i, r))
                    f.write("end\n")
                subprocess.run(["glpsol", "--nopresol", "--lp", lp, "-o", sol], check=True, stdout=subprocess.DEVNULL)
                text = open(sol).read().splitlines()
                status = [l for l in text if l.startswith("Status:")][0].split()[1]
                if status == "UNBOUNDED":
                    bounds.append("inf")
                elif status == "OPTIMAL":
                    bounds.append([l for l in text if l.startswith("Objective:")][0].split()[3])
                else:  # infeasible: the attacker's model does not fit the table
                    sys.exit("attack.py: %s of %s: %s" % (sense, ",".join(t), status))
            print(",".join(t), bounds[0], bounds[1])


main()
