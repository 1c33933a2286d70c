# pasos mrz: the specimens of ICAO Doc 9303 (TD1, TD2, TD3, MRV-A, MRV-B)
# read field by field, then documents made here with check digits
# computed independently (Python), each check digit broken in turn and
# reported by name, and inputs that are no MRZ refused with their line.
. "$ROOT/tests/cli/lib.sh"
cat > specimens.txt <<'M'
P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L898902C36UTO7408122F1204159ZE184226B<<<<<10

I<UTOD231458907<<<<<<<<<<<<<<<
7408122F1204159UTO<<<<<<<<<<<6
ERIKSSON<<ANNA<MARIA<<<<<<<<<<

I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<
D231458907UTO7408122F1204159<<<<<<<6

V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<
L8988901C4XXX4009078F96121096ZE184226B<<<<<<

V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<
L8988901C4XXX4009078F9612109<<<<<<<<
M
PASOS_TODAY=2026-11-30 $PASOS mrz specimens.txt > spec.csv
python3 - spec.csv <<'PY' || fail "specimens: $(cat spec.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [r["format"] for r in rows] == ["TD3", "TD1", "TD2", "MRV-A", "MRV-B"], rows
for r in rows:
    assert r["valid"] == "true" and r["surnames"] == "ERIKSSON" and r["given_names"] == "ANNA MARIA", r
    assert r["issuing_state"] == "UTO" and r["sex"] == "F", r
td3, td1 = rows[0], rows[1]
assert td3["document_number"] == "L898902C3" and td3["nationality"] == "UTO" and td3["birth_date"] == "1974-08-12", td3
assert td3["expiry_date"] == "2012-04-15" and td3["optional1"] == "ZE184226B", td3
assert td3["check_optional"] == "valid" and td3["check_composite"] == "valid", td3
assert td1["document_number"] == "D23145890" and td1["check_composite"] == "valid", td1
assert rows[3]["birth_date"] == "1940-09-07" and rows[3]["expiry_date"] == "1996-12-10", rows[3]
PY
# documents made here: Bolivian and German passports, a long TD1 number, every check broken in turn
python3 - <<'PY'
import random
def cd(s):
    v = sum((0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55) * (7, 3, 1)[i % 3] for i, ch in enumerate(s))
    return str(v % 10)
def pad(s, n): return (s + "<" * n)[:n]
def td3(state, sur, giv, num, nat, birth, sex, exp, opt):
    l1 = pad("P<" + state + sur + "<<" + giv.replace(" ", "<"), 44)
    n = pad(num, 9); o = pad(opt, 14)
    l2 = n + cd(n) + nat + birth + cd(birth) + sex + exp + cd(exp) + o + cd(o)
    return [l1, l2 + cd(l2[0:10] + l2[13:20] + l2[21:43])]
def td1(state, num, birth, sex, exp, nat, sur, giv):
    if len(num) > 9:
        l1 = pad("I<" + state + num[:9] + "<" + num[9:] + cd(num), 30)
    else:
        l1 = pad("I<" + state + pad(num, 9) + cd(pad(num, 9)), 30)
    l2 = birth + cd(birth) + sex + exp + cd(exp) + nat + "<" * 11
    l2 += cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    return [l1, l2, pad(sur + "<<" + giv.replace(" ", "<"), 30)]
docs = [td3("BOL", "QUISPE<MAMANI", "JUAN CARLOS", "9123456", "BOL", "850612", "M", "310101", "12345678"),
        td3("D<<", "MUELLER", "ANNA", "C01X00T47", "D<<", "000229", "F", "290501", ""),
        td3("D<<", "MUELLER", "ANNA", "C01X00T47", "D<<", "010229", "F", "290501", ""),
        td1("PER", "AB123456789012", "991231", "F", "300615", "PER", "APAZA", "ROSA")]
open("made.txt", "w").write("\n\n".join("\n".join(d) for d in docs) + "\n")
# TD3 of the first: break each check digit (positions 9, 19, 27, 42, 43 of line 2)
broken = []
for pos in (9, 19, 27, 42, 43):
    l1, l2 = docs[0]
    d = str((int(l2[pos]) + 1) % 10)
    broken.append([l1, l2[:pos] + d + l2[pos + 1:]])
open("broken.txt", "w").write("\n\n".join("\n".join(d) for d in broken) + "\n")
PY
PASOS_TODAY=2026-11-30 $PASOS mrz made.txt > made.csv
python3 - made.csv <<'PY' || fail "made: $(cat made.csv)"
import csv, sys
b, d, nd, t = list(csv.DictReader(open(sys.argv[1], newline="")))
assert b["valid"] == "true" and b["surnames"] == "QUISPE MAMANI" and b["given_names"] == "JUAN CARLOS", b
assert b["birth_date"] == "1985-06-12" and b["expiry_date"] == "2031-01-01" and b["document_number"] == "9123456", b
assert d["valid"] == "true" and d["issuing_state"] == "DEU" and d["nationality"] == "DEU" and d["birth_date"] == "2000-02-29", d
assert nd["valid"] == "false" and nd["birth_date"] == "", nd  # 29 February 2001 is no date
assert t["format"] == "TD1" and t["valid"] == "true" and t["document_number"] == "AB123456789012", t
assert t["birth_date"] == "1999-12-31" and t["check_document_number"] == "valid" and t["check_composite"] == "valid", t
PY
PASOS_TODAY=2026-11-30 $PASOS mrz broken.txt > broken.csv
expect_eq "$(tail -n +2 broken.csv | cut -d, -f2 | tr -d '\r' | sort -u)" false "each broken document is not valid"
python3 - broken.csv <<'PY' || fail "broken: $(cat broken.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
checks = ["check_document_number", "check_birth_date", "check_expiry_date", "check_optional", "check_composite"]
for i, r in enumerate(rows):
    bad = [c for c in checks if r[c] == "invalid"]
    # the digit broken, and the composite that covers it, are named
    assert checks[i] in bad and set(bad) <= {checks[i], "check_composite"}, (i, bad)
PY
# no MRZ: a wrong length, lowercase, a missing line; the others are still written
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<1\n\np<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\nl898902c36uto7408122f1204159ze184226b<<<<<10\n\nI<UTOD231458907<<<<<<<<<<<<<<<\n\n' > bad.txt
cat specimens.txt >> bad.txt
set +e; $PASOS mrz bad.txt > bad.csv 2> err.txt; rc=$?; set -e
expect_eq "$rc" 3 "documents that are no MRZ"
grep -q "bad.txt:1: .*line 2: 43 characters" err.txt || fail "length: $(cat err.txt)"
grep -q "bad.txt:4: .*line 1, column 1: a character outside" err.txt || fail "lowercase: $(cat err.txt)"
grep -q "bad.txt:7: .*1 lines of 30" err.txt || fail "a missing line: $(cat err.txt)"
expect_eq "$(($(wc -l < bad.csv) - 1))" 5 "the valid documents still written"
