#!/usr/bin/python3
"""bench/webrtc-relay-gst.py PORT OUT_URL SECONDS

Anchor WebRTC relay for bench/latency-webrtc.sh, built from GStreamer's webrtcbin (the third-party
WebRTC stack the peers of ../shared/peers use): WHIP in, WHIP out, RTP passed through.

  in   a WHIP server on http://127.0.0.1:PORT/<any path>: a POSTed SDP offer is answered (201, ICE
       gathering completed first, Location /whip/session/<id>) by a receiving webrtcbin ("in",
       max-bundle, jitterbuffer `latency` = RELAY_LATENCY_MS). DELETE ends the session.
  link each src pad "in" adds (one per incoming track, RTP after its rtpbin: SRTP-decrypted, jitter
       buffer, nothing depayloaded or decoded) -> queue -> a sink pad of a second webrtcbin ("out"),
       whose transceiver gets the pad's caps as codec preferences (codec, payload type, SSRC, rtcp-fb:
       an SFU-style pass-through). The queue's output is blocked until "out" is connected, then the
       backlog goes out at once (as Sluice replays its cached GOP to a new target): the target starts
       with the stream's first keyframe and first audio packets (which the meter uses to pair flows).
       webrtcbin puts a clocksync (sync=true) behind each of its sink pads, which would hold every
       packet until its PTS (set by "in"'s jitterbuffer from the arrival time, skew-corrected: smoothed,
       and at first up to ~0.5 s late); the relay sets those to sync=false (RELAY_CLOCKSYNC=1 keeps them),
       so a packet leaves as soon as it is out of "in"'s jitterbuffer.
  out  once every track of the offer has its pad, "out" creates an offer, waits for ICE gathering and
       POSTs it (application/sdp) to OUT_URL, applies the 201 answer; DELETEs the resource at the end.
       Keyframe requests from the target travel back as upstream GstForceKeyUnit events through both
       rtpbins and reach the publisher as PLI.
  ICE  both webrtcbins: libnice restricted to 127.0.0.1, UPnP off, UDP only; IN_UDP_PORT / OUT_UDP_PORT
       pin their (single, bundled) UDP port when set (0 = libnice's choice).
  No Python runs per packet (the blocking probe's callback runs once and the probe is removed at
  connect): packet counts come from webrtcbin's get-stats at the end, so the relay's CPU and latency
  are GStreamer's own.
Env:  RELAY_LATENCY_MS=0 (the receiving jitterbuffer; webrtcbin's default is 200)  RELAY_CLOCKSYNC=0
      IN_UDP_PORT=0  OUT_UDP_PORT=0  ANSWER_TIMEOUT_S=5  RELAY_DEBUG=1 (list the pipeline's elements
      with their sync/latency/mode properties 2 s after "out" connects)
Prints: 'HTTP|...' requests, 'RELAY|...' progress (sessions, tracks with caps, ICE/connection states
of both sides, the downstream POST), then at the end
  RELAY impl=gst-webrtcbin latency_ms=L clocksync=0|1 sessions=N tracks=T out_http=STATUS out_connected=0|1
    in_packets=P out_packets=Q cpu_user_s= cpu_sys_s= maxrss_kb=
(in_packets/out_packets: RTP packets received by "in" / sent by "out", from webrtcbin's stats; cpu and
maxrss of this process over its lifetime, getrusage).
"""
import os
import re
import resource
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gi
gi.require_version('Gst', '1.0'); gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0'); gi.require_version('Nice', '0.1')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

Gst.init(None)
PORT, OUT_URL, SECS = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
if not re.match(r'^http://(127\.|localhost|\[::1\])', OUT_URL):
    print('refusing non-loopback OUT_URL %s' % OUT_URL, file=sys.stderr); sys.exit(2)
LATENCY = int(os.environ.get('RELAY_LATENCY_MS', '0'))
IN_UDP = int(os.environ.get('IN_UDP_PORT', '0'))
OUT_UDP = int(os.environ.get('OUT_UDP_PORT', '0'))
ANSWER_TIMEOUT = float(os.environ.get('ANSWER_TIMEOUT_S', '5'))
CLOCKSYNC = os.environ.get('RELAY_CLOCKSYNC', '0') == '1'
sessions = {}


def log(*a):
    print(*a, flush=True)


