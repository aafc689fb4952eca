#!/usr/bin/env bash
# Load benchmark: builds the runtime, starts a bench instance on loopback, creates the accounts,
# drives it with Tsung (the scenarios in tsung/, unchanged from ../shared/bench so figures compare
# with the peers'), samples the server and prints one table. Optionally runs Prosody beside it on
# the same scenario, in the same hour, on the same cores.
#
# usage: itests/bench/run.sh [options] [scenario k=v ...]
#   --scenario capacity|throughput|login|all   (default: all, in that order), or one of the
#              scenarios added for the feature bundles (not in "all"; several: quoted, space-separated):
#              presence (rosters of 50 contacts, users 20001..25000), muc (group chat fan-out and
#              join, users 25001..26020), carbons (chat between 500 accounts with two resources
#              each, carbons on, users 26021..26520), offline (10,000 messages stored for one user
#              who is away and handed over when they come back: benchmarks' OfflineFlood, users
#              26901..26905)
#   --peer prosody     also measure Prosody (Debian's prosody package) with the same scenarios
#   --store h2|postgres  Parley's storage (default h2, embedded); postgres starts a private
#                      PostgreSQL 15 cluster in target/bench/pg (default durability settings)
#   --nusers N         accounts user1..userN / pass1..passN (default 27000)
#   --heap SIZE        Parley's fixed, pre-touched heap (default 1g), so RSS growth is native memory;
#                      --heap shipped: etc/jvm.options as the distribution ships it, as an operator
#                      runs it, and RSS is also sampled 75 s after the load (memory given back)
#   --no-build         use the distribution already built in runtime/target/parley
#   --label NAME       results go to target/bench/NAME (default: a timestamp)
#   --port BASE        every port of the run from BASE, so that two runs on one machine cannot meet:
#                      Parley's c2s BASE, Prosody's c2s BASE+1, PostgreSQL BASE+2, Parley's metrics
#                      BASE+3, HTTPS (console, admin) BASE+4, components BASE+5, and Tsung's controller
#                      named after BASE. Default: c2s 25222, Prosody 15222, PostgreSQL 25432, and the
#                      shipped 9464, 9091, 5347. The run refuses to start, naming it, if a port is taken,
#                      or if BASE..BASE+5 meet the kernel's ephemeral port range (32768-60999 here).
#   k=v                passed to the scenario (see tsung/README.md): SESSIONS, RATE, HOLD, USERS,
#                      THINK, MSGS, PHASES, STEP. Defaults here: capacity SESSIONS=18000 RATE=200
#                      HOLD=60; throughput USERS=1000 RATE=100 THINK=0.2 MSGS=200; login
#                      PHASES="100 200 300 400 500" STEP=20. presence, muc: see tsung/README.md;
#                      presence also CONTACTS=50 (rosters are made once per server by RosterSetup,
#                      through the protocol); offline COUNT=10000 SENDERS=4.
# Needs: Java 17, Maven, tsung (apt-get install -y tsung), python3; prosody for --peer.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIST=$ROOT/runtime/target/parley
SCENARIOS="capacity throughput login"; PEER=""; NUSERS=27000; HEAP=1g; BUILD=1; STORE=h2
LABEL=$(date +%Y%m%d-%H%M%S); PARAMS=(); PORT_BASE=
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) [ "$2" = all ] || SCENARIOS=$2; shift 2;;
    --peer) PEER=$2; shift 2;;
    --nusers) NUSERS=$2; shift 2;;
    --store) STORE=$2; shift 2;;
    --heap) HEAP=$2; shift 2;;
    --no-build) BUILD=0; shift;;
    --label) LABEL=$2; shift 2;;
    --port) PORT_BASE=$2; shift 2;;
    *=*) PARAMS+=("$1"); shift;;
    *) sed -n 2,35p "$0"; exit 2;;
  esac
done
[ -z "$PEER" ] || [ "$PEER" = prosody ] || { echo "run.sh: the only peer is prosody" >&2; exit 2; }
[ "$STORE" = h2 ] || [ "$STORE" = postgres ] || { echo "run.sh: --store h2 or postgres" >&2; exit 2; }
command -v tsung >/dev/null || { echo "run.sh: tsung is missing (apt-get install -y tsung)" >&2; exit 2; }
[ -z "$PEER" ] || command -v prosody >/dev/null || { echo "run.sh: prosody is missing (apt-get install -y prosody)" >&2; exit 2; }

