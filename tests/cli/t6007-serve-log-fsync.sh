# The service's checkpoints fsync nothing, so the store must be on disk
# before its log is overwritten, cut or removed: otherwise a power cut just
# after the log starts again loses what the checkpoints had copied only into
# the store's page cache. Read off the system calls themselves (strace, not
# pasos): between any write of the store's pages and the next write of the
# log's header (offset 0: the log starts again), cut or removal of the log,
# an fsync of the store must have ended, begun after that write ended. The
# log must start again at least once while the server runs (a registration
# after a checkpoint copied everything: SQLite restarts the log then), or
# the check would hold for nothing.
. "$ROOT/tests/cli/lib.sh"
command -v strace > /dev/null || fail "strace is missing (scripts/deps.sh installs it)"
$PASOS synth --out d --movements 2000 --seed 7 > /dev/null
$PASOS --db s.db ingest -q movements d/movements.csv
$PASOS --db s.db link > /dev/null
$PASOS --db s.db user add ana --role officer --post VLZ > ana.txt
T=$(tail -1 ana.txt)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# (LeakSanitizer cannot run under ptrace: the sanitized build's leak check is left to the other tests)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -y -s 0 -o trace.txt -e trace=pwrite64,fdatasync,fsync,ftruncate,unlink,unlinkat \
  $PASOS --db "$PWD/s.db" serve --listen 127.0.0.1:$port > serve.log 2>&1 &
stpid=$!
for i in $(seq 1 400); do curl -s -o /dev/null "$base/healthz" && break; sleep 0.05; done
curl -s -o /dev/null "$base/healthz" || fail "the server did not start: $(cat serve.log)"
reg() { # movement id: its status
  curl -s -o "reg-$1.json" -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: application/json' --data-binary \
    "{\"movement_id\":\"$1\",\"direction\":\"ENTRY\",\"event_time\":\"2024-06-29T10:00:00-04:00\",\"transport\":\"road\",\"document_type\":\"PASSPORT\",\"document_number\":\"Q$1\",\"document_country\":\"PER\",\"nationality\":\"PER\",\"surname_1\":\"Quispe\",\"given_names\":\"Rosa\",\"sex\":\"F\",\"birth_date\":\"1980-01-0$(( ${1#F} % 9 + 1 ))\",\"purpose\":\"TOURISM\",\"permitted_stay_days\":30}" \
    "$base/api/v1/registers/movements"
}
# each after the checkpoints' thread has copied the last (it runs within 5 ms of a commit)
for k in 1 2 3 4 5 6; do
  expect_eq "$(reg F$k)" 201 "registration F$k: $(cat reg-F$k.json)"
  sleep 0.3
done
kill -TERM "$(pgrep -P $stpid)"
wait $stpid || fail "the server did not stop cleanly: $(cat serve.log)"
expect_eq "$(sqlite3 s.db "select count(*) from reg_movements where movement_id like 'F%'")" 6 "registrations stored"
python3 - "$PWD/s.db" trace.txt <<'EOF'
import re, sys
store, log = sys.argv[1], sys.argv[1] + "-wal"
line_re = re.compile(r'^(\d+)\s+(.*)$')
call_re = re.compile(r'^(\w+)\((.*)')
fd_re = re.compile(r'^\d+<([^>]*)>')
pending = {}            # pid: (call, path, args) of a call not returned yet
gen = 0                 # writes of the store begun so far
done_gen = 0            # writes of the store ended so far
synced_upto = 0         # every store write ended before a finished fsync of the store began
store_writes = headers = cuts = removals = 0
bad = []

def begin(pid, call, path, args, n):
    global gen, headers, cuts, removals
    dirty = synced_upto < gen
    if call == "pwrite64" and path == store:
        gen += 1
        pending[pid] = (call, path, gen)
        return
    if call in ("fdatasync", "fsync") and path == store:
        pending[pid] = (call, path, done_gen)  # covers the writes ended by now
        return
    off = re.search(r",\s*(\d+)\s*(?:\)\s*=|<unfinished)", args)
    if call == "pwrite64" and path == log and off and off.group(1) == "0":
        headers += 1  # the first makes the log (this store had none): it overwrites nothing
        if dirty and headers > 1:
            bad.append("line %d: the log starts again over store pages not on disk" % n)
    elif call == "ftruncate" and path == log:
        cuts += 1
        if dirty:
            bad.append("line %d: the log is cut while store pages are not on disk" % n)
    elif call in ("unlink", "unlinkat") and log in args:
        removals += 1
        if dirty:
            bad.append("line %d: the log is removed while store pages are not on disk" % n)
    pending[pid] = (call, path, None)

def end(pid, result):
    global done_gen, synced_upto, store_writes
    call, path, g = pending.pop(pid, (None, None, None))
    if call == "pwrite64" and path == store:
        done_gen += 1
        store_writes += 1
    elif call in ("fdatasync", "fsync") and path == store and result == "0":
        synced_upto = max(synced_upto, g)

for n, raw in enumerate(open(sys.argv[2]), 1):
    m = line_re.match(raw.rstrip("\n"))
    if not m:
        continue
    pid, rest = m.group(1), m.group(2)
    if rest.startswith("<... "):
        r = re.search(r"= (-?\d+)", rest)
        end(pid, r.group(1) if r else "?")
        continue
    c = call_re.match(rest)
    if not c:
        continue
    call, args = c.group(1), c.group(2)
    f = fd_re.match(args)
    path = f.group(1) if f else None
    begin(pid, call, path, args, n)
    if not rest.endswith("<unfinished ...>"):
        r = re.search(r"= (-?\d+)", rest)
        end(pid, r.group(1) if r else "?")
if bad:
    sys.exit("\n".join(bad[:5]))
if store_writes == 0 or headers < 2:
    sys.exit("nothing to check: %d writes of the store, %d of the log's header" % (store_writes, headers))
print("store writes %d, log restarts %d, cuts %d, removals %d: the store was on disk before each" %
      (store_writes, headers - 1, cuts, removals))
EOF
