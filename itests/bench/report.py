#!/usr/bin/env python3
"""One table of figures from a run.sh result directory.

usage: report.py OUT_DIR CLK_TCK

OUT_DIR holds one directory per server and scenario (parley-capacity, prosody-login, ...), each
with extra.txt (run.sh's samples: heap after GC, threads, RSS at rest and at the peak) and
tsung/ (the shared driver's output: server_samples.tsv every 2 s and Tsung's tsung.log, whose
stats are dumped every 10 s).
"""
import glob
import os
import sys

out_dir, hz = sys.argv[1], int(sys.argv[2])
SERVERS = ['parley', 'prosody']
SCENARIOS = ['capacity', 'throughput', 'login', 'presence', 'muc', 'carbons']


def read_extra(path):
    values = {}
    with open(path) as f:
        for line in f:
            for word in line.split():
                if '=' in word:
                    k, v = word.split('=', 1)
                    values[k] = v
    return values


def read_dumps(run):
    """[(epoch, {stat: [fields]})]: samples have 7 fields (n, mean, sd, max, min, mean_all, n_all),
    counters 2 (n, total)."""
    logs = glob.glob(os.path.join(run, 'tsung', 'tsung', '*', 'tsung.log'))
    dumps = []
    if not logs:
        return dumps
    with open(logs[0]) as f:
        for line in f:
            if line.startswith('# stats: dump at'):
                dumps.append((int(line.split()[-1]), {}))
            elif line.startswith('stats:') and dumps:
                parts = line.split()
                dumps[-1][1][parts[1]] = [float(x) for x in parts[2:]]
    return dumps


def read_samples(run):
    rows = []
    path = os.path.join(run, 'tsung', 'server_samples.tsv')
    if os.path.exists(path):
        with open(path) as f:
            next(f)
            for line in f:
                v = line.split('\t')
                if len(v) >= 7:
                    rows.append([float(x) for x in v])
    return rows


class Run:
    def __init__(self, path):
        self.path = path
        self.extra = read_extra(os.path.join(path, 'extra.txt'))
        self.dumps = read_dumps(path)
        self.samples = read_samples(path)
        self.jit = []   # [epoch, CPU ticks of the JIT compiler threads] every 2 s (Parley only)
        if os.path.exists(os.path.join(path, 'jit.tsv')):
            with open(os.path.join(path, 'jit.tsv')) as f:
                next(f)
                self.jit = [[float(x) for x in line.split()] for line in f if len(line.split()) == 2]

    def x(self, key):
        v = self.extra.get(key)
        return float(v) if v not in (None, '') else None

    def cpu(self, t0, t1, col):
        """Cores used between t0 and t1 (column 2: server, 4: Tsung), from the samples around them."""
        before = [s for s in self.samples if s[0] <= t0]
        after = [s for s in self.samples if s[0] >= t1]
        if not before or not after or after[0][0] <= before[-1][0]:
            return None
        a, b = before[-1], after[0]
        return (b[col] - a[col]) / hz / (b[0] - a[0])

    def jit_cpu(self, t0, t1):
        """Cores the JIT compiler threads used between t0 and t1, from the 2 s samples around them."""
        before = [s for s in self.jit if s[0] <= t0]
        after = [s for s in self.jit if s[0] >= t1]
        if not before or not after or after[0][0] <= before[-1][0]:
            return None
        a, b = before[-1], after[0]
        return max(0.0, b[1] - a[1]) / hz / (b[0] - a[0])

    def busy(self, t0, t1):
        before = [s for s in self.samples if s[0] <= t0]
        after = [s for s in self.samples if s[0] >= t1]
        if not before or not after:
            return None
        a, b = before[-1], after[0]
        return (b[5] - a[5]) / max(1, b[6] - a[6])

    def intervals(self):
        """(start, end, stats of that 10 s interval) for each Tsung dump."""
        prev = None
        for t, d in self.dumps:
            yield (prev if prev is not None else t - 10), t, d
            prev = t

    def last(self, name):
        return self.dumps[-1][1].get(name) if self.dumps else None

    def errors(self):
        if not self.dumps:
            return None
        return int(sum(v[1] for k, v in self.dumps[-1][1].items() if k.startswith('error_') and len(v) == 2))


