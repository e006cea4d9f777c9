#!/usr/bin/python3
"""bench/webrtc-latency.py PCAP --in PORT[,PORT] [--out PORT[,PORT]]   |   webrtc-latency.py --selftest

Latency a WebRTC relay adds, from a loopback capture (pcap or pcapng, e.g. `dumpcap -i lo -f udp`),
without keys: SRTP encrypts payloads, but RTP headers travel in clear.

  packets  UDP datagrams that are RTP: first byte 128..191 (version 2; STUN is 0..3, DTLS 20..63,
           TURN channels 64..79), payload type (second byte, marker masked) not 72..79 (RTCP 200..207
           on a muxed port). First capture of each (flow, sequence number): retransmissions on the
           same SSRC do not move a packet's time.
  flows    (src, dst, SSRC). IN flows: sent TO one of the --in ports (the relay's ingress ICE port).
           OUT flows: every other flow (or only those sent FROM an --out port), so a flow of another
           job on the machine is considered but will not pair.
  units    all packets of a flow sharing one RTP timestamp (a video frame, an Opus packet); a unit's
           time = capture time of its LAST packet.
  kind     decided from the flow itself (the SDP is encrypted away or elsewhere): video = most common
           timestamp step a multiple of 90 kHz frame durations (3000 at 30 fps) and/or units of several
           packets with the marker on the last; audio = steps of 960 (Opus 20 ms at 48 kHz) or other
           48 kHz frame sizes, one packet per unit. Reported as codec=H264 / codec=OPUS (the
           publishers of this bench send H264 + Opus; VIDEO_CODEC / AUDIO_CODEC rename them).
  pairing  the relay may rewrite SSRC, PT, sequence numbers and add a constant to RTP timestamps.
           For each (IN, OUT) pair of the same kind, the timestamp offset is the most common
           difference out_ts - in_ts between the first OFFSET_UNITS units of the OUT flow and the IN
           units captured up to MAX_AGE_S before them, counting only unit pairs of the same shape
           (packet count, marker pattern, sizes equal up to one constant per pair of flows, e.g. a
           different SRTP tag) and only IN units whose shape is rare in the IN flow (<= RARE times):
           a steady stream (static test picture, CBR audio) repeats the same shapes every frame,
           and every frame-multiple of the true offset would collect as many votes. The offset
           must win by a margin (else the pair is reported ambiguous). With the offset, every
           OUT unit is matched to the IN unit of timestamp out_ts - offset. A pair is kept when it
           matched >= MIN_MATCH units and >= half of the OUT flow's units (RTX and other stray
           flows do not qualify); each OUT flow keeps its best IN flow.
  latency  per matched unit: time of its last packet OUT - time of its last packet IN. Units that
           entered during the first WARMUP_S seconds after the first IN unit, or the last TAIL_S
           seconds before the last one, are skipped (start-up: ICE/DTLS, a server's GOP replay).
Env: WARMUP_S=5 TAIL_S=1 MAX_AGE_S=5 OFFSET_UNITS=300 RARE=2 MIN_MATCH=50
     DUMP=file.csv (codec,in_s,out_s,latency_us,flag for every matched unit; flag ok|warmup)
Prints: FLOW lines (every RTP flow: side, ports, ssrc, pt, kind, packets, units, step), PAIR lines
(in/out ssrc, ts_offset, votes, runner-up votes, matched, lost = IN units after warm-up never seen
OUT), then per kind, in the format of ../shared/peers/latency-media.sh:
  LATENCY mode=unit codec=H264|OPUS out=N matched=M warmup_skipped=W p50_us= p90_us= p99_us= max_us= min_us= lost_in=L
  LATENCY_ALL mode=unit out=N matched=M unmatched_out=U warmup_skipped=W p50_us= p90_us= p99_us= max_us=
(LATENCY_ALL error=... when nothing could be paired). --selftest builds synthetic pcaps (a relay that
rewrites SSRC/PT/seq, offsets timestamps, drops a few packets, adds an RTX flow and a stray flow,
with steady constant-size streams) and checks the matcher finds the known latencies; prints
SELFTEST ok|FAIL.
"""
import collections
import os
import random
import struct
import sys
import tempfile