DOMAIN=load.test
log() { echo "[bench] $*" >&2; }
# Every port the run and its servers listen on. A port another process holds would not make a
# server fail visibly: wait_port would find the other listener and Tsung would drive it.
if [ -z "$PORT_BASE" ]; then
  PORT=25222; PEER_PORT=15222; PG_PORT=25432; METRICS_PORT=9464; HTTP_PORT=9091; COMPONENT_PORT=5347; TSUNG_ID=""
else
  [[ "$PORT_BASE" =~ ^[0-9]+$ ]] && [ "$PORT_BASE" -ge 1024 ] && [ "$PORT_BASE" -le 65530 ] \
    || { echo "run.sh: --port takes a base port from 1024 to 65530" >&2; exit 2; }
  # The kernel gives ports of its ephemeral range to outgoing connections (Tsung's thousands
  # among them): a listener there fails with "Address already in use" whenever a client socket,
  # open or in TIME_WAIT, happens to hold the port, as the metrics listener once did.
  read -r EPHEMERAL_LOW EPHEMERAL_HIGH < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=0 EPHEMERAL_HIGH=0
  if [ "$((PORT_BASE + 5))" -ge "$EPHEMERAL_LOW" ] && [ "$PORT_BASE" -le "$EPHEMERAL_HIGH" ]; then
    echo "run.sh: --port $PORT_BASE: ports $PORT_BASE-$((PORT_BASE + 5)) meet the kernel's ephemeral range $EPHEMERAL_LOW-$EPHEMERAL_HIGH (net.ipv4.ip_local_port_range), which outgoing connections take; choose a base below $((EPHEMERAL_LOW - 5)) or above $EPHEMERAL_HIGH" >&2
    exit 2
  fi
  PORT=$PORT_BASE; PEER_PORT=$((PORT_BASE + 1)); PG_PORT=$((PORT_BASE + 2)); METRICS_PORT=$((PORT_BASE + 3))
  HTTP_PORT=$((PORT_BASE + 4)); COMPONENT_PORT=$((PORT_BASE + 5)); TSUNG_ID=p$PORT_BASE
