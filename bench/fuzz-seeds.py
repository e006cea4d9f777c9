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


def seed(pkg, cls, method, name, data, limit=MAX):
    d = os.path.join(RES, 'io/sluice', pkg, cls + 'Inputs', method)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data[:limit])


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
        seed('protocol/rtsp', 'RtspFuzzTest', 'stream', f, cap('rtsp', f), 8192)
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


def media_port(sdp):
    return int(re.search(r'^m=\w+ (\d+)', sdp, re.M).group(1))


# RtpFuzzTest.FORMATS, in order: capture name (None: hand-made) per selector byte
RTP_FORMATS = ['ffmpeg51-h264-baseline-udp', 'ffmpeg51-h265-udp', 'ffmpeg51-aac-mpeg4generic-udp',
               'ffmpeg51-aac-mpeg4generic-fragmented-udp', 'ffmpeg51-aac-latm-udp', 'ffmpeg51-vp8-udp',
               'ffmpeg51-vp9-udp', None, 'ffmpeg51-opus-udp', 'ffmpeg51-mpeg4-udp']


def framed(selector, packets):
    out = bytearray([selector])
    for p in packets:
        if len(out) + 2 + len(p) > MAX:
            break
        out += struct.pack('>H', len(p)) + p
    return bytes(out)


