#!/usr/bin/python3
# gst-read-rtsp.py URL seconds [tcp|udp]
#   Reader peer (third-party: GStreamer 1.22 rtspsrc + decodebin). Plays URL for `seconds`, decodes
#   every stream and counts decoded frames per stream.
# Prints: READ proto=rtsp-gst video=CAPS frames=N audio=CAPS frames=M
import sys
import gi
gi.require_version('Gst', '1.0')
from gi.repository import Gst, GLib
Gst.init(None)
url, secs = sys.argv[1], float(sys.argv[2])
proto = sys.argv[3] if len(sys.argv) > 3 else 'tcp'
counts = {}
pipe = Gst.Pipeline.new('r')
src = Gst.ElementFactory.make('rtspsrc')
src.set_property('location', url)
src.set_property('latency', 0)
src.set_property('protocols', 4 if proto == 'tcp' else 1)

def on_decoded_pad(dbin, pad):
    caps = pad.get_current_caps() or pad.query_caps(None)
    kind = caps.to_string().split('/')[0]
    sink = Gst.ElementFactory.make('fakesink')
    sink.set_property('sync', False)
    sink.set_property('async', False)
    pipe.add(sink)
    sink.sync_state_with_parent()
    pad.link(sink.get_static_pad('sink'))
    counts.setdefault(kind, 0)
    def probe(p, info):
        counts[kind] += 1
        return Gst.PadProbeReturn.OK
    sink.get_static_pad('sink').add_probe(Gst.PadProbeType.BUFFER, probe)

def on_src_pad(s, pad):
    dec = Gst.ElementFactory.make('decodebin')
    dec.connect('pad-added', on_decoded_pad)
    pipe.add(dec)
    dec.sync_state_with_parent()
    pad.link(dec.get_static_pad('sink'))

src.connect('pad-added', on_src_pad)
pipe.add(src)
loop = GLib.MainLoop()
bus = pipe.get_bus()
bus.add_signal_watch()
def on_msg(b, m):
    if m.type == Gst.MessageType.ERROR:
        print('LOG|error', m.parse_error()[0].message, flush=True)
        loop.quit()
    elif m.type == Gst.MessageType.EOS:
        loop.quit()
bus.connect('message', on_msg)
pipe.set_state(Gst.State.PLAYING)
GLib.timeout_add(int(secs * 1000), loop.quit)
loop.run()
pipe.set_state(Gst.State.NULL)
print('READ proto=rtsp-gst video=%s frames=%d audio=%s frames=%d' % (
    'raw' if 'video' in counts else 'none', counts.get('video', 0),
    'raw' if 'audio' in counts else 'none', counts.get('audio', 0)), flush=True)