WARMUP = float(os.environ.get('WARMUP_S', '5'))
TAIL = float(os.environ.get('TAIL_S', '1'))
MAX_AGE = float(os.environ.get('MAX_AGE_S', '5'))
OFFSET_UNITS = int(os.environ.get('OFFSET_UNITS', '300'))
RARE = int(os.environ.get('RARE', '2'))
MIN_MATCH = int(os.environ.get('MIN_MATCH', '50'))
NAMES = {'video': os.environ.get('VIDEO_CODEC', 'H264'), 'audio': os.environ.get('AUDIO_CODEC', 'OPUS')}


# ---------------- capture reading (pcap and pcapng) ----------------
def _l3(link, data):
    """(src, dst, proto, l4) of an IPv4/IPv6 frame of a given link type, or None."""
    if link == 1:
        off, et = 14, struct.unpack('>H', data[12:14])[0]
        if et == 0x8100:
            et = struct.unpack('>H', data[16:18])[0]; off = 18
    elif link == 113:
        off, et = 16, struct.unpack('>H', data[14:16])[0]
    elif link == 276:
        off, et = 20, struct.unpack('>H', data[0:2])[0]
    elif link in (0, 108):
        fam = struct.unpack('<I', data[:4])[0] if link == 0 else struct.unpack('>I', data[:4])[0]
        off, et = 4, (0x0800 if fam == 2 else 0x86dd)
    elif link == 101:
        off, et = 0, (0x0800 if data[0] >> 4 == 4 else 0x86dd)
    else:
        return None
    if et == 0x0800:
        ihl = (data[off] & 15) * 4
        tot = struct.unpack('>H', data[off + 2:off + 4])[0]
        return data[off + 12:off + 16], data[off + 16:off + 20], data[off + 9], data[off + ihl:off + tot]
    if et == 0x86dd:
        plen = struct.unpack('>H', data[off + 4:off + 6])[0]
        return data[off + 8:off + 24], data[off + 24:off + 40], data[off + 6], data[off + 40:off + 40 + plen]
    return None


def frames(fn):
    """Yields (ts, link, frame bytes) from a pcap or pcapng file."""
    with open(fn, 'rb') as f:
        head = f.read(4)
        if head == b'\x0a\x0d\x0d\x0a':
            yield from _pcapng(f, head)
            return
        gh = head + f.read(20)
        if len(gh) < 24:
            return
        magic = struct.unpack('<I', gh[:4])[0]
        e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        magic = struct.unpack(e + 'I', gh[:4])[0]
        nano = magic == 0xa1b23c4d
        link = struct.unpack(e + 'I', gh[20:24])[0]
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            sec, frac, incl, _ = struct.unpack(e + 'IIII', h)
            yield sec + frac / (1e9 if nano else 1e6), link, f.read(incl)


def _pcapng(f, first):
    e = '<'; ifs = []   # per interface: (link, ticks per second)
    pending = first
    while True:
        h = pending + f.read(8 - len(pending)) if pending else f.read(8)
        pending = b''
        if len(h) < 8:
            return
        btype = struct.unpack(e + 'I', h[:4])[0]
        if btype == 0x0a0d0d0a:
            bom = f.read(4)
            e = '<' if bom == b'\x4d\x3c\x2b\x1a' else '>'
            blen = struct.unpack(e + 'I', h[4:8])[0]
            f.read(blen - 12); ifs = []
            continue
        blen = struct.unpack(e + 'I', h[4:8])[0]
        body = f.read(blen - 8)
        if btype == 1:   # interface description
            link = struct.unpack(e + 'H', body[:2])[0]; res = 1e6
            o = 8
            while o + 4 <= len(body) - 4:
                code, ln = struct.unpack(e + 'HH', body[o:o + 4])
                if code == 0:
                    break
                if code == 9 and ln >= 1:
                    v = body[o + 4]
                    res = float(2 ** (v & 0x7f)) if v & 0x80 else float(10 ** v)
                o += 4 + ((ln + 3) & ~3)
            ifs.append((link, res))
        elif btype == 6:  # enhanced packet
            iid, hi, lo, incl = struct.unpack(e + 'IIII', body[:16])
            if iid < len(ifs):
                link, res = ifs[iid]
                yield ((hi << 32) | lo) / res, link, body[20:20 + incl]
        elif btype == 3 and ifs:  # simple packet
            link, _ = ifs[0]
            yield 0.0, link, body[4:]


