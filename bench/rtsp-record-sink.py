#!/usr/bin/python3
"""rtsp-record-sink.py PORT STATUS_FILE SECONDS

A cheap RTSP RECORD target for fan-out benchmarks: one asyncio process accepts any number of
RTSP push sessions on 127.0.0.1:PORT, answers OPTIONS/ANNOUNCE/SETUP (TCP interleaved only;
UDP gets 461)/RECORD/GET_PARAMETER/SET_PARAMETER/TEARDOWN, and counts the interleaved RTP it
receives without decoding anything.

Per session it tracks: RTP packets and bytes (even channels), packets lost (gaps in each
channel's RTP sequence numbers), and for channel 0 (video, 90 kHz) the lag
  lag = wall time since the first packet - RTP time since the first packet,
whose growth over a window shows a sender that does not keep up with real time even when
nothing is lost (TCP back-pressure slows the publisher instead of dropping).

Every second it rewrites STATUS_FILE with one line per session:
  SESSION id=N path=/sX/tY packets=P bytes=B lost=L lag_ms=G
and a first line `NOW t=<monotonic s>`. Exits after SECONDS.
"""
import asyncio, os, sys, time

PORT, STATUS, SECS = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
sessions = []


class Conn(asyncio.Protocol):
    def __init__(self):
        self.buf = bytearray()
        self.path = '?'
        self.packets = 0
        self.bytes = 0
        self.lost = 0
        self.last_seq = {}
        self.ts0 = None
        self.wall0 = 0.0
        self.ts_ext = 0
        self.ts_last = 0
        self.lag = 0.0
        self.id = len(sessions)
        sessions.append(self)

    def connection_made(self, t):
        self.t = t

    def data_received(self, data):
        buf = self.buf
        buf += data
        pos, n = 0, len(buf)
        while pos < n:
            if buf[pos] == 0x24:
                if pos + 4 > n:
                    break
                ln = (buf[pos + 2] << 8) | buf[pos + 3]
                end = pos + 4 + ln
                if end > n:
                    break
                ch = buf[pos + 1]
                if ch & 1 == 0 and ln >= 12:
                    self.packets += 1
                    self.bytes += ln
                    seq = (buf[pos + 6] << 8) | buf[pos + 7]
                    last = self.last_seq.get(ch)
                    if last is not None:
                        d = (seq - last) & 0xffff
                        if 1 < d < 0x8000:
                            self.lost += d - 1
                    self.last_seq[ch] = seq
                    if ch == 0:
                        ts = int.from_bytes(buf[pos + 8:pos + 12], 'big')
                        now = time.monotonic()
                        if self.ts0 is None:
                            self.ts0, self.ts_last, self.wall0 = ts, ts, now
                        else:
                            dt = (ts - self.ts_last) & 0xffffffff
                            if dt < 0x80000000:
                                self.ts_ext += dt
                                self.ts_last = ts
                        self.lag = (now - self.wall0) - self.ts_ext / 90000.0
                pos = end
            else:
                hdr_end = buf.find(b'\r\n\r\n', pos)
                if hdr_end < 0:
                    break
                head = bytes(buf[pos:hdr_end]).decode('latin-1')
                lines = head.split('\r\n')
                h = {}
                for l in lines[1:]:
                    k, _, v = l.partition(':')
                    h[k.strip().lower()] = v.strip()
                clen = int(h.get('content-length', '0'))
                if hdr_end + 4 + clen > n:
                    break
                pos = hdr_end + 4 + clen
                self.request(lines[0], h)
        del buf[:pos]

    def request(self, line, h):
        parts = line.split(' ')
        method = parts[0]
        extra = ''
        status = '200 OK'
        if method == 'ANNOUNCE' and len(parts) > 1:
            u = parts[1]
            self.path = '/' + u.split('://', 1)[-1].split('/', 1)[-1]
        elif method == 'SETUP':
            tr = h.get('transport', '')
            if 'interleaved=' not in tr:
                status = '461 Unsupported Transport'
            else:
                extra = 'Transport: %s\r\nSession: %d\r\n' % (tr, 1000 + self.id)
        elif method == 'OPTIONS':
            extra = 'Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER\r\n'
        if method in ('RECORD', 'GET_PARAMETER', 'SET_PARAMETER', 'TEARDOWN') and 'session' in h:
            extra += 'Session: %s\r\n' % h['session'].split(';')[0]
        self.t.write(('RTSP/1.0 %s\r\nCSeq: %s\r\n%sContent-Length: 0\r\n\r\n'
                      % (status, h.get('cseq', '0'), extra)).encode())


async def report():
    while True:
        await asyncio.sleep(1)
        tmp = STATUS + '.tmp'
        with open(tmp, 'w') as f:
            f.write('NOW t=%.3f\n' % time.monotonic())
            for s in sessions:
                f.write('SESSION id=%d path=%s packets=%d bytes=%d lost=%d lag_ms=%.1f\n'
                        % (s.id, s.path, s.packets, s.bytes, s.lost, s.lag * 1000))
        os.replace(tmp, STATUS)


async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(Conn, '127.0.0.1', PORT, backlog=1024)
    asyncio.ensure_future(report())
    await asyncio.sleep(SECS)
    srv.close()


asyncio.run(main())
