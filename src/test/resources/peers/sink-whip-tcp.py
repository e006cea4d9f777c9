#!/usr/bin/python3
# sink-whip-tcp.py SINK_WHIP_SH PORT seconds
#   The shared WHIP target peer (shared/peers/sink-whip.sh: python3 http.server + GStreamer webrtcbin/libnice),
#   run with two changes made to its embedded Python at start, so both stay the third-party stack's own code:
#   - libnice gathers TCP only (agent properties ice-udp=false, ice-tcp=true): the answer offers only
#     RFC 6544 tcp candidates (tcptype active port 9 and passive), as a WHIP server behind a UDP-blocking
#     network; a client must connect to the passive one.
#   - every received track counts RTP sequence-number gaps (packets missing between two received ones),
#     printed as 'GAPS video=N audio=M' after the shared script's RECEIVED line.
#   Each patch point is checked: if sink-whip.sh changes, this exits with 'PATCH|missing ...'.
# Args: SINK_WHIP_SH (path of shared/peers/sink-whip.sh) PORT seconds
import os, re, sys

script, port, secs = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(script).read()
m = re.search(r"<<'PYEOF'\n(.*?)\nPYEOF\n", text, re.S)
if not m:
    print('PATCH|missing the PYEOF heredoc in %s' % script, flush=True)
    sys.exit(2)
src = m.group(1)

PATCHES = [
    # TCP only: before gathering starts (set-remote-description comes later in start())
    ("self.agent.set_property('upnp', False)",
     "self.agent.set_property('upnp', False); self.agent.set_property('ice-udp', False); "
     "self.agent.set_property('ice-tcp', True)"),
    # per-track sequence gaps
    ("tr = {'kind': kind, 'codec': codec, 'rtp': 0, 'frames': 0, 'bytes': 0}",
     "tr = {'kind': kind, 'codec': codec, 'rtp': 0, 'frames': 0, 'bytes': 0, 'gaps': 0, 'last': None}"),
    ("tr['rtp'] += 1; tr['bytes'] += info.get_buffer().get_size(); return Gst.PadProbeReturn.OK",
     "tr['rtp'] += 1; tr['bytes'] += info.get_buffer().get_size(); count_gap(tr, info.get_buffer()); "
     "return Gst.PadProbeReturn.OK"),
    ("class Session:",
     "def count_gap(tr, buf):\n"
     "    b = buf.extract_dup(2, 2)\n"
     "    seq = b[0] << 8 | b[1]\n"
     "    if tr['last'] is not None:\n"
     "        d = (seq - tr['last']) & 0xffff\n"
     "        if 1 < d < 0x8000: tr['gaps'] += d - 1\n"
     "    if tr['last'] is None or 0 < ((seq - tr['last']) & 0xffff) < 0x8000: tr['last'] = seq\n"
     "\n"
     "class Session:"),
    ("os._exit(0)",
     "gv = sum(tr['gaps'] for s in sessions.values() for tr in s.tracks.values() if tr['kind'] == 'video')\n"
     "ga = sum(tr['gaps'] for s in sessions.values() for tr in s.tracks.values() if tr['kind'] == 'audio')\n"
     "log('GAPS video=%d audio=%d' % (gv, ga))\n"
     "os._exit(0)"),
]
for old, new in PATCHES:
    if src.count(old) != 1:
        print('PATCH|missing %r in %s' % (old, script), flush=True)
        sys.exit(2)
    src = src.replace(old, new)

sys.argv = ['whip_server.py', port, secs]
exec(compile(src, 'sink-whip.sh (TCP only)', 'exec'))
