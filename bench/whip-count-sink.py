#!/usr/bin/python3
"""whip-count-sink.py PORT STATUS_FILE SECONDS — many-session WHIP target for bench/fanout-webrtc.sh.

One python3 process that serves WHIP (RFC 9725) on http://127.0.0.1:PORT/<any path> and hosts every
session in its own GStreamer webrtcbin: ICE (libnice), DTLS and SRTP are GStreamer's, a third-party
WebRTC stack, so Sluice's sender is checked by a real receiver. Nothing is decoded: each track that
webrtcbin exposes (RTP after its jitter buffer) goes to a fakesink, and a buffer probe on the pad
counts RTP packets, bytes and RTP sequence gaps (= packets lost, after NACK/retransmission had its
chance) per session and kind, and the video lag growth as rtsp-record-sink.py does:
  lag = wall time since the first video packet - RTP time (90 kHz) since the first video packet.

HTTP: POST application/sdp -> 201 + answer (host candidates on 127.0.0.1 only, gathered before the
answer, so no trickle is needed) and Location: /whip/session/<id>; PATCH (trickle fragment) -> 204;
DELETE -> 200 and the session's pipeline is stopped (its counters stay in the status file);
OPTIONS -> 204.

Every STATUS_S (default 1) seconds, and at once on SIGUSR1, it rewrites STATUS_FILE (write + rename)
with a first line
  NOW t=<monotonic s> sessions=S
and one line per session, in POST order:
  SESSION id=N path=/sX/tY/whip state=<webrtcbin connection state> video_packets=V audio_packets=A
    packets=P bytes=B lost=L video_lost=LV audio_lost=LA lag_ms=G late=J video_frames=F
    video_codec=C audio_codec=C
(one line; video_frames = RTP marker bits on the video track, one per frame; codecs as in the caps; lost = sequence gaps on the output of webrtcbin, LV + LA; late = packets its jitter buffers
dropped as too late, read from their stats, already part of lost when nothing else filled the gap).
Exits after SECONDS (or on SIGTERM/SIGINT).

Env: JB_LATENCY_MS=200 (webrtcbin's jitter-buffer latency), STATUS_S=1, ANSWER_TIMEOUT_S=8 (a POST not
     answered by then gets a 500 and its session is dropped: below Sluice's 10 s request timeout, so an
     overloaded sink does not keep building pipelines for requests their client gave up on),
     SINK_DEBUG=1 (one stderr line per sequence gap).

Notes from peers/sink-whip.sh, which this follows: libnice is limited to 127.0.0.1 and its UPnP is
off; GStreamer promises are waited on synchronously (reading a reply in a PyGObject promise callback
segfaults with PyGObject 3.42 / GStreamer 1.22); Python references to the ICE objects are kept
(dropping the wrapper of GstWebRTCNice unrefs it once too often).
"""
import os
import signal
import sys
import threading
import time
import uuid

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
gi.require_version('Nice', '0.1')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

Gst.init(None)
PORT, STATUS, SECS = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
JB_LATENCY_MS = int(os.environ.get('JB_LATENCY_MS', '200'))
STATUS_S = float(os.environ.get('STATUS_S', '1'))
ANSWER_TIMEOUT = float(os.environ.get('ANSWER_TIMEOUT_S', '8'))
OK = Gst.PadProbeReturn.OK
DEBUG = os.environ.get('SINK_DEBUG') == '1'

sessions = []          # in POST order
by_sid = {}
glock = threading.Lock()


class Track:
    """Counters of one received track; updated by its streaming thread, read by the status writer."""
    __slots__ = ('kind', 'codec', 'packets', 'bytes', 'lost', 'markers', 'last', 'ts0', 'ts_last', 'ts_ext',
                 'wall0', 'lag')

    def __init__(self, kind, codec):
        self.kind = kind
        self.codec = codec
        self.packets = self.bytes = self.lost = self.markers = 0
        self.last = -1
        self.ts0 = None
        self.ts_last = self.ts_ext = 0
        self.wall0 = self.lag = 0.0

    def probe(self, pad, info):
        buf = info.get_buffer()
        hdr = buf.extract_dup(0, 8)
        self.packets += 1
        self.bytes += buf.get_size()
        seq = (hdr[2] << 8) | hdr[3]
        if hdr[1] & 0x80:
            self.markers += 1
        if self.last >= 0:
            d = (seq - self.last) & 0xffff
            if 1 < d < 0x8000:
                self.lost += d - 1
                if DEBUG:
                    print('gap %s %d -> %d at %.3f after %d packets' % (self.kind, self.last, seq, time.monotonic(),
                                                                        self.packets), file=sys.stderr, flush=True)
        self.last = seq
        if self.kind == 'video':
            ts = int.from_bytes(hdr[4:8], 'big')
            now = time.monotonic()
            if self.ts0 is None:
                self.ts0, self.ts_last, self.wall0 = ts, ts, now
            else:
                dt = (ts - self.ts_last) & 0xffffffff
                if dt < 0x80000000:
                    self.ts_ext += dt
                    self.ts_last = ts
            self.lag = (now - self.wall0) - self.ts_ext / 90000.0
        return OK