def n_of(stats, name):
    v = stats.get(name)
    return v[0] if v else 0


def fmt(v, digits=0, unit=''):
    if v is None:
        return '-'
    return f'{v:,.{digits}f}{unit}'


def capacity(r):
    held = max((int(d.get('connected', [0, 0])[1]) for _, d in r.dumps), default=0)
    auth = r.last('tr_authenticate')
    rss = heap = None
    if held and r.x('peak_rss_kib') is not None:
        rss = (r.x('peak_rss_kib') - r.x('base_rss_kib')) / held
    if held and r.x('peak_heap_kib') is not None:
        heap = (r.x('peak_heap_kib') - r.x('base_heap_kib')) / held
    login_cpu, logins, tsung = 0.0, 0, []
    for t0, t1, d in r.intervals():
        n = n_of(d, 'tr_authenticate')
        c = r.cpu(t0, t1, 2)
        if n and c is not None:
            login_cpu += c * (t1 - t0)
            logins += n
            tsung.append(r.cpu(t0, t1, 4))
    tsung = [t for t in tsung if t is not None]
    return [
        ('sessions held at once', fmt(held)),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('mean authentication during the ramp', fmt(auth[5] if auth else None, 1, ' ms')),
        ('RSS growth per session', fmt(rss, 1, ' KiB')),
        ('heap growth per session, after full GC', fmt(heap, 1, ' KiB')),
        ('memory per session (RSS + heap growth)', fmt((rss or 0) + heap, 1, ' KiB') if heap is not None else fmt(rss, 1, ' KiB')),
        ('RSS at rest / with all sessions', f"{fmt(r.x('base_rss_kib') / 1024 if r.x('base_rss_kib') else None)} / "
                                            f"{fmt(r.x('peak_rss_kib') / 1024 if r.x('peak_rss_kib') else None)} MiB"),
        ('RSS: highest 2-s sample / 75 s after the load', f"{fmt(r.x('max_rss_kib') / 1024 if r.x('max_rss_kib') else None)} / "
                                                        f"{fmt(r.x('after_rss_kib') / 1024 if r.x('after_rss_kib') else None)} MiB"),
        ('heap after GC at rest / with all sessions', f"{fmt(r.x('base_heap_kib') / 1024 if r.x('base_heap_kib') else None, 1)} / "
                                                      f"{fmt(r.x('peak_heap_kib') / 1024 if r.x('peak_heap_kib') else None, 1)} MiB"),
        ('server CPU per login during the ramp', fmt(login_cpu / logins * 1000 if logins else None, 2, ' ms')),
        ('Tsung CPU during the ramp', fmt(sum(tsung) / len(tsung) * 100 if tsung else None, 0, ' % of a core')),
        ('threads / file descriptors at peak', f"{fmt(r.x('peak_threads'))} / {fmt(r.x('peak_fds'))}"),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
    ]


def throughput(r):
    msgs, secs, lat_sum, cpu_s, tsung_s, busy = 0, 0.0, 0.0, 0.0, 0.0, []
    peak = max((n_of(d, 'xmpp_msg_latency') for _, d in r.dumps), default=0)
    for t0, t1, d in r.intervals():
        n = n_of(d, 'xmpp_msg_latency')
        # steady state only: nobody logging in, and not the ramp up or the drain at the end
        # (intervals at under half the busiest one's count)
        if n and n >= peak / 2 and not n_of(d, 'tr_authenticate'):
            c, ts = r.cpu(t0, t1, 2), r.cpu(t0, t1, 4)
            if c is None:
                continue
            msgs += n
            secs += t1 - t0
            lat_sum += n * d['xmpp_msg_latency'][1]
            cpu_s += c * (t1 - t0)
            tsung_s += (ts or 0) * (t1 - t0)
            busy.append(r.busy(t0, t1))
    lat = r.last('xmpp_msg_latency')
    busy = [b for b in busy if b is not None]
    return [
        ('messages delivered (all)', fmt(lat[6] if lat else None)),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('delivered per second, steady state', fmt(msgs / secs if secs else None)),
        ('mean latency, steady state', fmt(lat_sum / msgs if msgs else None, 2, ' ms')),
        ('max latency (all)', fmt(lat[3] if lat else None, 1, ' ms')),
        ('server CPU per delivered message', fmt(cpu_s / msgs * 1e6 if msgs else None, 0, ' µs')),
        ('  of which the JIT compiler threads', pct(jit_share(r, lambda d: n_of(d, 'xmpp_msg_latency') >= peak / 2
                                                                      and n_of(d, 'xmpp_msg_latency') and not n_of(d, 'tr_authenticate')))),
        ('server CPU, steady state', fmt(cpu_s / secs * 100 if secs else None, 0, ' % of a core')),
        ('Tsung CPU, steady state', fmt(tsung_s / secs * 100 if secs else None, 0, ' % of a core')),
        ('machine busy, steady state', fmt(sum(busy) / len(busy) * 100 if busy else None, 0, ' % of 2 cores')),
        ('threads at most', fmt(r.x('max_threads'))),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
    ]


