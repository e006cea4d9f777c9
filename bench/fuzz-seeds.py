#!/usr/bin/env python3
"""Builds the Jazzer seed corpora (src/test/resources/<pkg>/<Class>Inputs/<method>/) from the real
captures in src/test/resources/captures plus a few hand-made inputs. Re-run after adding a capture;
crash inputs found by bench/fuzz.sh are committed beside these seeds and are never deleted here.
Usage: bench/fuzz-seeds.py (from the repo root)."""
import os, re, struct, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
RES = os.path.join(ROOT, 'src/test/resources')
CAP = os.path.join(RES, 'captures')
MAX = 4096  # libFuzzer's default -max_len: bigger seeds are cut, the rest only slows each run


def cap(*p):
    with open(os.path.join(CAP, *p), 'rb') as f:
        return f.read()


def seed(pkg, cls, method, name, data):
    d = os.path.join(RES, 'io/sluice', pkg, cls + 'Inputs', method)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data[:MAX])


def files(sub, ext):
    return sorted(f for f in os.listdir(os.path.join(CAP, sub)) if f.endswith(ext))


def pcap_udp(data):
    """UDP payloads of a classic little-endian pcap (Ethernet/IPv4 or Linux cooked)."""
    magic, = struct.unpack_from('<I', data, 0)
    assert magic == 0xa1b2c3d4, hex(magic)
    linktype, = struct.unpack_from('<I', data, 20)
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack_from('<IIII', data, off)
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        l2 = {1: 14, 113: 16, 276: 20, 0: 4}.get(linktype, 14)
        ip = pkt[l2:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        out.append((struct.unpack_from('>H', udp, 2)[0], udp[8:]))
    return out


def rtsp():
    for f in files('rtsp', '.txt') + files('rtsp', '.bin'):
        seed('protocol/rtsp', 'RtspFuzzTest', 'stream', f, cap('rtsp', f))
    text = b''.join(cap('rtsp', f) for f in files('rtsp', '.txt')).decode('latin-1')
    values = set()
    for m in re.finditer(r'^(Transport|Session|Authorization|WWW-Authenticate): *(.*?)\r?$', text, re.M | re.I):
        values.add(m.group(2))
    values |= {
        'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record',
        'RTP/AVP;unicast;client_port=5000-5001;ssrc=DEADBEEF, RTP/AVP/TCP;interleaved=2-3',
        'RTP/AVP;multicast;destination="224.1.2.3";port=5000-5001;ttl=16',
        '12345678;timeout=60',
        'Digest realm="sluice", nonce="abc", algorithm="SHA-256", qop="auth,auth-int", opaque="x\\"y"',
        'Digest username="u", realm="r", nonce="nonce", uri="rtsp://h/x", response="00", qop=auth, nc=00000001, cnonce="c"',
        'Basic dXNlcjpwYXNz',
        'rtsp://user:p%40ss@[::1]:8554/live/x?token=1/trackID=1',
    }
    for i, v in enumerate(sorted(values)):
        seed('protocol/rtsp', 'RtspFuzzTest', 'headers', '%02d' % i, v)


TARGETS = {'rtsp': rtsp}

if __name__ == '__main__':
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
