#!/usr/bin/env bash
# Idle memory with the shipped defaults: a new instance of the distribution under /tmp, started
# by bin/parley as an operator starts it (etc/jvm.options as shipped, plus any extra lines given),
# two accounts signed in over STARTTLS and left idle, and the process's RSS (VmRSS) at 60-300 s.
# Each sample is taken that many seconds after the start, whatever the machine's load.
#
# usage: itests/bench/idle/idle-rss.sh LABEL PORTBASE ['extra jvm.options lines, \n-separated'] [DIST]
#   PORTBASE and the four ports after it are used (c2s, components, direct TLS, metrics, https);
#   DIST defaults to runtime/target/parley. Prints one line: RSS per sample (MiB), threads and classes loaded at the end, WARN/ERROR
#   lines on the console, and the load average at the end. KEEP=1 leaves the server running.
#   WARM=SECONDS measures a second start instead: the first run (the two sessions signed in) is
#   stopped after SECONDS, as an operator's first run ends, and the samples are of the next start.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
label=$1; pb=$2; extra=${3:-}; dist=${4:-$HERE/../../../runtime/target/parley}
. "$HERE/instance.sh"
new_instance "/tmp/parley-idle-$label" "$pb" "$extra" "$dist"
if [ -n "${WARM:-}" ]; then
  # What an operator has from the second start on: a first run of WARM seconds with the two
  # sessions signed in, stopped cleanly (bin/parley writes its class-data archive then).
  start_server 1
  for u in idle1 idle2; do PARLEY_BASE=$base "$dist/bin/parley" user add $u@localhost "pw-$u" > /dev/null; done
  python3 "$HERE/idle-client.py" "$pb" idle1:pw-idle1 idle2:pw-idle2 > "$base/client-warm.log" 2>&1 &
  client=$!
  sleep "$WARM"
  kill $client; stopped=$(date +%s%N); kill $pid; wait $pid 2>/dev/null
  warm="warm=${WARM}s stop=$(( ($(date +%s%N) - stopped) / 1000000 ))ms"
  start=$(date +%s)
  start_server 2
  warm="$warm ready=$(( $(date +%s) - start ))s"
else
  start=$(date +%s)
  start_server 1
  for u in idle1 idle2; do PARLEY_BASE=$base "$dist/bin/parley" user add $u@localhost "pw-$u" > /dev/null; done
fi
python3 "$HERE/idle-client.py" "$pb" idle1:pw-idle1 idle2:pw-idle2 > "$base/client.log" 2>&1 &
client=$!
out=$label
for t in 60 90 120 150 180 240 300; do
  while [ $(( $(date +%s) - start )) -lt $t ]; do sleep 1; done
  out="$out t$t=$(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$pid/status)"
done
classes=$(jstat -class $pid | awk 'NR==2{print $1-$3}')
echo "$out ${warm:-} threads=$(ls /proc/$pid/task | wc -l) classes=$classes warn=$(grep -c 'WARN\|ERROR' "$base/console.log") client=$(head -1 "$base/client.log") load=$(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "${KEEP:-}" ] && { echo "kept: server $pid, client $client, base $base"; exit 0; }
kill $client; kill $pid; wait $pid 2>/dev/null
