#!/usr/bin/python3
# gst-camera-rtsp.py PORT PATH seconds [frames] [tcp|udp|all] [user:pass]
#   A camera-like RTSP PLAY server (third-party: GStreamer 1.22 GstRtspServer) for pull-source tests:
#   rtsp://127.0.0.1:PORT/PATH serves H264 High with 2 B-frames, 640x360@30, GOP 4 s (pay0, PT 96) and
#   (no scene-cut keyframes: every GOP is 120 frames) and AAC 48 kHz (pay1, PT 97, MPEG4-GENERIC), shared by all clients. With `frames` > 0 the camera sends that
#   many video frames from the first PLAY on, then stops (EOS) and answers 404, so a test knows exactly what
#   was served.
#   `tcp` refuses UDP SETUP (461) as cameras behind firewalls do; `user:pass` requires Digest auth.
# Prints: 'CAMERA|serving ...', 'CLIENT|n connected', 'CAMERA|eos' when the frames are sent, and at the end
#   'SERVED clients=N video_frames=V keyframes=K'
import sys, os, signal, gi
gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); gi.require_version('GstRtsp', '1.0')
from gi.repository import Gst, GstRtspServer, GstRtsp, GLib
Gst.init(None)
port, path, secs = sys.argv[1], sys.argv[2].lstrip('/'), float(sys.argv[3])
frames = int(sys.argv[4]) if len(sys.argv) > 4 else 0
protocols = sys.argv[5] if len(sys.argv) > 5 else 'all'
cred = sys.argv[6] if len(sys.argv) > 6 else ''
gop = 4 * 30
nb = ' num-buffers=%d' % frames if frames > 0 else ''
# audio stops with the video: 1024 samples per buffer at 48 kHz
anb = ' num-buffers=%d' % int(frames / 30 * 48000 / 1024) if frames > 0 else ''
v = ('videotestsrc is-live=true pattern=ball%s ! video/x-raw,width=640,height=360,framerate=30/1 ! videoconvert ! '
     'x264enc speed-preset=superfast bitrate=1500 key-int-max=%d bframes=2 b-adapt=false option-string="scenecut=0" ! video/x-h264,profile=high ! '
     'rtph264pay name=pay0 pt=96 config-interval=-1' % (nb, gop))
a = (' audiotestsrc is-live=true wave=sine freq=440 samplesperbuffer=1024%s ! audioconvert ! audioresample ! '
     'audio/x-raw,rate=48000,channels=1 ! avenc_aac bitrate=64000 ! rtpmp4gpay name=pay1 pt=97' % anb)
server = GstRtspServer.RTSPServer(); server.set_address('127.0.0.1'); server.set_service(port)
f = GstRtspServer.RTSPMediaFactory(); f.set_launch('( ' + v + a + ' )'); f.set_shared(True)
f.set_eos_shutdown(False)
if protocols == 'tcp':
    f.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
elif protocols == 'udp':
    f.set_protocols(GstRtsp.RTSPLowerTrans.UDP)
if cred:
    user, pw = cred.split(':', 1)
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', user)
    auth.add_digest(user, pw, token)
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role(user, 'media.factory.access', True)
    perms.add_permission_for_role(user, 'media.factory.construct', True)
    f.set_permissions(perms)
server.get_mount_points().add_factory('/' + path, f)
n = [0]; vf = [0]; kf = [0]
def on_client(srv, client):
    n[0] += 1
    print('CLIENT|%d connected' % n[0], flush=True)
def count(pad, info):
    buf = info.get_buffer()
    vf[0] += 1
    if not buf.has_flags(Gst.BufferFlags.DELTA_UNIT):
        kf[0] += 1
    return Gst.PadProbeReturn.OK
def unmount():
    server.get_mount_points().remove_factory('/' + path)
    return False
def on_eos(pad, info):
    if info.get_event().type == Gst.EventType.EOS:
        print('CAMERA|eos video_frames=%d keyframes=%d' % (vf[0], kf[0]), flush=True)
        GLib.idle_add(unmount)  # a finite camera serves its frames once: later DESCRIBEs get 404
    return Gst.PadProbeReturn.OK
def on_configure(factory, media):
    pay = media.get_element().get_by_name('pay0').get_static_pad('sink')
    pay.add_probe(Gst.PadProbeType.BUFFER, count)
    pay.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, on_eos)
f.connect('media-configure', on_configure)
server.connect('client-connected', on_client)
if server.attach(None) == 0:
    print('CAMERA|cannot bind', port, flush=True); sys.exit(1)
print('CAMERA|serving rtsp://127.0.0.1:%s/%s protocols=%s' % (port, path, protocols), flush=True)
loop = GLib.MainLoop(); GLib.timeout_add(int(secs * 1000), loop.quit)
def on_term(*a):
    print("CAMERA|terminated", flush=True); loop.quit()
signal.signal(signal.SIGTERM, on_term)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_term)
loop.run()
print('SERVED clients=%d video_frames=%d keyframes=%d' % (n[0], vf[0], kf[0]), flush=True)
os._exit(0)