def rtp_packets(fn):
    """Yields (ts, src, sport, dst, dport, rtp bytes, datagram length) for UDP datagrams that look like
    RTP. The length comes from the UDP header, so a capture cut short (dumpcap -s 200) is enough."""
    for ts, link, data in frames(fn):
        r = _l3(link, data)
        if r is None:
            continue
        src, dst, proto, l4 = r
        if proto != 17 or len(l4) < 8 + 12:
            continue
        pl = l4[8:]
        if not 128 <= pl[0] <= 191 or 72 <= (pl[1] & 0x7f) <= 79:
            continue
        sp, dp, ulen = struct.unpack('>HHH', l4[:6])
        yield ts, src, sp, dst, dp, pl, ulen - 8


def ip(a):
    return '.'.join(str(b) for b in a) if len(a) == 4 else a.hex()


# ---------------- flows and units ----------------
class Flow:
    def __init__(self, key):
        self.key = key            # (src, sport, dst, dport, ssrc)
        self.seen = set(); self.dups = 0; self.pts = collections.Counter()
        self.pk = []              # (ts, seq, rtp_ts, marker, size)

    def add(self, ts, pl, n):
        b0 = pl[0]
        seq, rts = struct.unpack('>HI', pl[2:8])
        if seq in self.seen:      # retransmission on the same SSRC: first capture counts
            self.dups += 1
            return
        self.seen.add(seq)
        hl = 12 + 4 * (b0 & 15)
        if b0 & 0x10 and len(pl) >= hl + 4:
            hl += 4 + 4 * struct.unpack('>H', pl[hl + 2:hl + 4])[0]
        self.pts[pl[1] & 0x7f] += 1
        self.pk.append((ts, seq, rts, pl[1] >> 7, n - hl))

    def build(self):
        """Units keyed by RTP timestamp: ts -> (time of last packet, shape, first time)."""
        s0 = self.pk[0][1]
        pk = sorted(self.pk, key=lambda p: (p[1] - s0) & 0xffff)   # sequence order (wrap-safe)
        u = collections.OrderedDict()
        for t, seq, rts, m, size in pk:
            e = u.get(rts)
            if e is None:
                u[rts] = e = [t, [], t]
            e[0] = max(e[0], t); e[2] = min(e[2], t); e[1].append((m, size))
        self.units = {k: (v[0], tuple(v[1]), v[2]) for k, v in u.items()}
        self.order = sorted(self.units, key=lambda k: self.units[k][2])   # by first capture
        steps = collections.Counter()
        for a, b in zip(self.order, self.order[1:]):
            d = (b - a) & 0xffffffff
            if d < 0x80000000:
                steps[d] += 1
        self.step = steps.most_common(1)[0][0] if steps else 0
        multi = sum(1 for v in self.units.values() if len(v[1]) > 1)
        marker_last = sum(1 for v in self.units.values() if v[1][-1][0])
        if self.step and self.step % 960 == 0 and self.step <= 5760 and multi == 0 \
                or self.step in (120, 240, 480, 1024, 2048) and multi == 0:
            self.kind = 'audio'
        elif multi or (self.step and 90000 % self.step == 0 or self.step in (3003, 1501, 1502, 3750)) \
                and marker_last > 0.9 * len(self.units):
            self.kind = 'video'
        else:
            self.kind = '?'
        return self


def shape_key(shape):
    """Shape without sizes' absolute value: packet count, markers, sizes relative to the first."""
    return tuple(m for m, _ in shape), tuple(s - shape[0][1] for _, s in shape)