def rtp():
    fmtps = set()
    for sel, name in enumerate(RTP_FORMATS):
        if name is None:  # AV1: one packet, aggregation header W=1 N=1, then the OBUs of a real file
            hdr = bytes([0x80, 0xe0 | 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])
            seed('protocol/rtp', 'RtpFuzzTest', 'packets', 'av1-obu', framed(sel, [hdr + b'\x18' + cap('rtp', 'libaom-av1-160x120.obu')[:1200]]))
            continue
        sdp = cap('rtp', name + '.sdp').decode()
        port = media_port(sdp)
        dgrams = pcap_udp(cap('rtp', name + '.pcap'))
        packets = [d for p, d in dgrams if p == port]
        seed('protocol/rtp', 'RtpFuzzTest', 'packets', name, framed(sel, packets))
        seed('protocol/rtp', 'RtpFuzzTest', 'packets', name + '-later', framed(sel, packets[len(packets) // 2:]))
        for i, d in enumerate([d for p, d in dgrams if p == port + 1][:3]):
            seed('protocol/rtp', 'RtpFuzzTest', 'rtcp', '%s-%d' % (name, i), d)
        fmtps |= set(m.group(1) for m in re.finditer(r'^a=fmtp:\d+ (.*?)\r?$', sdp, re.M))
    hand = {  # RTPFB generic NACK, PSFB PLI, PSFB FIR, REMB, SR+SDES+BYE with padding
        'nack': '81cd0003 00000001 00000002 00100003',
        'pli': '81ce0002 00000001 00000002',
        'fir': '84ce0004 00000001 00000000 00000002 01000000',
        'remb': '8fce0005 00000001 00000000 52454d42 0101e848 00000002',
        'sr-sdes-bye': '80c80006 00000001 e1234567 89abcdef 00001000 00000010 00000400'
                       '81ca0003 00000001 01046e616d65 0000 a1cb0002 00000001 00000004',
    }
    for k, v in hand.items():
        seed('protocol/rtp', 'RtpFuzzTest', 'rtcp', k, bytes.fromhex(v.replace(' ', '')))
    tcc = {  # transport-cc feedback as a WHIP target reads it: Chromium 156's (padded), RR + feedback, 2-bit chunks
        'chromium156': 'afcd0007 00000001 9b4a7346 00010007 068b0600 2007ed09 29260a0e 00000003',
        'rr-tcc': '81c90007 00000001 00000002 05000003 00001000 00000010 00000000 00000000'
                  '8fcd0005 00000001 00000002 00640003 00000102 d6400000 01fc18ff',
        'one-bit-vector': '8fcd0006 00000001 00000002 0000000e 00000003 b7f00000 01010101 01010101',
    }
    for k, v in tcc.items():
        seed('protocol/rtp', 'RtpFuzzTest', 'transportCc', k, bytes.fromhex(v.replace(' ', '')))
    fmtps |= {'config=1190', 'config=40002320', 'sprop-parameter-sets=Z0LAHtkDxWhAAAADAEAAAA8jxYuS,aMuMsg==',
              'sprop-max-don-diff=1', 'mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1210'}
    for i, f in enumerate(sorted(fmtps)):
        seed('protocol/rtp', 'RtpFuzzTest', 'fmtp', '%02d' % i, f)
    sps = cap('rtp', 'ffmpeg51-h264-baseline.h264').split(b'\x00\x00\x00\x01')
    for n in sps:
        if n and n[0] & 0x1f == 7:
            seed('protocol/rtp', 'RtpFuzzTest', 'fmtp', 'h264-sps', n)
            break


def sdp():
    for f in files('sdp', '.sdp'):
        seed('protocol/sdp', 'SdpFuzzTest', 'announce', f, cap('sdp', f))
    for f in files('rtp', '.sdp'):
        seed('protocol/sdp', 'SdpFuzzTest', 'announce', f, cap('rtp', f))
    for f in files('webrtc', '.sdp'):
        seed('protocol/webrtc', 'WebrtcSdpFuzzTest', 'offer', f, cap('webrtc', f), 16384)


def amf0_string(s):
    return b'\x02' + struct.pack('>H', len(s)) + s.encode()


def amf0_object(d, ecma=False):
    out = bytearray(b'\x08' + struct.pack('>I', len(d)) if ecma else b'\x03')
    for k, v in d.items():
        out += struct.pack('>H', len(k)) + k.encode()
        out += amf0_string(v) if isinstance(v, str) else b'\x00' + struct.pack('>d', v)
    return bytes(out + b'\x00\x00\x09')


def rtmp():
    seed('protocol/rtmp', 'RtmpFuzzTest', 'handshake', 'ffmpeg51-publish-c0c1', cap('rtmp', 'ffmpeg51-publish-c0c1.bin'))
    seed('protocol/rtmp', 'RtmpFuzzTest', 'handshake', 'nginx-rtmp-s0s1s2', cap('rtmp', 'nginx-rtmp-s0s1s2.bin'), 3073)
    chunks = cap('rtmp', 'ffmpeg51-publish-chunks.bin')
    seed('protocol/rtmp', 'RtmpFuzzTest', 'chunks', 'ffmpeg51-publish-chunks', chunks, 16384)
    seed('protocol/rtmp', 'RtmpFuzzTest', 'chunks', 'ffmpeg51-publish-chunks-head', chunks, 2048)
    connect = amf0_string('connect') + b'\x00' + struct.pack('>d', 1) + amf0_object(
        {'app': 'live', 'type': 'nonprivate', 'tcUrl': 'rtmp://127.0.0.1:1935/live', 'objectEncoding': 0})
    publish = amf0_string('publish') + b'\x00' + struct.pack('>d', 5) + b'\x05' + amf0_string('x') + amf0_string('live')
    meta = amf0_string('@setDataFrame') + amf0_string('onMetaData') + amf0_object(
        {'width': 640, 'height': 360, 'videocodecid': 7, 'audiocodecid': 10, 'encoder': 'Lavf59.27.100'}, ecma=True)
    for k, v in {'connect': connect, 'publish': publish, 'metadata': meta}.items():
        seed('protocol/rtmp', 'RtmpFuzzTest', 'amf0', k, v)


def mpegts():
    for f in files('mpegts', '.ts'):
        ts = cap('mpegts', f)
        seed('protocol/mpegts', 'TsDemuxerFuzzTest', 'srtDatagrams', f, b'\x00' + ts, 12 * 1024)
        seed('protocol/mpegts', 'TsDemuxerFuzzTest', 'srtDatagrams', f + '-cut100', b'\x64' + ts, 6 * 1024)


def srt():
    for i, v in enumerate(['publish:live/cam1', 'read:live/cam1', 'publish:live/cam1:user:pass', 'live/cam1',
                           '#!::r=live/cam1,m=publish,u=user,s=pass', '#!::r=live/cam1', '#!::m=bidirectional,r=x',
                           '#!::r=a,m=request,u=%75ser', 'publish:', '']):
        seed('protocol/srt', 'SrtStreamIdFuzzTest', 'streamId', '%02d' % i, v)


def http():
    reqs = {
        'get-paths': 'GET /v3/paths/list?page=0&itemsPerPage=10 HTTP/1.1\r\nHost: x\r\n\r\n',
        'pipelined': 'GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /v3/config/global/patch HTTP/1.1\r\nHost: x\r\n'
                     'Content-Type: application/json\r\nContent-Length: 17\r\n\r\n{"logLevel":"debug"}'
                     'DELETE /x HTTP/1.1\r\nConnection: close\r\n\r\n',
        'chunked': 'POST /live/x/whip HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n'
                   'Content-Type: application/sdp\r\n\r\n5\r\nv=0\r\n\r\n0\r\n\r\n',
        'too-big': 'POST /x HTTP/1.1\r\nContent-Length: 100000\r\n\r\n' + 'a' * 600,
        'http10': 'GET /metrics HTTP/1.0\r\n\r\n',
    }
    for k, v in reqs.items():
        seed('net/http', 'HttpFuzzTest', 'connection', k, v)
    offer = cap('webrtc', 'obs30-publish-opus-h264.sdp').decode()
    webrtc = {
        'whip': 'POST\n/live/x/whip\napplication/sdp\nBearer secret\n\n' + offer,
        'whep-basic': 'POST\n/live/x/whep?user=u&pass=p\napplication/sdp\nBasic dTpw\n\n' + offer,
        'patch': 'PATCH\n/live/x/whip/s1\napplication/trickle-ice-sdpfrag\n\n"e1"\na=ice-ufrag:x\r\na=candidate:1 1 udp 1 1.2.3.4 5 typ host\r\n',
        'delete': 'DELETE\n/live/x/whep/s1\n\n\n\n',
        'options': 'OPTIONS\n/live/x/whip\n\n\n\n',
        'page': 'GET\n/live/x/publish\n\n\n\n',
        'bad-escape': 'GET\n/live/%zz/whip\n\n\n\n',
    }
    for k, v in webrtc.items():
        seed('server/webrtc', 'WebrtcHttpFuzzTest', 'request', k, v, 8192)
    api = {
        'list': 'GET\n/v3/paths/list?page=1&itemsPerPage=1\n',
        'get-target': 'GET\n/v3/config/paths/get/live%2Fcam\n',
        'add-target': 'POST\n/v3/config/paths/live%2Fcam/targets/add\n{"url":"srt://h:9000?streamid=publish:x","id":"new"}',
        'patch-global': 'PATCH\n/v3/config/global/patch\n{"logLevel":"debug","rtspAddress":":8555"}',
        'kick': 'POST\n/v3/rtspsessions/kick/s-pub\n',
        'bad-json': 'PATCH\n/v3/config/paths/patch/live%2Fcam\n{"forwardTargets":[{"url":',
    }
    for k, v in api.items():
        seed('api', 'ApiFuzzTest', 'request', k, v)
    patches = ['{"logLevel":"debug"}', '{"forwardTargets":[{"url":"rtmp://h/live/x","enable":false}]}',
               '{"url":"whip://h:8889/x/whip","reconnectDelay":"1s","when":{"minReaders":1,"between":"08:00-18:00"}}',
               '{"publishUser":"u","publishPass":"p","srtPublishPassphrase":"0123456789"}',
               '{"authInternalUsers":[{"user":"any","ips":["10.0.0.0/8"],"permissions":[{"action":"api"}]}]}',
               '{"rtsp":{"transport":"tcp"},"url":"rtsp://u:p@h/x"}', '[]', '{"paths":null}']
    for i, v in enumerate(patches):
        seed('api', 'ApiFuzzTest', 'configPatch', '%02d' % i, v)


def conf():
    with open(os.path.join(ROOT, 'src/main/resources/sluice.yml'), 'rb') as f:
        seed('conf', 'ConfFuzzTest', 'yaml', 'sluice.yml', f.read(), 16384)
    d = os.path.join(RES, 'conf')
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), 'rb') as fh:
            seed('conf', 'ConfFuzzTest', 'yaml', f, fh.read(), 16384)


TARGETS = {'rtsp': rtsp, 'rtp': rtp, 'sdp': sdp, 'rtmp': rtmp, 'mpegts': mpegts, 'srt': srt, 'http': http,
           'conf': conf}

if __name__ == '__main__':
    for name in sys.argv[1:] or TARGETS:
        TARGETS[name]()
