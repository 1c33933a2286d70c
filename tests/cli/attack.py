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
                 [--flags] [--depth N] [--targets FILE] [--k K]
--limit N attacks at most N primary cells, spread over the table (60).
--exact FILE takes the values of the secondary cells (those not in
--targets, or flagged D) from the unprotected table FILE (pasos tabulate's
NAME.exact.csv), as if they had been published: the attacker must then
recover primary cells.
--flags uses the confidentiality flags as SDMX defines them and the rule k
(--k, 3): where a table marks some suppressed cells D (secondary
confidentiality), its C cells are the primary ones, so a C cell counts at
least 1 (1 to k-1 persons) and a D cell is 0 or at least k. A table whose
suppressed cells are all C says nothing of any one of them. With --flags
the counts are whole numbers too (a MIP, with a 5 s limit per solve: one
not solved in time counts as not narrowed).
--depth N (2): with --flags, the attack on a cell uses the relations
within N steps of it (a MIP over the whole table is too slow).
--targets FILE attacks the cells listed in FILE (one "codes" line each, as
printed) instead of the C cells: what to attack when every suppressed
cell is C (the primary ones taken from pasos' confidential audit).
"""
import argparse
import csv
import itertools
import os
import subprocess
import sys
import tempfile

from structure import Structure


def main():
    ap = argparse.ArgumentParser(description="An attacker on a published table (see the module's text).")
    ap.add_argument("out")
    ap.add_argument("name")
    ap.add_argument("measure")
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--exact")
    ap.add_argument("--flags", action="store_true")
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--targets")
    ap.add_argument("--depth", type=int, default=2)
    o = ap.parse_args()
    out, name, measure = o.out, o.name, o.measure
    limit, exact, flags, k, target_file, depth = o.limit, o.exact, o.flags, o.k, o.targets, o.depth
    st = Structure(os.path.join(out, name + ".structure.csv"))
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
    want = None
    if target_file:
        with open(target_file) as f:
            want = {tuple(l.strip().split(",")) for l in f if l.strip()}
    if exact:  # every suppressed cell but the attacked ones, as if published
        with open(exact, newline="") as f:
            rd = csv.reader(f)
            next(rd)
            for row in rd:
                key = tuple(row[:nd])
                if row[nd] == measure and key in value and value[key] is None and \
                        (key not in want if want is not None else conf[key] == "D"):
                    value[key] = int(row[nd + 1])
    # known part and unknown leaves of every aggregate
    known, unknown, var = {}, {}, {}
    for key, v in value.items():
        if not all(st.is_leaf(dims[i], key[i]) for i in range(nd)):
            continue
        if v is None:
            var[key] = "x%d" % len(var)
        for a in itertools.product(*(st.ancestors(dims[i], key[i]) for i in range(nd))):
            if v is None:
                unknown.setdefault(a, []).append(var[key])
            else:
                known[a] = known.get(a, 0) + v
    rows, binaries = [], []  # (the unknowns a row holds, its text)
    big = 1 + sum(v for v in value.values() if v is not None)  # no cell exceeds every published one added up
    ub = {x: big for x in var.values()}  # at most what any published aggregate leaves
    for a, vs in unknown.items():
        if a in value and value[a] is not None:
            rest = value[a] - known.get(a, 0)
            rows.append((vs, " + ".join(vs) + " = %d" % rest))
            for x in vs:
                ub[x] = min(ub[x], rest)
    split = flags and any(conf[c] == "D" for c in conf)
    if split:
        for a, vs in unknown.items():
            if a not in value or value[a] is not None:
                continue
            expr, kn = " + ".join(vs), known.get(a, 0)
            if conf[a] == "C" and kn < 1:  # 1 to k-1 persons: at least one record
                rows.append((vs, "%s >= %d" % (expr, 1 - kn)))
            elif conf[a] == "D":  # 0 persons, or at least k
                b = "b%d" % len(binaries)
                binaries.append(b)
                rows.append((vs + [b], "%s - %d %s >= %d" % (expr, k, b, -kn)))
                m = min(big, sum(ub[x] for x in vs)) + kn
                rows.append((vs + [b], "%s - %d %s <= %d" % (expr, m, b, -kn)))
    by_var = {}
    for i, (vs, _) in enumerate(rows):
        for x in vs:
            by_var.setdefault(x, []).append(i)

    def model(t):
        """The rows an attack on t uses: all of them, or with --flags (a MIP,
        too slow over a whole table) those within `depth` relations of t.
        Leaving rows out only widens what the attacker finds, so what it
        narrows is still narrowed."""
        if not flags:
            return range(len(rows))
        near, keep = set(unknown[t]), set()
        for _ in range(depth):
            new = set()
            for x in near:
                new.update(by_var.get(x, []))
            keep |= new
            for i in new:
                near.update(rows[i][0])
        return sorted(keep)

    if want is not None:
        targets = [c for c in value if c in want]
    else:
        targets = [c for c in value if conf[c] == "C"]
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
                    used = set(unknown[t])
                    for i in model(t):
                        f.write(" r%d: %s\n" % (i, rows[i][1]))
                        used.update(rows[i][0])
                    if len(used) == len(unknown[t]) and flags:  # no relation holds it
                        f.write(" r: %s >= 0\n" % unknown[t][0])
                    if flags:  # whole numbers, bounded so that the MIP is
                        xs = sorted(x for x in used if x[0] == "x")
                        bs = sorted(x for x in used if x[0] == "b")
                        f.write("bounds\n")
                        for x in xs:
                            f.write(" 0 <= %s <= %d\n" % (x, ub[x]))
                        if xs:
                            f.write("general\n %s\n" % " ".join(xs))
                        if bs:
                            f.write("binary\n %s\n" % " ".join(bs))
                    f.write("end\n")
                # a MIP gets 5 s: one not solved by then counts as not narrowed
                cmd = ["glpsol", "--tmlim", "5", "--lp", lp, "-o", sol] if flags else ["glpsol", "--nopresol", "--lp", lp, "-o", sol]
                r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
                if r.returncode:
                    sys.exit("attack.py: glpsol failed on %s:\n%s" % (",".join(t), r.stdout[-2000:] + open(lp).read()[:2000]))
                text = open(sol).read().splitlines()
                status = " ".join([l for l in text if l.startswith("Status:")][0].split()[1:])
                obj = [l for l in text if l.startswith("Objective:")]
                if status == "UNBOUNDED" or (flags and status == "INTEGER OPTIMAL" and
                                             float(obj[0].split()[3]) >= big - 1):
                    bounds.append("inf")
                elif status in ("OPTIMAL", "INTEGER OPTIMAL"):
                    bounds.append(obj[0].split()[3])
                elif flags and status in ("INTEGER NON-OPTIMAL", "INTEGER UNDEFINED", "UNDEFINED"):
                    bounds.append("0" if sense == "minimize" else "inf")
                else:  # infeasible: the attacker's model does not fit the table
                    sys.exit("attack.py: %s of %s: %s" % (sense, ",".join(t), status))
            print(",".join(t), bounds[0], bounds[1])


main()
