# SDMX that a real client reads: R's rsdmx (Debian r-cran-rsdmx) reads every
# structure pasos publishes: each dimension's code list with all its codes
# and both languages' names, the cross-domain code lists, and the data
# structure with FREQ first and the time dimension last, as the structure
# CSV (read here with Python's csv module) says they are.
# (rsdmx 0.6 reads a code's parent only from SDMX 2.0's parentCode
# attribute, which SDMX-ML 2.1 has not: the parents are checked against the
# official XSD and by t5001 instead.)
. "$ROOT/tests/cli/lib.sh"
command -v Rscript > /dev/null || fail "no R: run scripts/deps.sh (r-cran-rsdmx)"
published_store 8000 6 41
for t in ine_monthly ine_sex gcm_objective1 regularizations; do
  cat > read.R <<RS
suppressMessages(library(rsdmx))
s <- readSDMX(file = "pub/$t.structure.xml", isURL = FALSE)
cls <- slot(s, "codelists")
for (cl in slot(cls, "codelists")) {
  id <- slot(cl, "id")
  df <- as.data.frame(cls, codelistId = id)
  for (i in seq_len(nrow(df))) cat(paste(id, df\$id[i], df\$name.es[i], df\$name.en[i], sep = "\t"), "\n", sep = "")
}
dsd <- slot(slot(s, "datastructures"), "datastructures")[[1]]
dims <- slot(slot(dsd, "Components"), "Dimensions")
for (d in dims) cat("DIM", slot(d, "conceptRef"), "\n", sep = "\t")
td <- slot(slot(dsd, "Components"), "TimeDimension")
cat("TIME", slot(td, "conceptRef"), "\n", sep = "\t")
RS
  LC_ALL=C.UTF-8 timeout 300 Rscript read.R > "$t.r.txt" 2> "$t.r.err" || fail "rsdmx cannot read $t: $(tail -5 $t.r.err)"
  python3 - "$t" "pub/$t.structure.csv" "$t.r.txt" <<'PY' || fail "rsdmx read $t otherwise than published"
import csv, sys
t, structure, got = sys.argv[1:4]
want = {}
for r in csv.DictReader(open(structure, newline="", encoding="utf-8")):
    if r["dimension"] == "TIME_PERIOD":
        continue
    code = "_O" if r["dimension"] == "SEX" and r["code"] == "X" else r["code"]
    want.setdefault("CL_%s_%s" % (t, r["dimension"]), {})[code] = (r["label_es"], r["label_en"])
read, dims, time = {}, [], None
for line in open(got, encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "DIM": dims.append(f[1]); continue
    if f[0] == "TIME": time = f[1]; continue
    if len(f) >= 4: read.setdefault(f[0], {})[f[1]] = (f[2], f[3])
for cl, codes in want.items():
    assert cl in read, (cl, sorted(read))
    assert read[cl] == codes, (cl, len(read[cl]), len(codes), [k for k in codes if read[cl].get(k) != codes[k]][:5])
assert read["CL_UNIT_MEASURE"] == {"NUMBER": ("Número", "Number"), "PS": ("Personas", "Persons")}, read.get("CL_UNIT_MEASURE")
assert set(read["CL_FREQ"]) == {"A", "Q", "M"} and set(read["CL_OBS_STATUS"]) >= {"A", "Q"} and set(read["CL_CONF_STATUS"]) >= {"F", "C"}, read.keys()
assert dims[0] == "FREQ" and time == "TIME_PERIOD" and "TIME_PERIOD" not in dims, (dims, time)
PY
done
