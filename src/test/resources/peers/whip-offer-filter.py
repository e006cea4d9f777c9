#!/usr/bin/python3
# whip-offer-filter.py LISTEN_PORT TARGET_WHIP_URL seconds URI...
#   A WHIP proxy on 127.0.0.1:LISTEN_PORT that removes the a=extmap lines of the given header extension
#   URIs from the offer before it POSTs it to TARGET_WHIP_URL, so a browser publisher negotiates as an
#   older client would (no transport-wide-cc: REMB instead). The answer and its status come back as they
#   are; Location is rewritten to this proxy, which forwards the DELETE.
#   With LINK set (env), OPTIONS is answered 204 with that Link header (a WHIP server advertising its
#   STUN/TURN servers, draft-ietf-wish-whip §4.6); without it OPTIONS gets 405.
# Prints: 'LISTENING port', 'FILTER removed=N' per offer, 'OPTIONS' per OPTIONS, 'DELETE status'.
import os, sys, threading, urllib.request, urllib.parse, urllib.error
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
port, target, secs, uris = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4:]
origin = urllib.parse.urlparse(target)
sessions = {}

class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *a): pass
    def reply(self, code, body=b'', headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        lines = self.rfile.read(n).decode().split('\r\n')
        kept = [l for l in lines if not (l.startswith('a=extmap:') and l.split(' ', 1)[-1].strip() in uris)]
        print('FILTER removed=%d' % (len(lines) - len(kept)), flush=True)
        req = urllib.request.Request(target, data='\r\n'.join(kept).encode(), method='POST',
                                     headers={'Content-Type': 'application/sdp'})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                code, body, loc = r.status, r.read(), r.headers.get('Location')
        except urllib.error.HTTPError as e:
            code, body, loc = e.code, e.read(), None
        extra = [('Content-Type', 'application/sdp')]
        if loc:
            sid = str(len(sessions))
            sessions[sid] = urllib.parse.urljoin(target, loc)
            extra.append(('Location', '/session/' + sid))
        self.reply(code, body, extra)
    def do_OPTIONS(self):
        print('OPTIONS', flush=True)
        link = os.environ.get('LINK')
        self.reply(204, headers=[('Link', link)]) if link else self.reply(405)
    def do_DELETE(self):
        loc = sessions.get(self.path.rsplit('/', 1)[-1])
        if not loc:
            return self.reply(404)
        try:
            with urllib.request.urlopen(urllib.request.Request(loc, method='DELETE'), timeout=5) as r: code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
        print('DELETE %d' % code, flush=True)
        self.reply(code)

httpd = ThreadingHTTPServer(('127.0.0.1', port), H); httpd.daemon_threads = True
threading.Timer(secs, httpd.shutdown).start()
print('LISTENING %d' % port, flush=True)
httpd.serve_forever()
