#!/usr/bin/env python3
"""Holds signed-in XMPP sessions idle until killed: STARTTLS, SASL PLAIN, bind, roster get,
initial presence, then a whitespace keepalive a minute. usage: idle-client.py PORT user:password..."""
import base64, re, socket, ssl, sys, time

port = int(sys.argv[1])
HEADER = (b"<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")

def read_until(s, pattern):
    buf = b''
    while not re.search(pattern, buf):
        data = s.recv(65536)
        if not data:
            raise SystemExit('closed: %r' % buf)
        buf += data
    return buf

sessions = []
for account in sys.argv[2:]:
    user, password = account.split(':', 1)
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(HEADER); read_until(s, rb'</stream:features>')
    s.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"); read_until(s, rb'<proceed')
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(s, server_hostname='localhost')
    s.sendall(HEADER); read_until(s, rb'</stream:features>')
    token = base64.b64encode(b'\0' + user.encode() + b'\0' + password.encode()).decode()
    s.sendall(("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>" % token).encode())
    if b'<success' not in read_until(s, rb'<success|<failure'):
        raise SystemExit('sign-in failed for ' + user)
    s.sendall(HEADER); read_until(s, rb'</stream:features>')
    s.sendall(b"<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>idle</resource></bind></iq>")
    read_until(s, rb"id=.b.")
    s.sendall(b"<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq><presence/>")
    sessions.append(s)
print('connected', len(sessions), flush=True)
while True:
    time.sleep(60)
    for s in sessions:
        s.sendall(b' ')
