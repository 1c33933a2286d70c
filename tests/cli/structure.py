"""A published table's structure as the test oracles read it (attack.py,
hierarchy.py), from NAME.structure.csv alone, sharing no code with pasos:
each code's parents, its ancestors (itself included), and the groups
(codes that are some code's parent)."""
import collections
import csv


class Structure:
    def __init__(self, path):
        self.parents = collections.defaultdict(dict)
        with open(path, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                self.parents[r["dimension"]][r["code"]] = r["parents"].split()
        self.groups = {d: {p for ps in cs.values() for p in ps} for d, cs in self.parents.items()}
        self._anc = {}

    def ancestors(self, d, c):
        """c and every code it adds into, in dimension d."""
        if (d, c) not in self._anc:
            seen, todo = [], [c]
            while todo:
                x = todo.pop()
                if x not in seen:
                    seen.append(x)
                    todo.extend(self.parents[d].get(x, []))
            self._anc[(d, c)] = seen
        return self._anc[(d, c)]

    def is_leaf(self, d, c):
        return c not in self.groups.get(d, set())
