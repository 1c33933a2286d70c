#!/usr/bin/env bash
# Registrations through HTTP (validation, the person by document, screening
# against a watch list of BENCH_SERVE_LIST entries (1,000,000; 0: none), the
# audit trail, acknowledged only once on disk), driven by wrk on loopback
# against a store of BENCH_SERVE_MOVEMENTS synthetic movements (100,000);
# then a traveller's history by document on a linked store of
# BENCH_SERVE_HISTORY_MOVEMENTS (10,000,000; 0: none).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk > /dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >&2 ||
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >&2; }
fi
n=${BENCH_SERVE_MOVEMENTS:-100000}
nl=${BENCH_SERVE_LIST:-1000000}
dir=build/bench/serve
rm -rf "$dir"; mkdir -p "$dir"
./pasos synth --out "$dir/d" --movements "$n" --seed 5 --watchlist "$nl" > /dev/null
./pasos --db "$dir/s.db" ingest -q movements "$dir/d/movements.csv"
[ "$nl" -gt 0 ] && ./pasos --db "$dir/s.db" watchlist load bench "$dir/d/watchlist.csv" > /dev/null
./pasos --db "$dir/s.db" link > /dev/null
# the setup's gigabyte of written pages to disk first: its writeback would otherwise land in the runs
sync
token=$(./pasos --db "$dir/s.db" user add bench --role officer --post DSG | tail -1)
# returning travellers: stored documents with their names (commas in names are rare; those rows are left out)
people() { # store, file
  sqlite3 -separator , "$1" "select document_type, document_country, document_number, surname_1,
    coalesce(surname_2, ''), given_names, birth_date, nationality from reg_movements
    where instr(surname_1 || coalesce(surname_2, '') || given_names, ',') = 0 order by random() limit 20000" > "$2"
}
people "$dir/s.db" "$dir/people.txt"
cp "$dir/s.db" "$dir/pristine.db"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve_on() { # store: the server on it, ready
  ./pasos --db "$1" serve --listen "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
  pid=$!
  for i in $(seq 1 2400); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
}
peak_of() { awk '/VmHWM/ {print int($2 / 1024)}' /proc/$pid/status; }  # the server's peak memory so far, MB
serve_off() { peak=$(peak_of); kill -TERM $pid; wait $pid || true; }
cpu_of() { awk '{print $14 + $15}' /proc/$pid/stat; }  # the server's CPU time so far, in clock ticks
# the server's CPU time per answer in microseconds: the same binary and store gave 75 to 115 on this
# (shared) machine over a day, so a run's rate and p99 are read against it
per_req() { # ticks before, ticks after, wrk's output
  python3 -c "import os; n = int('$(awk '/requests in/ {print $1}' "$3")' or 0); print(round(($2 - $1) / os.sysconf('SC_CLK_TCK') * 1e6 / n) if n else 0)"
}
reg() { # connections, share of new documents, token, people file
  local c0; c0=$(cpu_of)
  TOKEN=$3 NEW_SHARE=$2 PEOPLE="$4" wrk -t $(( $1 < 2 ? 1 : 2 )) -c $1 -d 10s --latency \
    -s bench/serve/register.lua "http://127.0.0.1:$port" > "$dir/wrk$1-$2.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/wrk$1-$2.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk$1-$2.txt")
  non=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk$1-$2.txt")
  printf "  %2d connections: %10s registrations/s, p99 %s, server CPU %s us each%s\n" $1 "$rps" "$p99" \
    "$(per_req "$c0" "$(cpu_of)" "$dir/wrk$1-$2.txt")" "${non:+, non-2xx $non}"
}
# each run on a fresh copy of the same store, so that a run's figure does not depend on what the runs before it added
fresh() { # connections, share of new documents
  cp "$dir/pristine.db" "$dir/s.db"
  sync
  serve_on "$dir/s.db"
  reg $1 $2 "$token" "$dir/people.txt"
  serve_off
}
echo "registrations through HTTP, each run on a fresh copy of a store of $n movements, each screened against a list of $nl entries"
echo " a fifth with a document never seen (linked by name), the rest returning travellers (about the register's own mix):"
for c in 1 16 64; do fresh $c 0.2; done
echo " every one with a document never seen (each linked by name):"
for c in 1 16 64; do fresh $c 1; done
before=$(sqlite3 "$dir/pristine.db" "select count(*) from reg_movements")
sqlite3 -separator , "$dir/s.db" "select document_type, document_country, document_number from reg_movements
  where document_number not like 'D%' order by random() limit 20000" > "$dir/docs.txt"