class Session:
    def __init__(self, sid, path, offer):
        self.sid, self.path, self.offer = sid, path, offer
        self.id = 0
        self.done = threading.Event()
        self.answer = self.error = None
        self.tracks = []
        self.jbufs = []
        self.late = 0
        self.state = 'new'
        self.cancelled = False
        self.pipe = self.wb = self.ice = self.agent = None

    # -- on the GLib main thread --
    def start(self):
        if self.cancelled:  # the POST gave up before this ran: no pipeline for nobody
            return False
        try:
            self.pipe = Gst.Pipeline.new('whip-' + self.sid)
            wb = self.wb = Gst.ElementFactory.make('webrtcbin', 'wb')
            wb.set_property('bundle-policy', GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
            wb.set_property('latency', JB_LATENCY_MS)
            self.pipe.add(wb)
            self.ice = wb.get_property('ice-agent')
            self.agent = self.ice.get_property('agent')
            a = Nice.Address.new()
            a.set_from_string('127.0.0.1')
            self.agent.add_local_address(a)
            self.agent.set_property('upnp', False)
            rtpbin = wb.get_by_name('rtpbin')
            if rtpbin is not None:
                rtpbin.connect('new-jitterbuffer', self.on_jitterbuffer)
            wb.connect('pad-added', self.on_pad)
            wb.connect('notify::ice-gathering-state', self.on_gather)
            wb.connect('notify::connection-state', self.on_state)
            self.pipe.set_state(Gst.State.PLAYING)
            res, msg = GstSdp.SDPMessage.new_from_text(self.offer)
            if res != GstSdp.SDPResult.OK:
                raise RuntimeError('bad SDP offer')
            offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
            p = Gst.Promise.new()
            wb.emit('set-remote-description', offer, p)
            p.wait()
            p = Gst.Promise.new()
            wb.emit('create-answer', None, p)
            p.wait()
            reply = p.get_reply()
            ans = reply.get_value('answer') if reply is not None and reply.has_field('answer') else None
            if ans is None:
                raise RuntimeError('create-answer failed: %s' % (reply.to_string() if reply else None))
            p = Gst.Promise.new()
            wb.emit('set-local-description', ans, p)
            p.wait()
            GLib.timeout_add(int(ANSWER_TIMEOUT * 500), self.finish_answer)  # gathering never completed
            if wb.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
                self.finish_answer()
        except Exception as e:  # reported to the HTTP client as a 500
            self.error = repr(e)
            self.done.set()
        return False

    def finish_answer(self):
        if not self.done.is_set():
            d = self.wb.get_property('local-description')
            if d is not None:
                self.answer = d.sdp.as_text()
            else:
                self.error = 'no local description'
            self.done.set()
        return False

    def stop(self, state='deleted'):
        if self.pipe is not None:
            self.late = self.late_now()
            self.pipe.set_state(Gst.State.NULL)
            self.pipe = None
            self.jbufs = []
        self.state = state
        return False

    def late_now(self):
        n = 0
        for jb in list(self.jbufs):
            st = jb.get_property('stats')
            if st is not None:
                ok, v = st.get_uint64('num-late')
                n += v if ok else 0
        return n

    # -- on GStreamer threads --
    def on_gather(self, wb, pspec):
        if wb.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.finish_answer)

    def on_state(self, wb, pspec):
        self.state = wb.get_property('connection-state').value_nick

    def on_jitterbuffer(self, rtpbin, jb, session, ssrc):
        self.jbufs.append(jb)

    def on_pad(self, wb, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        st = caps.get_structure(0)
        kind = st.get_string('media') or '?'
        tr = Track(kind, (st.get_string('encoding-name') or '?').lower())
        self.tracks.append(tr)
        sink = Gst.ElementFactory.make('fakesink')
        sink.set_property('sync', False)
        sink.set_property('async', False)
        sink.set_property('enable-last-sample', False)
        self.pipe.add(sink)
        pad.add_probe(Gst.PadProbeType.BUFFER, tr.probe)
        pad.link(sink.get_static_pad('sink'))
        sink.sync_state_with_parent()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *a):
        pass

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n).decode('utf-8', 'replace') if n else ''

    def reply(self, code, body=b'', ctype=None, extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        if ctype:
            self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_OPTIONS(self):
        self.reply(204, extra=(('Access-Control-Allow-Methods', 'POST, PATCH, DELETE, OPTIONS'),))

    def do_POST(self):
        b = self.body()
        if 'v=0' not in b:
            return self.reply(400, b'expected an application/sdp offer\n', 'text/plain')
        s = Session(uuid.uuid4().hex[:12], self.path.split('?')[0], b)
        with glock:
            s.id = len(sessions)
            sessions.append(s)
            by_sid[s.sid] = s
        GLib.idle_add(s.start)
        if not s.done.wait(ANSWER_TIMEOUT) or s.answer is None:
            print('whip-count-sink: session %d %s: %s' % (s.id, s.path, s.error or 'answer timeout'),
                  file=sys.stderr, flush=True)
            s.cancelled = True
            GLib.idle_add(s.stop, 'error')
            return self.reply(500, (s.error or 'timeout').encode(), 'text/plain')
        self.reply(201, s.answer.encode(), 'application/sdp',
                   (('Location', '/whip/session/' + s.sid), ('ETag', '"%s"' % s.sid)))

    def do_PATCH(self):
        self.body()
        s = by_sid.get(self.path.rstrip('/').split('/')[-1])
        self.reply(204 if s else 404)

    def do_DELETE(self):
        s = by_sid.get(self.path.rstrip('/').split('/')[-1])
        if not s:
            return self.reply(404)
        GLib.idle_add(s.stop)
        self.reply(200)


def write_status():
    with glock:
        ss = list(sessions)
    lines = ['NOW t=%.3f sessions=%d' % (time.monotonic(), len(ss))]
    for s in ss:
        n = {'video': 0, 'audio': 0}
        gaps = {'video': 0, 'audio': 0}
        p = b = lost = 0
        lag = 0.0
        frames = 0
        codecs = {'video': 'none', 'audio': 'none'}
        for tr in list(s.tracks):
            if tr.kind in codecs:
                codecs[tr.kind] = tr.codec
            p += tr.packets
            b += tr.bytes
            lost += tr.lost
            if tr.kind in n:
                n[tr.kind] += tr.packets
                gaps[tr.kind] += tr.lost
            if tr.kind == 'video':
                lag = tr.lag
                frames += tr.markers
        late = s.late_now() if s.pipe is not None else s.late
        lines.append('SESSION id=%d path=%s state=%s video_packets=%d audio_packets=%d packets=%d bytes=%d '
                     'lost=%d video_lost=%d audio_lost=%d lag_ms=%.1f late=%d video_frames=%d video_codec=%s '
                     'audio_codec=%s'
                     % (s.id, s.path, s.state, n['video'], n['audio'], p, b, lost, gaps['video'], gaps['audio'],
                        lag * 1000, late, frames, codecs['video'], codecs['audio']))
    tmp = STATUS + '.tmp'
    with open(tmp, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.replace(tmp, STATUS)
    return True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024   # listen backlog: every target of a step may POST at once

    def handle_error(self, request, client_address):
        # one line, not a traceback: e.g. a client that gave up waiting for an answer (BrokenPipeError)
        print('whip-count-sink: HTTP client %s:%d: %r' % (client_address + (sys.exc_info()[1],)),
              file=sys.stderr, flush=True)


def main():
    httpd = Server(('127.0.0.1', PORT), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    loop = GLib.MainLoop()
    GLib.timeout_add(int(SECS * 1000), loop.quit)
    GLib.timeout_add(int(STATUS_S * 1000), write_status)
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, lambda *_: loop.quit() or False)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGUSR1, lambda *_: write_status())
    write_status()
    loop.run()
    write_status()
    os._exit(0)  # no pipeline teardown: hundreds of webrtcbins take long to stop and nobody waits for it


if __name__ == '__main__':
    main()