def login_steps(r):
    steps = []
    for t0, t1, d in r.intervals():
        n = n_of(d, 'tr_authenticate')
        c = r.cpu(t0, t1, 2)
        if n and c is not None:
            steps.append((n / (t1 - t0), d['tr_authenticate'][1], c * (t1 - t0) / n * 1000, c, r.cpu(t0, t1, 4)))
    return steps


def login(r):
    steps = login_steps(r)
    ok = [s for s in steps if s[1] < 100]
    best = max(ok, key=lambda s: s[0]) if ok else None
    busy = [s for s in steps if s[0] >= 50]
    per_login = sorted(s[2] for s in busy)
    return [
        ('logins', fmt(sum(int(n_of(d, 'tr_authenticate')) for _, d in r.dumps))),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('most logins/s in a 10 s step with mean auth < 100 ms', fmt(best[0] if best else None)),
        ('  mean auth at that rate', fmt(best[1] if best else None, 1, ' ms')),
        ('server CPU per login (median of steps >= 50/s)', fmt(per_login[len(per_login) // 2] if per_login else None, 2, ' ms')),
        ('threads at most', fmt(r.x('max_threads'))),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
    ]


def effective(r):
    """The scenario's parameters with run-scenario.sh's defaults filled in (presence, muc)."""
    values = {}
    for line in open(os.path.join(r.path, 'tsung', 'summary.txt')):
        if line.startswith('effective:'):
            values = dict(w.split('=', 1) for w in line.split()[1:])
    return values


def window(r, select):
    """Sums over the 10 s intervals that select(stats) keeps: seconds, server CPU s, Tsung CPU s, busy."""
    secs, cpu_s, tsung_s, busy = 0.0, 0.0, 0.0, []
    for t0, t1, d in r.intervals():
        if not select(d):
            continue
        c, ts = r.cpu(t0, t1, 2), r.cpu(t0, t1, 4)
        if c is None:
            continue
        secs += t1 - t0
        cpu_s += c * (t1 - t0)
        tsung_s += (ts or 0) * (t1 - t0)
        busy.append(r.busy(t0, t1))
    busy = [b for b in busy if b is not None]
    return secs, cpu_s, tsung_s, (sum(busy) / len(busy) if busy else None)


def jit_share(r, select):
    """The JIT compiler threads' share of the server's CPU over the intervals select keeps."""
    cpu_s = jit_s = 0.0
    for t0, t1, d in r.intervals():
        if select(d):
            c, j = r.cpu(t0, t1, 2), r.jit_cpu(t0, t1)
            if c is not None and j is not None:
                cpu_s += c * (t1 - t0)
                jit_s += j * (t1 - t0)
    return jit_s / cpu_s if cpu_s else None


def pct(v):
    return '-' if v is None else f'{v * 100:.0f} %'


def total(r, name):
    return sum(n_of(d, name) for _, d in r.dumps)


def loads(r):
    return f"{r.extra.get('load_before', '-')} → {r.extra.get('load_after', '-')}"


def presence(r):
    e = effective(r)
    fanout = int(e.get('CONTACTS', 50)) // 2 + 1   # the online half of the contacts, and the user's own resource
    held = max((int(d.get('connected', [0, 0])[1]) for _, d in r.dumps), default=0)
    rss = heap = None
    if held and r.x('peak_rss_kib') is not None:
        rss = (r.x('peak_rss_kib') - r.x('base_rss_kib')) / held
    if held and r.x('peak_heap_kib') is not None:
        heap = (r.x('peak_heap_kib') - r.x('base_heap_kib')) / held
    logins = total(r, 'tr_authenticate')
    _, login_cpu, _, _ = window(r, lambda d: n_of(d, 'tr_authenticate') and not n_of(d, 'tr_update'))
    updates, delivered = 0, 0.0
    peak = max((n_of(d, 'tr_update') for _, d in r.dumps), default=0)
    users = int(e.get('USERS', 2500))

    def steady(d):
        return n_of(d, 'tr_update') >= peak / 2 and not n_of(d, 'tr_authenticate')
    prev_online = None
    for _, _, d in r.intervals():
        online = int(d.get('connected', [0, 0])[1])
        if steady(d):
            n = n_of(d, 'tr_update')
            updates += n
            # users who are done leave while others still change their presence: a change
            # reaches the contacts still online (each online with the share still connected
            # during the interval) and the user's own resource
            share = ((prev_online if prev_online is not None else online) + online) / 2 / users
            delivered += n * (1 + (fanout - 1) * min(1.0, share))
        prev_online = online
    secs, cpu_s, tsung_s, busy = window(r, steady)
    auth, roster = r.last('tr_authenticate'), r.last('tr_roster')
    return [
        ('online users held at once', fmt(held)),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('mean authentication / roster get (50 items) during the ramp', f"{fmt(auth[5] if auth else None, 1)} / {fmt(roster[5] if roster else None, 1)} ms"),
        ('heap growth per online user with its roster, after full GC', fmt(heap, 1, ' KiB')),
        ('RSS growth per online user', fmt(rss, 1, ' KiB')),
        ('server CPU per login (TLS, PLAIN, roster, presence fan-out and probes)', fmt(login_cpu / logins * 1000 if logins else None, 2, ' ms')),
        ('presence changes, steady state (per second)', f"{fmt(updates)} ({fmt(updates / secs if secs else None)}/s)"),
        (f'presences delivered per second (up to {fanout} a change: online contacts + own resource)', fmt(delivered / secs if secs else None)),
        ('server CPU per delivered presence', fmt(cpu_s / delivered * 1e6 if delivered else None, 1, ' µs')),
        ('server CPU, steady state', fmt(cpu_s / secs * 100 if secs else None, 0, ' % of a core')),
        ('Tsung CPU / machine busy, steady state', f"{fmt(tsung_s / secs * 100 if secs else None, 0)} % of a core / {fmt(busy * 100 if busy is not None else None, 0)} % of 2 cores"),
        ('RSS at rest / with all online', f"{fmt(r.x('base_rss_kib') / 1024 if r.x('base_rss_kib') else None)} / "
                                          f"{fmt(r.x('peak_rss_kib') / 1024 if r.x('peak_rss_kib') else None)} MiB"),
        ('load average (1/5/15 min) before → after', loads(r)),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
        ('stanzas refused by a failing interceptor / work refused by a full worker pool (log lines)',
         f"{fmt(r.x('stanzas_refused'))} / {fmt(r.x('pool_full'))}"),
    ]


def muc_phases(r, e):
    """Whole phases, for when Tsung's 10-s intervals stretch on a starved machine: server CPU and
    the JIT's share from T0 to T1 (warm-up round) and from T1 to the end of the measured round
    plus 10 s, over every copy the round offers (speakers x messages x occupants)."""
    import re
    xml = open(os.path.join(r.path, 'tsung', 'scenario.xml')).read()
    marks = [int(x) for x in re.findall(r'max\(1, (\d+) - ', xml)]
    msgs, think = int(e.get('MSGS', 3)), int(e.get('THINK', 25))
    copies = int(e.get('SPEAKERS', 0)) * msgs * int(e.get('SIZE', 100))
    if len(marks) < 2 or not copies:
        return None, None
    t0, t1 = marks[0], marks[1]
    out = []
    for a, b in ((t0, t1), (t1, t1 + 2 * msgs * think + 10)):
        c, j = r.cpu(a, b, 2), r.jit_cpu(a, b)
        if c is None or a == b:
            out.append('-')
            continue
        jit = f', JIT {j / c * 100:.0f} %' if j is not None and c else ''
        out.append(f'{c * (b - a) / copies * 1e6:.1f} µs{jit}')
    return out[0] if t1 > t0 else 'no warm-up', out[1]


def muc(r):
    e = effective(r)
    warm_phase, measured_phase = muc_phases(r, e)
    size = int(e.get('SIZE', 100))
    sent_all = total(r, 'tr_groupchat')
    peak = max((n_of(d, 'tr_groupchat') for _, d in r.dumps), default=0)

    def steady(d):
        # the measured round only: not the warm-up round's intervals (nor logins, nor joins)
        return (peak and n_of(d, 'tr_groupchat') >= peak / 2 and not n_of(d, 'tr_authenticate') and not n_of(d, 'tr_join')
                and not n_of(d, 'tr_warmup'))
    sent, lat_n, lat_sum = 0, 0, 0.0
    for _, _, d in r.intervals():
        if steady(d):
            sent += n_of(d, 'tr_groupchat')
            n = n_of(d, 'xmpp_msg_latency')
            if n:
                lat_n += n
                lat_sum += n * d['xmpp_msg_latency'][1]
    secs, cpu_s, tsung_s, busy = window(r, steady)
    copies = sent * size
    joins = total(r, 'tr_join')
    join = r.last('tr_join')
    # the joiners' intervals: their logins and joins, after the last groupchat message
    last_chat = max((t1 for _, t1, d in r.intervals() if n_of(d, 'tr_groupchat')), default=0)
    join_cpu = 0.0
    for t0, t1, d in r.intervals():
        if t0 >= last_chat and (n_of(d, 'tr_join') or n_of(d, 'tr_authenticate')):
            c = r.cpu(t0, t1, 2)
            join_cpu += (c or 0) * (t1 - t0)
    lat = r.last('xmpp_msg_latency')
    return [
        ('rooms x occupants', f"{e.get('ROOMS')} x {size}"),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('groupchat messages sent (all)', fmt(sent_all)),
        ('copies delivered per second, steady state (sent x occupants)', fmt(copies / secs if secs else None)),
        ('latency samples received (all)', fmt(lat[6] if lat else None)),
        ('mean latency, steady state', fmt(lat_sum / lat_n if lat_n else None, 1, ' ms')),
        ('server CPU per delivered copy', fmt(cpu_s / copies * 1e6 if copies else None, 1, ' µs')),
        ('  of which the JIT compiler threads', pct(jit_share(r, steady))),
        ('server CPU per copy offered, whole measured round (+10 s)', measured_phase or '-'),
        ('the warm-up round before it (not counted above), per copy offered', warm_phase or '-'),
        ('server CPU, steady state', fmt(cpu_s / secs * 100 if secs else None, 0, ' % of a core')),
        ('Tsung CPU / machine busy, steady state', f"{fmt(tsung_s / secs * 100 if secs else None, 0)} % of a core / {fmt(busy * 100 if busy is not None else None, 0)} % of 2 cores"),
        ('joins of room 0 after the messages (20 of history)', fmt(joins)),
        ('join time to the subject: mean / max', f"{fmt(join[5] if join else None, 0)} / {fmt(join[3] if join else None, 0)} ms"),
        ('server CPU per joiner (its login, then the join)', fmt(join_cpu / joins * 1000 if joins else None, 1, ' ms')),
        ('load average (1/5/15 min) before → after', loads(r)),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
    ]


def carbons(r):
    peak = max((n_of(d, 'tr_chat') for _, d in r.dumps), default=0)

    def steady(d):
        return n_of(d, 'tr_chat') >= peak / 2 and not n_of(d, 'tr_authenticate')
    sent, lat_n, lat_sum = 0, 0, 0.0
    for _, _, d in r.intervals():
        if steady(d):
            sent += n_of(d, 'tr_chat')
            n = n_of(d, 'xmpp_msg_latency')
            if n:
                lat_n += n
                lat_sum += n * d['xmpp_msg_latency'][1]
    secs, cpu_s, tsung_s, busy = window(r, steady)
    lat = r.last('xmpp_msg_latency')
    return [
        ('messages sent (all)', fmt(total(r, 'tr_chat'))),
        ('errors (Tsung error_* counters)', fmt(r.errors())),
        ('messages sent per second, steady state', fmt(sent / secs if secs else None)),
        ('latency samples received, steady state (per message sent)', f"{fmt(lat_n)} ({fmt(lat_n / sent if sent else None, 2)})"),
        ('mean latency, steady state', fmt(lat_sum / lat_n if lat_n else None, 2, ' ms')),
        ('server CPU per message sent (3 copies: 2 to the recipient, 1 sent carbon)', fmt(cpu_s / sent * 1e6 if sent else None, 0, ' µs')),
        ('server CPU per copy delivered', fmt(cpu_s / (3 * sent) * 1e6 if sent else None, 0, ' µs')),
        ('server CPU, steady state', fmt(cpu_s / secs * 100 if secs else None, 0, ' % of a core')),
        ('Tsung CPU / machine busy, steady state', f"{fmt(tsung_s / secs * 100 if secs else None, 0)} % of a core / {fmt(busy * 100 if busy is not None else None, 0)} % of 2 cores"),
        ('load average (1/5/15 min) before → after', loads(r)),
        ('WARN/ERROR lines in the server log', fmt(r.x('server_warnings'))),
    ]


def table(title, rows_by_server):
    servers = [s for s in SERVERS if s in rows_by_server]
    labels = [label for label, _ in rows_by_server[servers[0]]]
    width = max(len(l) for l in labels)
    print(f'\n## {title}\n')
    print(f"| {'':{width}} | " + ' | '.join(servers) + ' |')
    print(f"|{'-' * (width + 2)}|" + '|'.join('---' for _ in servers) + '|')
    for i, label in enumerate(labels):
        print(f'| {label:{width}} | ' + ' | '.join(rows_by_server[s][i][1] for s in servers) + ' |')


FIGURES = {'capacity': capacity, 'throughput': throughput, 'login': login, 'presence': presence, 'muc': muc, 'carbons': carbons}
for scen in SCENARIOS:
    rows = {}
    runs = {}
    for server in SERVERS:
        path = os.path.join(out_dir, f'{server}-{scen}')
        if os.path.isdir(path):
            runs[server] = Run(path)
            rows[server] = FIGURES[scen](runs[server])
    if not rows:
        continue
    params = open(glob.glob(os.path.join(out_dir, f'*-{scen}', 'tsung', 'summary.txt'))[0]).readline().strip()
    table(f'{scen} ({params})', rows)
    if scen == 'login':
        for server, r in runs.items():
            print(f'\n{server}, each 10 s step: logins/s, mean auth ms, server CPU ms/login, server cores, Tsung cores')
            for s in login_steps(r):
                print(f'  {s[0]:7.1f}/s {s[1]:8.1f} ms {s[2]:7.2f} ms {s[3]:5.2f} {fmt(s[4], 2):>5}')
for path in sorted(glob.glob(os.path.join(out_dir, '*-offline', 'offline.txt'))):
    print(f'\n## offline ({os.path.basename(os.path.dirname(path))})\n')
    print(open(path).read().strip())
for path in sorted(glob.glob(os.path.join(out_dir, 'rosters-*.txt'))):
    print(f'\n{os.path.basename(path)}: ' + ' | '.join(l.strip() for l in open(path) if 'done' in l or 'ROSTERS' in l or 'setup' in l))
imp = os.path.join(out_dir, 'import.txt')
if os.path.exists(imp):
    print('\naccount import (bin/parley user import --hashed): ' + open(imp).read().strip())
