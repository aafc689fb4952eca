#!/usr/bin/env bash
# Runs the Smack Integration Test Framework (sinttest 4.5.0-beta5) against the real distribution.
#
#   itests/sint/run.sh [-Dsinttest.KEY=VALUE ...]
#   e.g. itests/sint/run.sh -Dsinttest.enabledTests=MultiUserChatIntegrationTest
#   SINT_C2S_PORT=5222 itests/sint/run.sh   (if 5222 is free: also runs the tests that assume it)
#
# Needs runtime/target/parley (mvn -B -DskipTests package -pl runtime -am). Starts a temporary
# instance (PARLEY_BASE in a new directory) on the shipped defaults, except: loopback and free
# ports, and in-band registration (XEP-0077) on, which the framework uses to create its accounts.
# TLS stays required; the framework trusts only the instance's generated certificate.
# Output, the server log and the framework's summary land in itests/sint/target/run-<time>/.
# Exit code: the framework's (0 all passed, 2 some failed, 1 aborted).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dist=${PARLEY_DIST:-$root/runtime/target/parley}
[ -x "$dist/bin/parley" ] || { echo "sint: no distribution at $dist; build it first (mvn -B -DskipTests package -pl runtime -am)" >&2; exit 1; }

mvn -B -q ${SINT_MVN_OFFLINE--o} -f "$here/pom.xml" package
out=$here/target/run-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
base=$(mktemp -d "${TMPDIR:-/tmp}/parley-sint.XXXXXX")

# Four free loopback ports: STARTTLS, direct TLS, HTTPS console/API, metrics.
read -r c2s c2stls https metrics < <(python3 - <<'PY'
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
PY
)

mkdir -p "$base/etc"
cp "$dist"/defaults/etc/* "$base/etc/"
# set FILE KEY VALUE: replaces the key's line in an etc/*.cfg (keeping comments), or appends it.
set_key() {
  local f="$base/etc/$1"
  if grep -qE "^[[:space:]]*$2[[:space:]]*=" "$f"; then
    sed -i -E "s|^[[:space:]]*$2[[:space:]]*=.*|$2 = $3|" "$f"
  else
    echo "$2 = $3" >> "$f"
  fi
}
set_key org.parley.transport.cfg bindAddress 127.0.0.1
# SINT_C2S_PORT=5222: the framework's few tests that build their own connection (StreamManagementTest,
# the modular connection's low-level test) ignore the port SintMain gives the others and use 5222.
c2s=${SINT_C2S_PORT:-$c2s}
set_key org.parley.transport.cfg c2sPort "$c2s"
set_key org.parley.transport.cfg c2sTlsPort "$c2stls"
set_key org.parley.http.cfg bindAddress 127.0.0.1
set_key org.parley.http.cfg port "$https"
set_key org.parley.metrics.cfg bindAddress 127.0.0.1
set_key org.parley.metrics.cfg port "$metrics"
# The framework registers three fresh accounts per run and more for its low-level tests.
set_key org.parley.register.cfg accountCreation true
set_key org.parley.register.cfg allowNetworks 127.0.0.1
set_key org.parley.register.cfg maxPerAddress 100000
# The framework keeps one unauthenticated connection for registrations for the whole run; the
# shipped 60 s to authenticate (RFC 6120 lets a server close such a connection) would end it.
set_key org.parley.session.cfg authTimeoutSeconds 86400

domain=$(sed -n -E 's/^[[:space:]]*domain[[:space:]]*=[[:space:]]*//p' "$base/etc/org.parley.server.cfg")
PARLEY_BASE=$base "$dist/bin/parley" run > "$out/server-console.log" 2>&1 < /dev/null &
server=$!
stop() {
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  cp "$base/log/parley.log" "$out/parley.log" 2>/dev/null || true
  rm -rf "$base"
}
trap stop EXIT

for _ in $(seq 1 1200); do
  if grep -q "Listening for clients" "$base/log/parley.log" 2>/dev/null && [ -f "$base/data/tls/self-signed.crt" ]; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "sint: the server exited before it was ready; see $out/server-console.log" >&2; exit 1; }
  sleep 0.1
done
grep -q "Listening for clients" "$base/log/parley.log" || { echo "sint: the server was not ready within 120 s" >&2; exit 1; }
echo "sint: Parley for $domain on 127.0.0.1:$c2s (instance $base), output in $out"

mkdir -p "$base/sint-home"
# Also the JVM's default trust store: the framework's tests that build their own connection use it.
keytool -importcert -noprompt -alias parley -file "$base/data/tls/self-signed.crt" \
  -keystore "$base/sint-trust.p12" -storetype PKCS12 -storepass parley-sint > "$out/keytool.log" 2>&1 \
  || { echo "sint: keytool could not build the trust store; see $out/keytool.log" >&2; exit 1; }
set +e
java -Duser.home="$base/sint-home" \
  -Dparley.port="$c2s" -Dparley.certificate="$base/data/tls/self-signed.crt" \
  -Djavax.net.ssl.trustStore="$base/sint-trust.p12" -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=parley-sint \
  -Dsinttest.service="$domain" -Dsinttest.host=127.0.0.1 -Dsinttest.securityMode=required \
  -Dsinttest.defaultConnection=parley -Dsinttest.enabledConnections=parley -Dsinttest.dnsResolver=javax \
  -Dsinttest.replyTimeout=${SINT_REPLY_TIMEOUT:-15000} \
  "$@" \
  -cp "$here/target/classes:$(cat "$here/target/sint.classpath")" org.parley.sint.SintMain 2>&1 | tee "$out/sint.log"
rc=${PIPESTATUS[0]}
set -e
echo "sint: exit code $rc; output in $out"
exit "$rc"
