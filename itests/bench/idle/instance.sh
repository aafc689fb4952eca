# Sourced by idle-rss.sh and flood-rss.sh: a fresh instance of the distribution for one measurement.
#
# new_instance BASE PORTBASE EXTRA DIST: BASE emptied and given DIST's shipped etc/, EXTRA
#   (\n-separated lines) appended to etc/jvm.options, and the listeners moved to PORTBASE (c2s),
#   +1 (components), +2 (direct TLS), +3 (metrics), +4 (https).
# start_server N: starts bin/parley on $base with $dist, sets $pid to the JVM (exec all the way
#   down: setsid, bin/parley), and waits until the console shows its Nth "Listening for clients".
new_instance() {
  base=$1; local pb=$2 extra=$3; dist=$4
  rm -rf "$base"; mkdir -p "$base/etc"
  cp -r "$dist"/defaults/etc/* "$base/etc/"
  [ -n "$extra" ] && printf "%b\n" "$extra" >> "$base/etc/jvm.options"
  sed -i "s/^port *=.*/port = $((pb+1))/" "$base/etc/org.parley.components.cfg"
  sed -i "s/^port *=.*/port = $((pb+3))/" "$base/etc/org.parley.metrics.cfg"
  sed -i "s/^port *=.*/port = $((pb+4))/" "$base/etc/org.parley.http.cfg"
  sed -i "s/^c2sPort *=.*/c2sPort = $pb/; s/^c2sTlsPort *=.*/c2sTlsPort = $((pb+2))/" "$base/etc/org.parley.transport.cfg"
}

start_server() {
  PARLEY_BASE=$base setsid "$dist/bin/parley" >> "$base/console.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do [ "$(grep -c "Listening for clients" "$base/console.log" 2>/dev/null)" -ge "$1" ] && break; sleep 1; done
}
