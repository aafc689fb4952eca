#!/usr/bin/python3
"""Relay lines between standard input and an XMPP user, as an external component (XEP-0114).

The way to bridge another system into Parley: that system writes lines to this program's standard
input, and each line reaches the user as a chat message from bot@<component domain>. Messages
users send to any address at the component's domain are printed on standard output as
``<from>\t<to>\t<body>`` lines, for the other system to read.

Standard input lines: ``text`` goes to the default user (--to); ``@user@example.org text`` goes
to that user instead.

Needs slixmpp (Debian: apt-get install python3-slixmpp). Run it with the component's domain and
secret as configured in Parley's etc/org.parley.components.cfg:

    /usr/bin/python3 relay.py --domain relay.example.org --secret SECRET --to alice@example.org

The secret can also come from the PARLEY_COMPONENT_SECRET environment variable, which keeps it out
of the process list. The program reconnects by itself when the connection drops (a server
restart, an upgrade of the components bundle); Parley holds the stanzas meanwhile.
"""

import argparse
import asyncio
import logging
import os
import sys

from slixmpp.componentxmpp import ComponentXMPP


class Relay(ComponentXMPP):
    def __init__(self, domain, secret, host, port, default_to, sender):
        super().__init__(domain, secret, host, port)
        self.default_to = default_to
        self.sender = f"{sender}@{domain}"
        self.ready = False
        self.refused = None
        self.stopping = False
        self.finished = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("stream_error", self.on_stream_error)
        self.add_event_handler("disconnected", self.on_disconnected)

    async def on_start(self, _event):
        self.ready = True
        # Tell whoever drives this program (a test, a supervisor) that it is connected.
        print("READY", flush=True)

    def on_stream_error(self, error):
        condition = error["condition"]
        # Refusals a retry cannot fix: a wrong secret or domain, or another instance took over.
        if condition in ("not-authorized", "host-unknown", "conflict", "invalid-from", "improper-addressing",
                         "invalid-namespace", "policy-violation"):
            self.refused = condition
        print(f"STREAM-ERROR\t{condition}", flush=True)

    def on_disconnected(self, _event):
        self.ready = False
        print("DISCONNECTED", flush=True)
        if self.stopping or self.refused:
            if not self.finished.done():
                self.finished.set_result(2 if self.refused else 0)
            return
        # Parley closed the stream for a restart or an upgrade, or the network failed: come back.
        asyncio.get_event_loop().call_later(1.0, self.connect)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal", ""):
            body = msg["body"].replace("\n", " ")
            print(f"{msg['from']}\t{msg['to']}\t{body}", flush=True)

    def relay(self, line):
        to = self.default_to
        if line.startswith("@"):
            to, _, line = line[1:].partition(" ")
        if not to:
            print("ERROR\tno recipient: give --to or start the line with @user", flush=True)
            return
        self.send_message(mto=to, mfrom=self.sender, mbody=line, mtype="chat")


async def read_stdin(relay):
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode("utf-8").rstrip("\r\n")
        if line:
            # slixmpp queues what is sent while the connection is down and sends it after reconnecting
            relay.relay(line)
    relay.stopping = True
    relay.disconnect()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--domain", required=True, help="the component's domain, as configured in Parley")
    p.add_argument("--secret", default=os.environ.get("PARLEY_COMPONENT_SECRET"), help="the component's secret")
    p.add_argument("--host", default="127.0.0.1", help="Parley's component listener (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5347, help="Parley's component port (default 5347)")
    p.add_argument("--to", default=None, help="the user who gets lines that name nobody")
    p.add_argument("--sender", default="bot", help="the local part the messages come from (default bot)")
    p.add_argument("--debug", action="store_true")
    args = p.parse_args()
    if not args.secret:
        p.error("give --secret or set PARLEY_COMPONENT_SECRET")
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, stream=sys.stderr)

    relay = Relay(args.domain, args.secret, args.host, args.port, args.to, args.sender)
    relay.connect()
    loop = asyncio.get_event_loop()
    loop.create_task(read_stdin(relay))
    code = loop.run_until_complete(relay.finished)
    if relay.refused:
        print(f"refused by the server: {relay.refused}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