def find_offsets(a, b):
    """Candidate timestamp offsets out_ts - in_ts of an (IN, OUT) pair, by weighted votes over the first
    OFFSET_UNITS OUT units and the IN units captured up to MAX_AGE_S before each: a unit pair of the same
    shape (packet count, markers, sizes up to a constant delta) votes for (offset, delta) with weight
    1 / (how often the more common of the two exact shapes occurs in its flow), so a unique shape (an IDR
    frame, opusenc's first packets) counts 1 and a shape every frame repeats (a static picture's P frame,
    a CBR Opus packet) next to nothing. Returns [(offset, weight)] best first (one entry per offset)."""
    import bisect
    in_by_time = sorted((v[0], k) for k, v in a.units.items())
    times = [t for t, _ in in_by_time]
    cnt_a = collections.Counter(v[1] for v in a.units.values())
    cnt_b = collections.Counter(v[1] for v in b.units.values())
    votes = collections.Counter()
    for kb in b.order[:OFFSET_UNITS]:
        tb, sb, _ = b.units[kb]
        ksb = shape_key(sb)
        lo = bisect.bisect_left(times, tb - MAX_AGE); hi = bisect.bisect_right(times, tb + 0.001)
        for i in range(lo, hi):
            ka = in_by_time[i][1]
            sa = a.units[ka][1]
            if shape_key(sa) != ksb:
                continue
            votes[((kb - ka) & 0xffffffff, sb[0][1] - sa[0][1])] += 1.0 / max(cnt_a[sa], cnt_b[sb])
    per_off = collections.Counter()
    for (off, _), w in votes.items():
        per_off[off] = max(per_off[off], w)
    return per_off.most_common()


def match(a, b, off):
    """[(out ts, in unit time, out unit time)] of the OUT units whose IN unit (ts - off) exists."""
    r = []
    for kb, (tb, _, _) in b.units.items():
        u = a.units.get((kb - off) & 0xffffffff)
        if u is not None:
            r.append((kb, u[0], tb))
    return r


