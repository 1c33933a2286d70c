#!/usr/bin/env bash
# Screening figures (issue 15): a list of a million names and aliases
# loaded and indexed, each crossing screened against it (median and p99 on
# one core, inside the pass a registration uses); a whole store re-screened
# against a new list; quality on the labelled set; and a million MRZs read.
# BENCH_SCREEN_LIST (default 1,000,000 entries) and BENCH_SCREEN_MOVEMENTS
# (default 1,000,000 stored crossings; 10,000,000 is the target's size).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/bench/screen
mkdir -p "$dir"
nl=${BENCH_SCREEN_LIST:-1000000}
nm=${BENCH_SCREEN_MOVEMENTS:-1000000}
# time and peak memory of a command into $s and $kb (its exit status is not ours: 3 says rows were unreadable)
tm() { /usr/bin/time -f "%e %M" -o "$dir/t.txt" "$@" || true; read -r s kb < <(tail -1 "$dir/t.txt"); }
d="$dir/list-$nl"
if [ ! -f "$d/watchlist.csv" ]; then
  echo "generating a list of $nl entries beside 200,000 movements..."
  ./pasos synth --out "$d" --movements 200000 --watchlist "$nl" --seed 21 > /dev/null
fi
rm -f "$d/pasos.db"*
tm ./pasos --db "$d/pasos.db" watchlist load big "$d/watchlist.csv" > "$dir/load.txt"
echo "watch list: $(grep -o '[0-9,]* entries, [0-9]* names and aliases' "$dir/load.txt") loaded in $s s (peak $((kb / 1024)) MB)"
tm ./pasos --db "$d/pasos.db" screen "$d/movements.csv" -o "$d/hits.csv" --latency 2> "$dir/screen.txt"
echo "screening $(grep -o 'screened [0-9]* crossings' "$dir/screen.txt" | cut -d' ' -f2) crossings against it: $s s, peak $((kb / 1024)) MB"
echo "  $(grep 'lists indexed' "$dir/screen.txt")"
echo "  $(grep -o '[0-9]* with a hit.*' "$dir/screen.txt")"
python3 tests/screen/quality.py "$d" "$d/hits.csv" | sed 's/^/  /' | grep -v variant || true
# the labelled set at the demo's scale
q="$dir/quality"
if [ ! -f "$q/watchlist.csv" ]; then
  ./pasos synth --out "$q" --movements 200000 --watchlist 2000 --seed 1 > /dev/null
fi
rm -f "$q/pasos.db"*
./pasos --db "$q/pasos.db" watchlist load synth "$q/watchlist.csv" > /dev/null
./pasos --db "$q/pasos.db" screen "$q/movements.csv" -o "$q/hits.csv" 2> /dev/null || true
echo "quality on the labelled set (200,000 movements, a list of 2,000 entries):"
python3 tests/screen/quality.py "$q" "$q/hits.csv" | sed 's/^/  /'
# a whole store re-screened against a new list
m="$dir/store-$nm"
if [ ! -f "$m/pasos.db" ]; then
  echo "preparing a store of $nm movements..."
  ./pasos synth --out "$m" --movements "$nm" --watchlist 5000 --seed 9 > /dev/null
  ./pasos --db "$m/pasos.db" ingest -q --report-dir "$m" movements "$m/movements.csv"
fi
./pasos --db "$m/pasos.db" watchlist load synth "$m/watchlist.csv" > /dev/null
tm ./pasos --db "$m/pasos.db" screen -o "$m/hits.csv" 2> "$dir/rescreen.txt"
echo "re-screening the store ($(grep -o 'screened [0-9]* crossings' "$dir/rescreen.txt" | cut -d' ' -f2) crossings, list of 5,000): $s s, peak $((kb / 1024)) MB (target: 10 M in under 60 s)"
# a million MRZs (TD3, check digits computed here)
if [ ! -f "$dir/mrz.txt" ]; then
  python3 - "$dir/mrz.txt" <<'PY'
import random, sys
def cd(s):
    w = [7, 3, 1]; v = 0
    for i, ch in enumerate(s):
        n = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55
        v += n * w[i % 3]
    return str(v % 10)
r = random.Random(5)
with open(sys.argv[1], "w") as f:
    for i in range(1000000):
        name = ("QUISPE<MAMANI<<JUAN<CARLOS" + "<" * 39)[:39]
        num = "%09d" % r.randrange(10**9)
        birth = "%02d%02d%02d" % (r.randrange(100), r.randrange(1, 13), r.randrange(1, 29))
        exp = "%02d%02d%02d" % (r.randrange(27, 40), r.randrange(1, 13), r.randrange(1, 29))
        opt = "<" * 14
        l2 = num + cd(num) + "BOL" + birth + cd(birth) + "M" + exp + cd(exp) + opt + cd(opt)
        l2 += cd(l2[0:10] + l2[13:20] + l2[21:43])
        f.write("P<BOL" + name + "\n" + l2 + "\n\n")
PY
fi
tm ./pasos mrz "$dir/mrz.txt" > "$dir/mrz.csv"
echo "MRZ: $(($(wc -l < "$dir/mrz.csv") - 1)) TD3 documents read and checked in $s s (target: 1 M in under 1 s); valid: $(grep -c ',true,' "$dir/mrz.csv")"
