#!/usr/bin/env python3
"""Bulk-write Prosody rosters for the presence scenario: users user(OFFSET+1)..user(OFFSET+N) each
get CONTACTS contacts, subscribed both ways, written to data/<host>/roster/<user>.dat as Prosody's
rostermanager stores them (internal storage). The same contacts as benchmarks' RosterSetup
(RosterSetup.contacts), which makes them through the protocol for Parley: Prosody 0.12 rewrites
the whole roster file on every subscription change, about 20 changes a second on this machine,
so the protocol path would take hours for 5,000 users.

usage: gen_prosody_rosters.py DATA_DIR HOST N [CONTACTS [OFFSET]]"""
import os, sys

data, host, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = int(sys.argv[4]) if len(sys.argv) > 4 else 50
offset = int(sys.argv[5]) if len(sys.argv) > 5 else 0


def contacts(u):
    """RosterSetup.contacts: two circulant halves, and a band between them."""
    h, d = n // 2, c // 2
    first = u <= h
    a = u - 1 if first else u - 1 - h
    base, other = (0, h) if first else (h, 0)
    out = []
    for k in range(1, d // 2 + 1):
        out.append(base + (a + k) % h + 1)
        out.append(base + (a - k) % h + 1)
    if d % 2 == 1:
        out.append(base + (a + h // 2) % h + 1)
    for k in range(d):
        out.append(other + ((a + k) if first else (a - k)) % h + 1)
    return out


d = os.path.join(data, host.replace('.', '%2e'), 'roster')
os.makedirs(d, exist_ok=True)
for u in range(1, n + 1):
    items = ''.join('\t["user%d@%s"] = {\n\t\t["groups"] = {};\n\t\t["subscription"] = "both";\n\t};\n' % (offset + v, host)
                    for v in contacts(u))
    with open(os.path.join(d, 'user%d.dat' % (offset + u)), 'w') as f:
        f.write('return {\n\t[false] = {\n\t\t["version"] = 1;\n\t\t["pending"] = {};\n\t};\n' + items + '};\n')
print('wrote', n, 'rosters of', c, 'contacts in', d)