def spread(m, lo_t, hi_t):
    """(mean absolute deviation of latency from its median, the median, share of units with latency in
    [-1 ms, MAX_AGE_S]) over the units that entered in [lo_t, hi_t), for one candidate offset. The mean,
    not a percentile range: a wrong pairing's extra variation may come from a few units only (e.g. every
    16th Opus packet shares a 1024-sample capture buffer with the one before)."""
    v = sorted(tb - ta for _, ta, tb in m if lo_t <= ta < hi_t)
    if len(v) < 10:
        return float('inf'), 0.0, 0.0
    good = sum(1 for x in v if -0.001 <= x <= MAX_AGE) / len(v)
    med = v[len(v) // 2]
    return sum(abs(x - med) for x in v) / len(v), med, good


def choose_offset(a, b, lo_t, hi_t):
    """(offset, method, detail, spread) or (None, reason, detail, 0).
    method=shape: the best offset's vote weight is >= 2 and 4/3 of the runner-up's.
    method=timing otherwise (no unique shape left the relay, e.g. a CBR tone whose first packets it never
    forwarded): every voted offset that matches >= half of the OUT units, >= 95 % of them with latency in
    [-1 ms, MAX_AGE_S], is scored by how much the latency varies (mean absolute deviation). A relay that
    forwards on arrival passes the publisher's send-time irregularities through, so the true pairing has
    the steadiest latency; one off by k frames adds the variation of k frame intervals. But when the send
    pattern is periodic (audio captured in 1024-sample buffers, Opus frames of 960: period 16 frames =
    320 ms), offsets a whole number of periods away are as steady: among the offsets within 1.5x (+20 us)
    of the steadiest, the one with the smallest median latency is taken, i.e. the relay's latency is
    assumed to be below that period (family_step_ms in the detail). Ambiguous (no offset) when every
    candidate is as steady (nothing to tell them apart)."""
    cands = find_offsets(a, b)
    if not cands:
        return None, 'no_votes', '', 0.0
    best, w = cands[0]
    w2 = cands[1][1] if len(cands) > 1 else 0.0
    if w >= 2 and w2 * 4 < w * 3:
        return best, 'shape', 'votes=%.1f runner_up=%.1f' % (w, w2), 0.0
    scored = []
    for off, _ in cands[:2000]:
        m = match(a, b, off)
        if len(m) < 0.5 * len(b.units):
            continue
        sp, med, good = spread(m, lo_t, hi_t)
        if good >= 0.95:
            scored.append((sp, med, off))
    if not scored:
        return None, 'ambiguous', 'votes=%.1f runner_up=%.1f no_timing_candidate' % (w, w2), 0.0
    sp0 = min(x[0] for x in scored)
    fam = sorted((x for x in scored if x[0] <= 1.5 * sp0 + 20e-6), key=lambda x: x[1])
    rest = [x[0] for x in scored if x[0] > 1.5 * sp0 + 20e-6]
    step = min((y[1] - x[1] for x, y in zip(fam, fam[1:])), default=float('inf'))
    detail = 'votes=%.1f runner_up=%.1f spread_us=%d next_spread_us=%s family=%d family_step_ms=%s' % (
        w, w2, fam[0][0] * 1e6, '%d' % (min(rest) * 1e6) if rest else 'none', len(fam),
        'none' if step == float('inf') else '%.1f' % (step * 1e3))
    if not rest:
        return None, 'ambiguous', detail, 0.0
    return fam[0][2], 'timing', detail, fam[0][0]


def pct(v, q):
    if not v:
        return -1
    v = sorted(v); i = min(len(v) - 1, max(0, int(round(q / 100.0 * (len(v) - 1)))))
    return v[i]


def analyse(pcap, in_ports, out_ports, out=sys.stdout):
    """Runs the whole method on one capture; prints the report; returns {codec: [latencies us]}."""
    flows = {}
    for ts, src, sp, dst, dp, pl, n in rtp_packets(pcap):
        key = (src, sp, dst, dp, struct.unpack('>I', pl[8:12])[0])
        f = flows.get(key)
        if f is None:
            f = flows[key] = Flow(key)
        f.add(ts, pl, n)
    ins, outs = [], []
    for f in flows.values():
        f.build()
        src, sp, dst, dp, ssrc = f.key
        if dp in in_ports and sp not in out_ports:
            side = 'in'
        elif (sp in out_ports if out_ports else sp not in in_ports) and dp not in in_ports:
            side = 'out'
        else:
            side = '-'
        f.side = side
        (ins if side == 'in' else outs if side == 'out' else []).append(f)
        print('FLOW side=%s src=%s:%d dst=%s:%d ssrc=%d pt=%s kind=%s packets=%d units=%d step=%d seq_dups=%d'
              % (side, ip(src), sp, ip(dst), dp, ssrc, '/'.join(str(p) for p in sorted(f.pts)), f.kind,
                 len(f.pk), len(f.units), f.step, f.dups), file=out)
    if not ins:
        print('LATENCY_ALL error=no_IN_flows (nothing sent to ports %s: capture started too late?)'
              % ','.join(map(str, sorted(in_ports))), file=out)
        return {}
    t_first = min(f.units[f.order[0]][0] for f in ins if f.units)
    t_last = max(f.units[f.order[-1]][0] for f in ins if f.units)
    t_tail = t_last - TAIL if TAIL > 0 else float('inf')
    lo_t, hi_t = t_first + WARMUP, t_tail
    best = {}     # out flow -> (matched, in flow, offset, method, detail, spread)

    def rank(c):  # offset found; by shape before by timing; timing: steadier latency; more units matched
        return c[2] is not None, c[3] == 'shape', -c[5], c[0]

    for b in outs:
        if b.kind == '?':
            continue
        for a in ins:
            if a.kind != b.kind:
                continue
            off, method, detail, sp = choose_offset(a, b, lo_t, hi_t)
            matched = len(match(a, b, off)) if off is not None else 0
            cand = (matched, a, off, method, detail, sp)
            if b not in best or rank(cand) > rank(best[b]):
                best[b] = cand
    # one target per relay in this bench: an IN flow feeds at most one OUT flow, the most convincing
    # (offset by shape before offset by timing, then the most matched units); FANOUT=1 lifts this
    taken = {}
    for b, v in sorted(best.items(), key=lambda kv: rank(kv[1]), reverse=True):
        if v[2] is not None and v[1] not in taken:
            taken[v[1]] = b
    lat = collections.defaultdict(list); outn = collections.Counter(); warm = collections.Counter()
    lost = collections.Counter(); unmatched = 0; tot_out = 0; paired = 0
    dump = open(os.environ['DUMP'], 'w') if os.environ.get('DUMP') else None
    for b, (matched, a, off, method, detail, _) in sorted(best.items(), key=lambda kv: kv[0].kind, reverse=True):
        ok = off is not None and matched >= MIN_MATCH and matched >= 0.5 * len(b.units)
        dup = ok and taken.get(a) is not b and os.environ.get('FANOUT') != '1'
        ok = ok and not dup
        print('PAIR kind=%s in_ssrc=%d out_ssrc=%d in_port=%d out_port=%d ts_offset=%s offset_by=%s %s '
              'matched=%d out_units=%d in_units=%d %s'
              % (b.kind, a.key[4], b.key[4], a.key[3], b.key[1], 'NA' if off is None else off, method, detail,
                 matched, len(b.units), len(a.units),
                 'used' if ok else 'skipped(in_flow_taken)' if dup else 'ambiguous_offset'
                 if off is None and method == 'ambiguous' else 'skipped(too_few_matches)'), file=out)
        if not ok:
            continue
        paired += 1
        codec = NAMES[b.kind]
        seen_in = set()
        for kb, (tb, _, _) in b.units.items():
            outn[codec] += 1; tot_out += 1
            ka = (kb - off) & 0xffffffff
            u = a.units.get(ka)
            if u is None or not -0.001 <= tb - u[0] <= MAX_AGE:
                unmatched += 1; continue
            seen_in.add(ka)
            ta = u[0]
            flag = 'warmup' if ta < lo_t or ta >= hi_t else 'ok'
            if dump:
                dump.write('%s,%.6f,%.6f,%d,%s\n' % (codec, ta - t_first, tb - t_first, (tb - ta) * 1e6, flag))
            if flag != 'ok':
                warm[codec] += 1; continue
            lat[codec].append((tb - ta) * 1e6)
        lost[codec] += sum(1 for ka, u in a.units.items() if ka not in seen_in and lo_t <= u[0] < hi_t)
    if not paired:
        print('LATENCY_ALL error=no_pair (no OUT flow matched an IN flow; see PAIR/FLOW lines)', file=out)
        return {}
    allv = []
    for codec in sorted(outn):
        v = lat[codec]; allv += v
        print('LATENCY mode=unit codec=%s out=%d matched=%d warmup_skipped=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d '
              'min_us=%d lost_in=%d' % (codec, outn[codec], len(v), warm[codec], pct(v, 50), pct(v, 90), pct(v, 99),
                                        max(v) if v else -1, min(v) if v else -1, lost[codec]), file=out)
    print('LATENCY_ALL mode=unit out=%d matched=%d unmatched_out=%d warmup_skipped=%d p50_us=%d p90_us=%d p99_us=%d '
          'max_us=%d' % (tot_out, len(allv), unmatched, sum(warm.values()), pct(allv, 50), pct(allv, 90),
                         pct(allv, 99), max(allv) if allv else -1), file=out)
    return lat


# ---------------- self-test ----------------
def _write_pcap(fn, pkts, snap=65535):
    """pkts: (time, sport, dport, udp payload) -> classic pcap (Ethernet, IPv4 127.0.0.1), frames cut
    to snap bytes."""
    with open(fn, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snap, 1))
        for t, sp, dp, pl in sorted(pkts, key=lambda p: p[0]):
            udp = struct.pack('>HHHH', sp, dp, 8 + len(pl), 0) + pl
            iph = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                              bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
            fr = b'\0' * 12 + b'\x08\x00' + iph + udp
            us = int(round(t * 1e6))
            f.write(struct.pack('<IIII', us // 1000000, us % 1000000, min(len(fr), snap), len(fr)) + fr[:snap])


def _rtp(pt, m, seq, ts, ssrc, size):
    return struct.pack('>BBHII', 0x80, (m << 7) | pt, seq & 0xffff, ts & 0xffffffff, ssrc) + bytes(size)


def _publisher(rnd, seconds, t0, vts0, ats0):
    """Units of a steady test publisher, a worst case for the pairing: video 30 fps of a static picture
    (P frame = one 36-byte packet, an IDR every 30 frames = 6-9 packets of random size), sent 0-2 ms
    after its frame time, IDRs 4 ms later (encoding); Opus 20 ms CBR 183 bytes (the first 5 larger, as
    opusenc's start; peers/publish-whip.sh's tone does give 183 bytes throughout), sent when the
    1024-sample capture buffer holding its end is complete, as audiotestsrc + opusenc do (bursts)."""
    units = []
    for i in range(seconds * 30):
        idr = i % 30 == 0
        sizes = [1410] * rnd.randint(5, 8) + [rnd.randint(300, 1400)] if idr else [36]
        units.append(('v', t0 + i / 30.0 + rnd.uniform(0, 0.002) + (0.004 if idr else 0), vts0 + 3000 * i, sizes))
    for i in range(seconds * 50):
        ready = -(-(i + 1) * 960 // 1024) * 1024 / 48000.0
        units.append(('a', t0 + ready + rnd.uniform(0, 0.0003), ats0 + 960 * i, [274 - 20 * i if i < 5 else 183]))
    units.sort(key=lambda u: u[1])
    return units


def _synth(fn, delay_v, delay_a, seconds=12, seed=1, replay=True):
    """Publisher (port 50000) -> relay (40000 in, 41000 out) -> sink. The relay: new SSRC/PT/seq, a
    timestamp offset (wrapping), a fixed delay + 0-0.4 ms jitter, 1 % of units lost, 4-byte larger
    packets (another SRTP tag); replay=True: its output starts with the first 10 units 0.7 s late (a GOP
    replay), else it drops the first 1.5 s (connecting) and no unique start-up shape ever leaves it. Plus:
    an RTX flow, another job's independent publisher (same shapes, own timing) on other ports, STUN, DTLS
    and RTCP packets."""
    rnd = random.Random(seed)
    P, R, S, X = 50000, 40000, 41000, 52000
    vts0, ats0, vo, ao = 1983016286, 3444785387, 1232807581, 4245102362
    seq = {'vi': 19832, 'ai': 9903, 'vo': 10898, 'ao': 65530, 'rtx': 100, 'xv': 5, 'xa': 9}
    pk = []
    t0 = 1000.0
    units = _publisher(rnd, seconds, t0, vts0, ats0)
    for k, t, ts, sizes in _publisher(random.Random(seed + 7), seconds, t0 + 0.0137, 12345, 67890):
        s = 'xv' if k == 'v' else 'xa'
        for j, sz in enumerate(sizes):
            pk.append((t + j * 2e-5, X, X + 1, _rtp(96 if k == 'v' else 111, j == len(sizes) - 1, seq[s], ts,
                                                   0x99 if k == 'v' else 0x98, sz)))
            seq[s] += 1
    for n, (k, t, ts, sizes) in enumerate(units):
        pi, po = ('vi', 'vo') if k == 'v' else ('ai', 'ao')
        pt = 96 if k == 'v' else 111
        for j, sz in enumerate(sizes):
            m = (j == len(sizes) - 1) if k == 'v' else (ts == ats0)
            pk.append((t + j * 2e-5, P, R, _rtp(pt, m, seq[pi], ts, 0x11 if k == 'v' else 0x22, sz)))
            seq[pi] += 1
        if rnd.random() < 0.01 and n > 40 or not replay and t < t0 + 1.5:
            continue   # lost by the relay / not connected yet
        d = (delay_v if k == 'v' else delay_a) + rnd.uniform(0, 0.0004)
        if replay and n < 10:
            d += 0.7
        tl = t + (len(sizes) - 1) * 2e-5
        for j, sz in enumerate(sizes):
            m = (j == len(sizes) - 1) if k == 'v' else (ts == ats0)
            pk.append((tl + d + j * 1e-5, S, 55000, _rtp(97 if k == 'v' else 100, m, seq[po],
                                                       ts + (vo if k == 'v' else ao), 0x33 if k == 'v' else 0x44, sz + 4)))
            seq[po] += 1
        if k == 'v' and rnd.random() < 0.03:   # an RTX packet now and then
            pk.append((tl + d + 0.02, S, 55000, _rtp(98, 0, seq['rtx'], ts + vo, 0x55, sizes[-1] + 6)))
            seq['rtx'] += 1
    for i in range(seconds):   # STUN, DTLS, RTCP
        pk.append((t0 + i, P, R, b'\x00\x01\x00\x00' + bytes(16)))
        pk.append((t0 + i + 0.1, R, P, b'\x17\xfe\xfd' + bytes(30)))
        pk.append((t0 + i + 0.2, S, 55000, bytes([0x80, 200]) + bytes(26)))
    _write_pcap(fn, pk)


def selftest():
    import io
    global WARMUP, TAIL
    WARMUP, TAIL = 2.0, 1.0
    ok = True
    with tempfile.TemporaryDirectory() as d:
        fn = os.path.join(d, 's.pcap')
        for replay in (True, False):
            for dv, da in ((0.0003, 0.0002), (0.045, 0.025), (0.1, 0.07)):
                _synth(fn, dv, da, replay=replay)
                # without --out a look-alike stream of another job (same shapes, same periodic send
                # pattern) is as steady as the relay's output: only the shape method may go without it
                for outp in ((set(), {41000}) if replay else ({41000},)):
                    buf = io.StringIO()
                    lat = analyse(fn, {40000}, outp, out=buf)
                    txt = buf.getvalue()
                    used = [l for l in txt.splitlines() if l.startswith('PAIR') and l.endswith(' used')]
                    good = len(used) == 2 and all('out_port=41000 ' in l and 'out_ssrc=85 ' not in l for l in used)
                    for codec, want in (('H264', dv), ('OPUS', da)):
                        v = lat.get(codec, [])
                        good &= len(v) > 200 and abs(pct(v, 50) / 1e6 - want) < 0.0005
                    print('SELFTEST replay=%d out_hint=%d delay_v=%.4f delay_a=%.4f %s' % (
                        replay, bool(outp), dv, da, 'ok' if good else 'FAIL'))
                    if not good or os.environ.get('VERBOSE'):
                        print('\n'.join('  ' + l for l in txt.splitlines() if not l.startswith('FLOW')))
                    ok &= good
        # pcapng reader: the same packets as the pcap
        fng = os.path.join(d, 's.pcapng')
        _synth(fn, 0.001, 0.001, seconds=3)
        with open(fng, 'wb') as g:
            g.write(struct.pack('<IIIHHq', 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1) + struct.pack('<I', 28))
            idb = struct.pack('<HHI', 1, 0, 65535) + struct.pack('<HHB3x', 9, 1, 9) + struct.pack('<HH', 0, 0)
            g.write(struct.pack('<II', 1, 12 + len(idb)) + idb + struct.pack('<I', 12 + len(idb)))
            for t, link, fr in frames(fn):
                tt = int(round(t * 1e9))     # tsresol 9: nanoseconds
                body = struct.pack('<IIIII', 0, tt >> 32, tt & 0xffffffff, len(fr), len(fr)) + fr + bytes((-len(fr)) % 4)
                g.write(struct.pack('<II', 6, 12 + len(body)) + body + struct.pack('<I', 12 + len(body)))
        a = [(round(t, 6), p[-2], p[-1]) for t, *p in rtp_packets(fn)]
        b = [(round(t, 6), p[-2], p[-1]) for t, *p in rtp_packets(fng)]
        good = len(a) > 100 and a == b
        print('SELFTEST pcapng packets=%d same_as_pcap=%s %s' % (len(b), a == b, 'ok' if good else 'FAIL'))
        ok &= good
        # a capture cut to 80 bytes per frame (dumpcap -s) gives the same datagram lengths
        fs = os.path.join(d, 'snap.pcap')
        _write_pcap(fs, [(t, p[1], p[3], p[4]) for t, *p in rtp_packets(fn)], snap=80)
        c = [(round(t, 6), p[-1]) for t, *p in rtp_packets(fs)]
        good = c == [(x[0], x[2]) for x in a]
        print('SELFTEST snaplen=80 same_lengths=%s %s' % (good, 'ok' if good else 'FAIL'))
        ok &= good
    print('SELFTEST %s' % ('ok' if ok else 'FAIL'))
    return ok


def main(argv):
    if len(argv) > 1 and argv[1] == '--selftest':
        return 0 if selftest() else 1
    ports = {'--in': set(), '--out': set()}
    pcap = None; i = 1
    while i < len(argv):
        if argv[i] in ports and i + 1 < len(argv):
            ports[argv[i]] |= {int(p) for p in argv[i + 1].split(',') if p}; i += 2
        else:
            pcap = argv[i]; i += 1
    if not pcap or not ports['--in']:
        print(__doc__.split('\n')[0], file=sys.stderr)
        return 2
    analyse(pcap, ports['--in'], ports['--out'])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
