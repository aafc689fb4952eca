#!/usr/bin/env bash
# Memory during a flood toward a reader that stopped reading, with the shipped defaults: a new
# instance of the distribution under /tmp started by bin/parley (etc/jvm.options as shipped, plus
# any extra lines given), five accounts, a first run of 30 s stopped cleanly (so the class-data
# archive is written) and a second start, as an operator's server runs from its second start on.
# Then the benchmarks module's StalledReaderFlood: user1 signs in with a 16 KiB receive buffer and
# never reads again, user2-user5 send it 1 GiB of 16 KiB headlines over TLS; it prints the
# process's RSS before, at the highest during the flood, and every 10 s for AFTER seconds after.
#
# usage: itests/bench/idle/flood-rss.sh LABEL PORTBASE ['extra jvm.options lines, \n-separated'] [DIST]
#   PORTBASE and the four ports after it are used; DIST defaults to runtime/target/parley.
#   AFTER=SECONDS (default 75: the shipped periodic collection runs after 30 s without one, the
#   native trim every 30 s). NMT=1 also samples `jcmd VM.native_memory summary` every 3 s into
#   the instance's nmt.log (give -XX:NativeMemoryTracking=summary as an extra line).
# Needs benchmarks/target/benchmarks.jar (mvn -pl benchmarks -am package). Run it under the bench
# lock: flock /tmp/parley-bench.lock itests/bench/idle/flood-rss.sh ...
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
label=$1; pb=$2; extra=${3:-}; dist=${4:-$HERE/../../../runtime/target/parley}
jar=$HERE/../../../benchmarks/target/benchmarks.jar
. "$HERE/instance.sh"
new_instance "/tmp/parley-flood-$label" "$pb" "$extra" "$dist"
start_server 1
for u in 1 2 3 4 5; do PARLEY_BASE=$base "$dist/bin/parley" user add "user$u@localhost" "pass$u" > /dev/null; done
sleep 30; kill $pid; wait $pid 2>/dev/null
start_server 2
sleep 20
if [ -n "${NMT:-}" ]; then
  ( while kill -0 $pid 2>/dev/null; do
      echo "=== $(date +%T) rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)"
      jcmd $pid VM.native_memory summary 2>/dev/null | grep -E '^-|^Total'; sleep 3
    done ) > "$base/nmt.log" 2>&1 &
fi
echo "$label start $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar" org.parley.benchmarks.StalledReaderFlood "$pb" localhost "$pid" 1024 4 "${AFTER:-75}"
echo "$label end $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg) warn=$(grep -c 'WARN\|ERROR' "$base/console.log")"
kill $pid; wait $pid 2>/dev/null