look() { # connections, documents file, token, port
  local c0; c0=$(cpu_of)
  DOCS="$2" TOKEN=$3 wrk -t 2 -c $1 -d 10s --latency -s bench/serve/lookup.lua "http://127.0.0.1:$4" > "$dir/look$1.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' "$dir/look$1.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/look$1.txt")
  non=$(awk '/Non-2xx/ {print $NF}' "$dir/look$1.txt")
  printf "  %2d connections: %10s lookups/s, p99 %s, server CPU %s us each%s\n" $1 "$rps" "$p99" \
    "$(per_req "$c0" "$(cpu_of)" "$dir/look$1.txt")" "${non:+, non-2xx $non}"
}
echo "a traveller's history by document (each read in the audit trail before the answer), on the last run's store"
serve_on "$dir/s.db"
for c in 16 64; do look $c "$dir/docs.txt" "$token" "$port"; done
serve_off
after=$(sqlite3 "$dir/s.db" "select count(*) from reg_movements")
echo "  the last run stored $((after - before)) new crossings; server peak $peak MB; $(./pasos --db "$dir/s.db" audit verify)"
# histories on a whole country's register: BENCH_SERVE_HISTORY_MOVEMENTS (10,000,000; 0: none), linked
nh=${BENCH_SERVE_HISTORY_MOVEMENTS:-10000000}
if [ "$nh" -gt 0 ]; then
  big=build/bench/serve-history
  rm -rf "$big"; mkdir -p "$big"
  t0=$(date +%s)
  ./pasos synth --out "$big/d" --movements "$nh" --seed 5 > /dev/null
  ./pasos --db "$big/s.db" ingest -q movements "$big/d/movements.csv"
  rm -rf "$big/d"
  ./pasos --db "$big/s.db" link > /dev/null
  btoken=$(./pasos --db "$big/s.db" user add bench --role officer --post DSG | tail -1)
  # documents drawn from the crossings: a frequent traveller comes as often as they cross
  sqlite3 -separator , "$big/s.db" "select document_type, document_country, document_number from reg_movements
    order by random() limit 20000" > "$big/docs.txt"
  serve_on "$big/s.db"
  echo "a traveller's history by document on a store of $nh movements (built, linked and served in $(( $(date +%s) - t0 )) s)"
  look 16 "$big/docs.txt" "$btoken" "$port" > /dev/null  # the store's pages into memory first
  for c in 16 32 64; do look $c "$big/docs.txt" "$btoken" "$port"; done
  echo "  server peak $(peak_of) MB"
  # registrations on that store: a new document's name block holds a hundred times the persons
  people "$big/s.db" "$big/people.txt"
  echo "registrations through HTTP on that store (no watch list loaded), 64 connections:"
  echo -n " a fifth with a document never seen:"; reg 64 0.2 "$btoken" "$big/people.txt"
  echo -n " every one with a document never seen:"; reg 64 1 "$btoken" "$big/people.txt"
  serve_off
  rm -rf "$big"
fi
# PostgreSQL 15's pgbench, a bare single-row INSERT, on the same machine in the same run
pgbin=/usr/lib/postgresql/15/bin
if [ -x "$pgbin/initdb" ] && command -v pgbench > /dev/null && id postgres > /dev/null 2>&1; then
  pg=$(mktemp -d /tmp/pasos-pg.XXXXXX); chown postgres "$pg"; chmod 700 "$pg"
  pgport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  su postgres -c "$pgbin/initdb -D $pg/data -A trust > $pg/initdb.log 2>&1"
  su postgres -c "$pgbin/pg_ctl -D $pg/data -o '-p $pgport -k $pg -c listen_addresses=' -l $pg/log -w start > /dev/null"
  psql -q -h "$pg" -p "$pgport" -U postgres -c "create table t(id bigserial primary key, v text)" postgres
  echo "insert into t(v) values ('x');" > "$pg/insert.sql"
  echo "PostgreSQL 15 pgbench, one bare INSERT a transaction (synchronous_commit on)"
  for c in 1 16 64; do
    tps=$(pgbench -n -h "$pg" -p "$pgport" -U postgres -f "$pg/insert.sql" -c $c -j $(( c < 2 ? 1 : 2 )) -T 10 postgres 2>/dev/null |
      awk '/^tps/ {print int($3)}')
    printf "  %2d clients: %10s inserts/s\n" $c "$tps"
  done
  su postgres -c "$pgbin/pg_ctl -D $pg/data -m fast stop > /dev/null"
  rm -rf "$pg"
else
  echo "PostgreSQL 15 (postgresql-15) is not installed here: no pgbench comparison"
fi