fi
port_taken() { ss -Hltn "sport = :$1" | grep -q .; }
check_ports() {
  local name port
  local -a ports=("Parley's c2s:$PORT" "Parley's metrics:$METRICS_PORT" "Parley's HTTPS:$HTTP_PORT" "Parley's components:$COMPONENT_PORT")
  [ -z "$PEER" ] || ports+=("Prosody's c2s:$PEER_PORT")
  [ "$STORE" = h2 ] || ports+=("PostgreSQL:$PG_PORT")
  for name in "${ports[@]}"; do
    port=${name##*:}
    if port_taken "$port"; then
      echo "run.sh: port $port (${name%:*}) is already in use ($(ss -Hltnp "sport = :$port" | grep -o 'users:(([^)]*))' | head -1)); another benchmark? Choose another --port BASE" >&2
      exit 2
    fi
  done
  # two Tsungs of one name cannot run at once (Erlang node names)
  local tsung=tsung_controller${TSUNG_ID:+_$TSUNG_ID}
  if pgrep -f "beam.*-sname $tsung( |$)" >/dev/null; then
    echo "run.sh: a Tsung named $tsung is running; another benchmark? Choose another --port BASE" >&2
    exit 2
  fi
}
check_ports

WORK=$ROOT/target/bench            # kept between runs: instance, accounts, Prosody data
OUT=$WORK/$LABEL
mkdir -p "$OUT"

if [ "$BUILD" = 1 ]; then
  # verify, not install: the distribution and benchmarks.jar are built in the reactor's target/
  log "building the runtime (mvn -DskipTests verify)"
  (cd "$ROOT" && mvn -B -q -DskipTests verify)
fi

# ---- the Parley bench instance (PARLEY_BASE): distribution defaults, then the bench settings ----
BASE=$WORK/parley-base
[ "$STORE" = h2 ] || BASE=$WORK/parley-base-$STORE
mkdir -p "$BASE/etc"
cp -n "$DIST"/defaults/etc/* "$BASE/etc/" 2>/dev/null || true
cp "$DIST/defaults/etc/logback.xml" "$DIST/defaults/etc/jvm.options" "$HERE"/etc/*.cfg "$BASE/etc/"
# this run's ports (the instance is kept between runs, which may have had others)
set_key() { if grep -q "^$2 *=" "$1"; then sed -i "s/^$2 *=.*/$2 = $3/" "$1"; else echo "$2 = $3" >> "$1"; fi; }
set_key "$BASE/etc/org.parley.transport.cfg" c2sPort "$PORT"
set_key "$BASE/etc/org.parley.metrics.cfg" port "$METRICS_PORT"
set_key "$BASE/etc/org.parley.http.cfg" port "$HTTP_PORT"
set_key "$BASE/etc/org.parley.components.cfg" port "$COMPONENT_PORT"
parley() { PARLEY_BASE=$BASE "$DIST/bin/parley" "$@"; }

# A private PostgreSQL for --store postgres: its own cluster, loopback only, the server's default
# durability (fsync, synchronous commit), run as the postgres OS user when we are root.
PG=$WORK/pg; PG_PASSWORD=parley-bench
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_pg() {
  local bin=/usr/lib/postgresql/15/bin
  if [ ! -s "$PG/data/PG_VERSION" ]; then
    mkdir -p "$PG"; [ "$(id -u)" != 0 ] || chown postgres "$PG"
    echo "$PG_PASSWORD" > "$PG/pwfile"; [ "$(id -u)" != 0 ] || chown postgres "$PG/pwfile"
    pg "$bin/initdb" -D "$PG/data" -U parley --pwfile="$PG/pwfile" --auth=scram-sha-256 --encoding=UTF8 --locale=C > "$PG/initdb.log"
  fi
  pg "$bin/pg_ctl" -D "$PG/data" -l "$PG/server.log" -o "-p $PG_PORT -k $PG/data -c listen_addresses=127.0.0.1" -w -t 60 start > /dev/null
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p $PG_PORT -U parley -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'parley'" | grep -q 1 \
    || PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p $PG_PORT -U parley -d postgres -qc "CREATE DATABASE parley"
  printf '%s\n' "# Load benchmark instance: the private PostgreSQL of run.sh --store postgres" \
    "url = jdbc:postgresql://127.0.0.1:$PG_PORT/parley" "user = parley" "password = $PG_PASSWORD" "maxPoolSize = 8" \
    > "$BASE/etc/org.parley.storage.jdbc.cfg"
}
# CPU ticks of the private PostgreSQL: the postmaster (with its ended children) and its live backends
pg_ticks() {
  local pm; pm=$(head -1 "$PG/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  { awk '{print $14+$15+$16+$17}' /proc/$pm/stat; for c in $(pgrep -P "$pm"); do awk '{print $14+$15}' /proc/$c/stat 2>/dev/null; done; } \
    | awk '{s+=$1} END{print s+0}'
}
stop_pg() { [ ! -s "$PG/data/postmaster.pid" ] || pg /usr/lib/postgresql/15/bin/pg_ctl -D "$PG/data" -m fast -w stop > /dev/null || true; }
[ "$STORE" = h2 ] || start_pg

have=$(parley user count 2>/dev/null | grep -o '[0-9]\+' | tail -1 || echo 0)
if [ "${have:-0}" -lt "$NUSERS" ]; then
  ACCOUNTS=$WORK/accounts-$NUSERS.scram
  if [ ! -s "$ACCOUNTS" ]; then
    log "deriving SCRAM credentials for $NUSERS accounts (once; kept in $ACCOUNTS)"
    java -cp "$ROOT/benchmarks/target/benchmarks.jar" org.parley.benchmarks.BenchAccounts $DOMAIN "$NUSERS" "$ACCOUNTS.tmp"
    mv "$ACCOUNTS.tmp" "$ACCOUNTS"
  fi
  log "importing $NUSERS accounts"
  start=$(date +%s.%N)
  parley user import --hashed "$ACCOUNTS" | tail -1
  echo "import_seconds=$(python3 -c "print(round($(date +%s.%N) - $start, 1))") accounts=$NUSERS" | tee "$OUT/import.txt"
fi

wait_port() { for _ in $(seq 1 120); do port_taken "$1" && return 0; sleep 0.5; done; return 1; }
# The listener must be the server just started: a process that took the port since check_ports
# would otherwise be measured in its place.
own_port() {
  ss -Hltnp "sport = :$1" | grep -q "pid=$2," \
    || { log "port $1 is held by another process ($(ss -Hltnp "sport = :$1" | grep -o 'users:(([^)]*))' | head -1)), not the server started (pid $2)"; exit 1; }
}
heap_used_kib() { jcmd "$1" GC.run >/dev/null; jcmd "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*'; }
proc() { awk -v k="$2:" '$1==k{print $2}' /proc/$1/status; }
# CPU ticks of the JVM's JIT compiler threads (C1, C2): how much of a window's CPU is compiling
jit_ticks() {
  local files; files=$(grep -l '^C[12] CompilerThre' /proc/$1/task/*/comm 2>/dev/null | sed 's/comm$/stat/')
  [ -n "$files" ] || { echo 0; return; }
  # shellcheck disable=SC2086
  awk '{sub(/^.*\) /, ""); s += $12 + $13} END {print s + 0}' $files 2>/dev/null || echo 0
}

start_parley() {
  rm -f "$BASE/log/parley.log"
  # A fixed heap touched at start: RSS growth under load is then the native memory sessions
  # take, and the heap they take is measured after GC. Their sum is the memory per session.
  # With --heap shipped, etc/jvm.options alone: the memory an operator's server holds.
  local heap_opts="-Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch"
  [ "$HEAP" = shipped ] && heap_opts=""
  PARLEY_BASE=$BASE JAVA_OPTS="$heap_opts ${JAVA_OPTS:-}" \
    "$DIST/bin/parley" > "$OUT/parley.out" 2>&1 &
  SPID=$!
  wait_port $PORT || { log "Parley did not start"; cat "$OUT/parley.out" >&2; exit 1; }
  own_port $PORT $SPID
}

start_prosody() {
  local d=$WORK/prosody
  mkdir -p "$d/certs" "$d/data"
  sed "s#@DIR@#$d#g;s#@PORT@#$PEER_PORT#g" "$HERE/tsung/prosody/prosody.cfg.lua.in" > "$d/prosody.cfg.lua"
  if [ ! -s "$d/certs/load.test.key" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj "/CN=$DOMAIN" \
      -keyout "$d/certs/load.test.key" -out "$d/certs/load.test.crt" 2>/dev/null
  fi
  if [ "$(ls "$d/data/load%2etest/accounts" 2>/dev/null | wc -l)" -lt "$NUSERS" ]; then
    log "writing $NUSERS Prosody accounts (once)"
    python3 "$HERE/tsung/prosody/gen_prosody_accounts.py" "$d/data" $DOMAIN "$NUSERS" >&2
  fi
  rm -f "$d/prosody.log" "$d/prosody.err"
  prosody --config "$d/prosody.cfg.lua" > "$OUT/prosody.out" 2>&1 &
  SPID=$!
  wait_port $PEER_PORT || { log "Prosody did not start"; cat "$OUT/prosody.out" >&2; exit 1; }
  own_port $PEER_PORT $SPID
}

stop_server() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; sleep 2; }

param() { for p in "${PARAMS[@]}"; do [ "${p%%=*}" = "$1" ] && { echo "${p#*=}"; return; }; done; echo "$2"; }
scenario_args() {
  case "$1" in
    capacity) echo "SESSIONS=$(param SESSIONS 18000) RATE=$(param RATE 200) HOLD=$(param HOLD 60)";;
    throughput) echo "USERS=$(param USERS 1000) RATE=$(param RATE 100) THINK=$(param THINK 0.2) MSGS=$(param MSGS 200)";;
    login) echo "STEP=$(param STEP 20)";;
    # the new scenarios take their defaults from run-scenario.sh; anything given is passed on
    presence|muc|carbons) local p; for p in "${PARAMS[@]}"; do case "${p%%=*}" in COUNT|SENDERS) ;; *) printf '%s ' "$p";; esac; done;;
  esac
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' /; }

# Rosters for the presence scenario, made once per server (and storage): for Parley through the
# protocol (benchmarks' RosterSetup, against the running server), for Prosody in bulk (below).
# Users OFFSET+1..OFFSET+2*USERS.
ensure_rosters() {
  local server=$1 port=$2 users offset contacts mark
  users=$(param USERS 2500); offset=$(param OFFSET 20000); contacts=$(param CONTACTS 50)
  mark=$WORK/rosters-$server$([ "$server" = prosody ] || echo "-$STORE")-$((2 * users))x$contacts-from$offset.done
  [ -e "$mark" ] && return 0
  local start check=""; start=$(date +%s)
  if [ "$server" = prosody ]; then
    # Prosody rewrites a whole roster file per subscription change (about 20 a second here), so
    # its files are written in bulk, like its accounts, and then checked through the protocol.
    log "$server: rosters of $contacts contacts for $((2 * users)) users (once; written to its storage)"
    python3 "$HERE/tsung/prosody/gen_prosody_rosters.py" "$WORK/prosody/data" $DOMAIN $((2 * users)) "$contacts" "$offset" >&2
    check=--check
  else
    log "$server: rosters of $contacts contacts for $((2 * users)) users (once; through the protocol)"
  fi
  java -cp "$ROOT/benchmarks/target/benchmarks.jar" org.parley.benchmarks.RosterSetup "$port" $DOMAIN $((2 * users)) "$contacts" 8 "$offset" $check \
    | tee "$OUT/rosters-$server.txt" >&2
  grep -q "ROSTERS OK" "$OUT/rosters-$server.txt" || { log "$server: roster setup failed"; exit 1; }
  echo "roster setup: $(( $(date +%s) - start )) s" >> "$OUT/rosters-$server.txt"
  touch "$mark"
}

# Offline messages: no Tsung; benchmarks' OfflineFlood against the warmed-up server.
measure_offline() {
  local server=$1 port=$2 run=$OUT/$1-offline
  mkdir -p "$run"
  if [ "$server" = parley ]; then start_parley; else start_prosody; fi
  BENCH_OUT=$run "$HERE/tsung/run-scenario.sh" ${TSUNG_ID:+--tsung-id $TSUNG_ID} --scenario login --host 127.0.0.1 --port "$port" --domain $DOMAIN \
    --label warmup --nusers "$NUSERS" PHASES=100 STEP=10 > "$run/warmup.out" 2>&1 || true
  sleep 5
  log "$server: offline COUNT=$(param COUNT 10000) SENDERS=$(param SENDERS 4)$([ "$server" = prosody ] || echo " store=$STORE")"
  {
    echo "server=$server scenario=offline store=$([ "$server" = prosody ] && echo internal || echo $STORE) load_before=$(loadavg)"
    local pg0; pg0=$(pg_ticks)
    java -cp "$ROOT/benchmarks/target/benchmarks.jar" org.parley.benchmarks.OfflineFlood "$port" $DOMAIN "$SPID" \
      "$(param COUNT 10000)" "$(param SENDERS 4)" 26901 2>&1
    [ "$server" != parley ] || [ "$STORE" != postgres ] \
      || echo "POSTGRES: its processes used $(python3 -c "print(round(($(pg_ticks) - $pg0) / $(getconf CLK_TCK), 2))") s of CPU over the whole run (drain, store, delivery, check)"
    echo "load_after=$(loadavg) rss_kib=$(proc $SPID VmRSS)"
  } | tee "$run/offline.txt" >&2
  stop_server
  [ "$server" != parley ] || cp "$BASE/log/parley.log" "$run/parley.log"
}

# One scenario against one server: Tsung through the shared driver (it samples RSS, CPU and
# fds every 2 s), plus what the driver does not take: threads, and the heap after a full GC
# at rest and while every capacity session is held.
measure() {
  local server=$1 scen=$2 port=$3 run=$OUT/$1-$2 extra
  mkdir -p "$run"; extra=$run/extra.txt
  if [ "$server" = parley ]; then start_parley; else start_prosody; fi
  [ "$scen" != presence ] || ensure_rosters "$server" "$port"
  # Warm up before the baseline: the first thousand logins grow the JIT's code cache and the
  # JVM's native structures by tens of MiB, which are no session's memory.
  local -a warm=(PHASES=100 STEP=10)
  BENCH_OUT=$run "$HERE/tsung/run-scenario.sh" ${TSUNG_ID:+--tsung-id $TSUNG_ID} --scenario login --host 127.0.0.1 --port "$port" --domain $DOMAIN \
    --label warmup --nusers "$NUSERS" "${warm[@]}" > "$run/warmup.out" 2>&1 || true
  sleep 5
  {
    echo "server=$server scenario=$scen pid=$SPID load_before=$(loadavg)"
    echo "base_rss_kib=$(proc $SPID VmRSS)"
    [ "$server" = parley ] && echo "base_heap_kib=$(heap_used_kib $SPID)"
    echo "base_fds=$(ls /proc/$SPID/fd | wc -l)"
  } > "$extra"
  local -a args; read -r -a args <<< "$(scenario_args "$scen")"
  [ "$scen" = login ] && args+=("PHASES=$(param PHASES "100 200 300 400 500")")
  log "$server: $scen ${args[*]}"
  BENCH_OUT=$run "$HERE/tsung/run-scenario.sh" ${TSUNG_ID:+--tsung-id $TSUNG_ID} --scenario "$scen" --host 127.0.0.1 --port "$port" --domain $DOMAIN \
    --label tsung --pid "$SPID" --nusers "$NUSERS" "${args[@]}" > "$run/driver.out" 2>&1 &
  local driver=$! max_threads=0 max_rss=0 peak_taken=0 last_fds=0 stable=0
  [ "$server" != parley ] || echo -e "epoch\tjit_ticks" > "$run/jit.tsv"
  local sessions; sessions=$(param SESSIONS 18000)
  [ "$scen" != presence ] || sessions=$(param USERS 2500)
  while kill -0 $driver 2>/dev/null; do
    sleep 2
    [ -d /proc/$SPID ] || break
    [ "$server" != parley ] || echo -e "$(date +%s.%N)\t$(jit_ticks $SPID)" >> "$run/jit.tsv"
    local t fds rss; t=$(proc $SPID Threads); fds=$(ls /proc/$SPID/fd 2>/dev/null | wc -l); rss=$(proc $SPID VmRSS)
    [ "${t:-0}" -gt "$max_threads" ] && max_threads=$t
    [ "${rss:-0}" -gt "$max_rss" ] && max_rss=$rss
    if { [ "$scen" = capacity ] || [ "$scen" = presence ]; } && [ $peak_taken = 0 ]; then
      # All sessions are held together once the fd count stops rising; the parser gives its
      # buffers back after 10 s of quiet, so wait 15 s more before taking the heap.
      if [ "$fds" -gt 100 ] && [ "$fds" = "$last_fds" ]; then stable=$((stable + 1)); else stable=0; fi
      last_fds=$fds
      if [ $stable -ge 3 ] || [ "$fds" -ge "$sessions" ]; then
        sleep 15
        {
          echo "peak_fds=$(ls /proc/$SPID/fd | wc -l)"
          # RSS before the full GC that measuring the heap forces, which would shrink it
          echo "peak_rss_kib=$(proc $SPID VmRSS)"
          [ "$server" = parley ] && echo "peak_heap_kib=$(heap_used_kib $SPID)"
          echo "peak_threads=$(proc $SPID Threads)"
        } >> "$extra"
        peak_taken=1
      fi
    fi
  done
  wait $driver || true
  echo "max_threads=$max_threads load_after=$(loadavg)" >> "$extra"
  echo "max_rss_kib=$max_rss" >> "$extra"
  if [ "$HEAP" = shipped ] && [ -d /proc/$SPID ]; then
    # Load over: does the server give the memory back (G1's periodic collection, every 30 s)?
    sleep 75
    echo "after_rss_kib=$(proc $SPID VmRSS)" >> "$extra"
  fi
  stop_server
  if [ "$server" = parley ]; then
    cp "$BASE/log/parley.log" "$run/parley.log"
    grep -c ' WARN \| ERROR ' "$run/parley.log" | sed 's/^/server_warnings=/' >> "$extra" || true
    # Stanzas a failing interceptor refused (a policy fails closed), and work the shared pool refused.
    grep -c 'the stanza is refused' "$run/parley.log" | sed 's/^/stanzas_refused=/' >> "$extra" || true
    grep -c 'pool is full' "$run/parley.log" | sed 's/^/pool_full=/' >> "$extra" || true
  fi
}

trap 'kill $SPID 2>/dev/null || true; stop_pg' EXIT
for scen in $SCENARIOS; do
  if [ "$scen" = offline ]; then
    measure_offline parley $PORT
    [ -z "$PEER" ] || measure_offline prosody $PEER_PORT
    continue
  fi
  measure parley "$scen" $PORT
  [ -z "$PEER" ] || measure prosody "$scen" $PEER_PORT
done
{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "parley $(cd "$ROOT" && git describe --always --dirty 2>/dev/null) (storage $STORE), java $(java -version 2>&1 | head -1 | cut -d'"' -f2), heap $HEAP$([ "$HEAP" != shipped ] || echo " ($(grep -v '^#' "$BASE/etc/jvm.options" | grep . | tr '\n' ' '))"); tsung $(tsung -v | awk '{print $3}')$([ -z "$PEER" ] || echo ", prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null)")"
  python3 "$HERE/report.py" "$OUT" $(getconf CLK_TCK)
} | tee "$OUT/report.txt"
