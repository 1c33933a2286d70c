# Bad input: clear messages or correct trivial results, never a crash.
. "$ROOT/tests/cli/lib.sh"
R="$ROOT/registers/febrl.reg"
h='rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id'
run() { set +e; $PASOS link "$@" 2> err.txt | tr -d "\r" > out.txt; rc=${PIPESTATUS[0]}; set -e; }
: > empty.csv
run --schema "$R" empty.csv
expect_eq "$rc" 3 "empty file"; grep -q "empty" err.txt || fail "empty message"
echo "$h" > hdr.csv
run --schema "$R" hdr.csv
expect_eq "$rc" 3 "header only"; grep -q "no records" err.txt || fail "no records message"
printf 'register x\nfield id text required role=record_id\nfield a text\n' > nop.reg
printf 'id,a\n1,x\n' > nop.csv
run --schema nop.reg nop.csv
expect_eq "$rc" 3 "no person fields"; grep -q "names no identifying fields" err.txt || fail "no person fields message"
# sex, nationality and age identify no one (trafficking victims): such a register is not linked
printf 'register v\nfield id text required role=record_id\nfield sex text role=sex\nfield nat text role=nationality\nfield b date role=birth_date\n' > anon.reg
printf 'id,sex,nat,b\n1,F,BOL,2001-01-01\n' > anon.csv
run --schema anon.reg anon.csv
expect_eq "$rc" 3 "no identifying fields"; grep -q "names no identifying fields" err.txt || fail "no identifying fields message"
{ echo "$h"; echo 'r1,ana,perez,,,,,,,19800101,'; } > one.csv
run --schema "$R" one.csv
expect_eq "$rc" 0 "single record"; expect_eq "$(tail -n +2 out.txt)" "r1,1" "single record result"
{ echo "$h"; for i in 1 2 3 4 5; do echo "r$i,ana,perez,,,,,,,19800101,123"; done; } > same.csv
run --schema "$R" same.csv
expect_eq "$(tail -n +2 out.txt | cut -d, -f2 | sort -u)" 1 "identical records are one person"
{ echo "$h"; for i in 1 2 3 4; do echo "r$i,,,,,,,,,,"; done; } > blank.csv
run --schema "$R" blank.csv
expect_eq "$rc" 0 "missing values everywhere"
expect_eq "$(tail -n +2 out.txt | cut -d, -f2 | sort -u | wc -l)" 4 "records with nothing to compare stay apart"
set +e; $PASOS --db nothing.db link > out.txt 2> err.txt; rc=$?; set -e
expect_eq "$rc" 5 "no store"; grep -q "no store at 'nothing.db'" err.txt || fail "no store message: $(cat err.txt)"
[ ! -e nothing.db ] || fail "link made a store"
printf '%s\n' "$(head -1 "$ROOT/tests/golden/movements_small.csv")" > header_only.csv
$PASOS --db empty.db ingest -q movements header_only.csv
set +e; $PASOS --db empty.db link > out.txt 2> err.txt; rc=$?; set -e
expect_eq "$rc" 3 "empty store"; grep -q "no records" err.txt || fail "empty store message"
run --schema "$R"
expect_eq "$rc" 2 "--schema without files"