def make_webrtcbin(name, port):
    wb = Gst.ElementFactory.make('webrtcbin', name)
    wb.set_property('bundle-policy', GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
    ice = wb.get_property('ice-agent')
    # keep Python refs to the ICE objects (as the peers do): dropping the GstWebRTCNice wrapper (no
    # typelib) unrefs it once too often and webrtcbin later segfaults
    agent = ice.get_property('agent')
    a = Nice.Address.new(); a.set_from_string('127.0.0.1'); agent.add_local_address(a)
    agent.set_property('upnp', False)          # no SSDP/IGMP from libnice's gupnp-igd
    ice.set_property('ice-tcp', False)
    if port:
        ice.set_property('min-rtp-port', port); ice.set_property('max-rtp-port', port)
    return wb, ice, agent


def wait_promise(emit):
    """Runs a webrtcbin action with a promise and waits for it synchronously (main thread). NB: with
    PyGObject 3.42 / GStreamer 1.22, reading a promise reply inside a change_func callback segfaults."""
    p = Gst.Promise.new(); emit(p); p.wait()
    return p.get_reply()


def rtp_packets(wb, kind):
    """Sum of packets-received (kind=inbound-rtp) or packets-sent (outbound-rtp) in webrtcbin's stats."""
    try:
        st = wait_promise(lambda p: wb.emit('get-stats', None, p))
    except Exception:
        return -1
    if st is None:
        return -1
    total = [0]
    field = 'packets-received' if kind == 'inbound-rtp' else 'packets-sent'
    want = int(GstWebRTC.WebRTCStatsType.INBOUND_RTP if kind == 'inbound-rtp' else GstWebRTC.WebRTCStatsType.OUTBOUND_RTP)

    def each(_fid, value):
        if isinstance(value, Gst.Structure):
            ok, t = value.get_enum('type', GstWebRTC.WebRTCStatsType) if value.has_field('type') else (False, -1)
            if ok and int(t) == want:
                ok2, n = value.get_uint64(field)
                if ok2:
                    total[0] += n
        return True
    st.foreach(each)
    return total[0]


class Session:
    def __init__(self, sid, offer):
        self.sid, self.offer = sid, offer
        self.done = threading.Event(); self.answer = None; self.error = None
        self.expected = len([m for m in re.findall(r'^m=(\w+)', offer, re.M)])
        self.sendonly = len(re.findall(r'^a=(sendonly|sendrecv)', offer, re.M)) or self.expected
        self.tracks = []; self.blocks = []; self.offered = False
        self.out_http = 0; self.out_loc = None; self.out_state = 'new'
        self.stats = (-1, -1); self.stopped = False; self.connected = False

    def start(self):   # GLib main thread
        try:
            self.pipe = Gst.Pipeline.new('relay-' + self.sid)
            self.win, self.ice_in, self.agent_in = make_webrtcbin('in', IN_UDP)
            self.win.set_property('latency', LATENCY)
            self.wout, self.ice_out, self.agent_out = make_webrtcbin('out', OUT_UDP)
            self.pipe.add(self.win); self.pipe.add(self.wout)
            self.win.connect('pad-added', self.on_pad)
            self.win.connect('notify::ice-gathering-state', self.on_gather_in)
            for side, wb in (('in', self.win), ('out', self.wout)):
                wb.connect('notify::ice-connection-state', lambda w, p, s=side: log(
                    'RELAY|id=%s %s ice=%s' % (self.sid, s, w.get_property('ice-connection-state').value_nick)))
            self.win.connect('notify::connection-state', lambda w, p: log(
                'RELAY|id=%s in state=%s' % (self.sid, w.get_property('connection-state').value_nick)))
            self.wout.connect('notify::connection-state', self.on_out_state)
            self.wout.connect('element-added', self.on_out_element)
            self.wout.connect('notify::ice-gathering-state', self.on_gather_out)
            bus = self.pipe.get_bus(); bus.add_signal_watch(); bus.connect('message', self.on_msg)
            self.pipe.set_state(Gst.State.PLAYING)
            res, msg = GstSdp.SDPMessage.new_from_text(self.offer)
            if res != GstSdp.SDPResult.OK:
                raise RuntimeError('bad SDP offer')
            offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, msg)
            wait_promise(lambda p: self.win.emit('set-remote-description', offer, p))
            reply = wait_promise(lambda p: self.win.emit('create-answer', None, p))
            ans = reply.get_value('answer') if reply is not None and reply.has_field('answer') else None
            if ans is None:
                raise RuntimeError('create-answer failed: %s' % (reply.to_string() if reply else None))
            wait_promise(lambda p: self.win.emit('set-local-description', ans, p))
            GLib.timeout_add(int(ANSWER_TIMEOUT * 1000), self.finish_answer)
            if self.win.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
                self.finish_answer()
        except Exception as e:
            self.error = repr(e); self.done.set()
        return False

    def on_msg(self, bus, m):
        if m.type == Gst.MessageType.ERROR:
            err, dbg = m.parse_error()
            log('RELAY|id=%s error %s (%s)' % (self.sid, err.message, (dbg or '').split('\n')[0][:200]))
        elif m.type == Gst.MessageType.WARNING:
            log('RELAY|id=%s warning %s' % (self.sid, m.parse_warning()[0].message))

    def on_gather_in(self, wb, pspec):
        if wb.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(self.finish_answer)

    def finish_answer(self):
        if not self.done.is_set():
            d = self.win.get_property('local-description')
            if d is not None:
                self.answer = d.sdp.as_text()
            else:
                self.error = 'no local description'
            self.done.set()
        return False

    def on_pad(self, wb, pad):   # streaming thread of "in"
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        s = caps.get_structure(0)
        q = Gst.ElementFactory.make('queue')
        for k in ('max-size-buffers', 'max-size-bytes', 'max-size-time'):
            q.set_property(k, 0)             # unbounded: it holds the track until "out" is connected
        self.pipe.add(q)
        qsrc = q.get_static_pad('src')
        # blocks the queue's output (the callback runs once, for the first blocked item) until connected
        self.blocks.append((qsrc, qsrc.add_probe(Gst.PadProbeType.BLOCK_DOWNSTREAM, lambda p, i: Gst.PadProbeReturn.OK)))
        sink = self.wout.request_pad_simple('sink_%u')
        # the offer's m-line comes from these caps, not from a caps event that may not have arrived yet
        tr = sink.get_property('transceiver')
        tr.set_property('codec-preferences', caps)
        tr.set_property('direction', GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        qsrc.link(sink)
        pad.link(q.get_static_pad('sink'))
        q.sync_state_with_parent()
        self.tracks.append('%s/%s' % (s.get_string('media'), s.get_string('encoding-name')))
        log('RELAY|id=%s track pad=%s -> out %s caps=%s' % (self.sid, pad.get_name(), sink.get_name(),
                                                           caps.to_string()[:300]))
        if len(self.tracks) >= self.sendonly and not self.offered:
            self.offered = True
            GLib.idle_add(self.make_offer)

    def on_out_element(self, wb, e):
        # webrtcbin (1.22) paces each sink pad with a clocksync (sync=true), added when the transceiver
        # is connected during negotiation: it holds every buffer until its PTS, which "in"'s jitterbuffer
        # derived from the arrival time with skew correction (slave mode), so relayed packets would wait
        # for a smoothed, at first far later, schedule
        f = e.get_factory()
        if not CLOCKSYNC and f is not None and f.get_name() == 'clocksync':
            e.set_property('sync', False)
            log('RELAY|id=%s out %s sync=false' % (self.sid, e.get_name()))

    def make_offer(self):   # main thread
        reply = wait_promise(lambda p: self.wout.emit('create-offer', None, p))
        if reply is None or not reply.has_field('offer'):
            log('RELAY|id=%s out create-offer failed: %s' % (self.sid, reply.to_string() if reply else None))
            return False
        offer = reply.get_value('offer')
        wait_promise(lambda p: self.wout.emit('set-local-description', offer, p))
        GLib.timeout_add(3000, self.post_offer)   # if gathering never completes
        if self.wout.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            self.post_offer()
        return False

    def on_gather_out(self, wb, pspec):
        if wb.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE and self.offered:
            GLib.idle_add(self.post_offer)

    def post_offer(self):
        if getattr(self, 'posted', False) or self.stopped:
            return False
        self.posted = True
        sdp = self.wout.get_property('local-description').sdp.as_text()
        log('RELAY|id=%s out POST %s (%d bytes, %d candidates, %d m-lines)'
            % (self.sid, OUT_URL, len(sdp), sdp.count('a=candidate'), sdp.count('\nm=')))

        def worker():
            req = urllib.request.Request(OUT_URL, data=sdp.encode(), method='POST',
                                         headers={'Content-Type': 'application/sdp'})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    self.out_http = r.status; body = r.read().decode()
                    loc = r.headers.get('Location')
                    self.out_loc = urllib.parse.urljoin(OUT_URL, loc) if loc else None
            except urllib.error.HTTPError as e:
                self.out_http = e.code; log('RELAY|id=%s out HTTP error %d %s' % (self.sid, e.code, e.read()[:300]))
                return
            except Exception as e:
                log('RELAY|id=%s out POST failed %r' % (self.sid, e)); return
            log('RELAY|id=%s out HTTP %d Location=%s answer=%d bytes' % (self.sid, self.out_http, self.out_loc, len(body)))

            def apply():
                res, msg = GstSdp.SDPMessage.new_from_text(body)
                ans = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
                wait_promise(lambda p: self.wout.emit('set-remote-description', ans, p))
                return False
            GLib.idle_add(apply)
        threading.Thread(target=worker, daemon=True).start()
        return False

    def on_out_state(self, wb, pspec):
        st = wb.get_property('connection-state')
        self.out_state = st.value_nick
        log('RELAY|id=%s out state=%s' % (self.sid, self.out_state))
        if st == GstWebRTC.WebRTCPeerConnectionState.CONNECTED:
            self.connected = True
            held = [q.get_parent_element().get_property('current-level-buffers') for q, _ in self.blocks]
            for p, pid in self.blocks:
                p.remove_probe(pid)
            self.blocks = []
            log('RELAY|id=%s forwarding %d track(s), %s packets held until now' % (self.sid, len(held), '+'.join(map(str, held))))
            if os.environ.get('RELAY_DEBUG'):
                GLib.timeout_add(2000, self.dump_elements)

    def dump_elements(self):
        def walk(b, depth):
            it = b.iterate_elements()
            while True:
                r, e = it.next()
                if r != Gst.IteratorResult.OK:
                    break
                props = {p.name for p in e.list_properties()}
                info = ['%s=%s' % (n, e.get_property(n)) for n in ('sync', 'async', 'latency', 'mode',
                        'do-retransmission', 'max-size-time', 'leaky') if n in props]
                log('RELAY|debug %s%s (%s) %s' % ('  ' * depth, e.get_name(), e.get_factory().get_name()
                                                  if e.get_factory() else '?', ' '.join(info)))
                if isinstance(e, Gst.Bin):
                    walk(e, depth + 1)
        walk(self.pipe, 0)
        return False

    def stop(self):   # main thread
        if self.stopped:
            return False
        self.stopped = True
        self.stats = (rtp_packets(self.win, 'inbound-rtp'), rtp_packets(self.wout, 'outbound-rtp'))
        if self.out_loc:
            try:
                with urllib.request.urlopen(urllib.request.Request(self.out_loc, method='DELETE'), timeout=3) as r:
                    log('RELAY|id=%s out DELETE -> %d' % (self.sid, r.status))
            except Exception as e:
                log('RELAY|id=%s out DELETE failed %r' % (self.sid, e))
        self.pipe.set_state(Gst.State.NULL)
        log('RELAY|id=%s stopped in_packets=%d out_packets=%d' % (self.sid, self.stats[0], self.stats[1]))
        return False


class H(BaseHTTPRequestHandler):
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
        self.send_header('Content-Length', str(len(body))); self.end_headers()
        if body:
            self.wfile.write(body)

    def do_POST(self):
        b = self.body()
        log('HTTP|POST %s len=%d' % (self.path, len(b)))
        if 'v=0' not in b:
            return self.reply(400, b'expected application/sdp offer\n', 'text/plain')
        sid = uuid.uuid4().hex[:12]
        s = Session(sid, b)
        sessions[sid] = s
        GLib.idle_add(s.start)
        if not s.done.wait(ANSWER_TIMEOUT + 2) or s.answer is None:
            log('RELAY|id=%s error=%s' % (sid, s.error or 'answer timeout'))
            return self.reply(500, (s.error or 'timeout').encode(), 'text/plain')
        log('RELAY|id=%s answered candidates=%d' % (sid, s.answer.count('a=candidate')))
        self.reply(201, s.answer.encode(), 'application/sdp', (('Location', '/whip/session/' + sid),))

    def do_DELETE(self):
        sid = self.path.rstrip('/').split('/')[-1]
        log('HTTP|DELETE %s' % self.path)
        s = sessions.get(sid)
        if not s:
            return self.reply(404)
        GLib.idle_add(s.stop); self.reply(200)

    def do_PATCH(self):
        self.body(); self.reply(405)


httpd = ThreadingHTTPServer(('127.0.0.1', PORT), H)
httpd.daemon_threads = True
threading.Thread(target=httpd.serve_forever, daemon=True).start()
log('HTTP|WHIP relay on http://127.0.0.1:%d/ (any path) -> %s, latency=%d ms' % (PORT, OUT_URL, LATENCY))
loop = GLib.MainLoop()
GLib.timeout_add(int(SECS * 1000), loop.quit)
loop.run()
for s in list(sessions.values()):
    s.stop()
ru = resource.getrusage(resource.RUSAGE_SELF)
inp = sum(max(s.stats[0], 0) for s in sessions.values()); outp = sum(max(s.stats[1], 0) for s in sessions.values())
last = list(sessions.values())[-1] if sessions else None
log('RELAY impl=gst-webrtcbin latency_ms=%d clocksync=%d sessions=%d tracks=%d out_http=%d out_connected=%d in_packets=%d '
    'out_packets=%d cpu_user_s=%.2f cpu_sys_s=%.2f maxrss_kb=%d'
    % (LATENCY, CLOCKSYNC, len(sessions), sum(len(s.tracks) for s in sessions.values()), last.out_http if last else 0,
       int(bool(last and last.connected)), inp, outp, ru.ru_utime, ru.ru_stime, ru.ru_maxrss))
sys.stdout.flush()
os._exit(0)
