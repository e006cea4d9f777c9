// Shared by publish.html and read.html: WebrtcPages puts this file in place of their include line
// when it loads a page, so the browser still gets one self-contained page.
// It uses the page's globals endpoint (the WHIP or WHEP URL), params (the page's query), statusText,
// pc (the page's current RTCPeerConnection), session (its session URL) and the page's fail(reason).

function setStatus(text) {
  statusText.textContent = text;
  console.info('sluice ' + document.title + ': ' + text); // for the browser console (and headless tests)
}

// Credentials come from the page URL, so a link can carry them: ?user=&pass= or ?token=.
function authHeaders() {
  if (params.has('user')) {
    const bytes = new TextEncoder().encode(params.get('user') + ':' + (params.get('pass') || ''));
    return { Authorization: 'Basic ' + btoa(String.fromCharCode(...bytes)) };
  }
  if (params.has('token')) {
    return { Authorization: 'Bearer ' + params.get('token') };
  }
  return {};
}

// ICE servers come from the endpoint's Link headers (RFC 9725 §4.4), e.g.
// <turn:host:3478>; rel="ice-server"; username="u"; credential="p"
async function iceServers() {
  try {
    const res = await fetch(endpoint, { method: 'OPTIONS', headers: authHeaders() });
    const servers = [];
    // Several Link headers arrive joined by commas; quoted values may hold commas too.
    for (const m of (res.headers.get('Link') || '').matchAll(/<([^>]+)>((?:[^,"]|"[^"]*")*)/g)) {
      const attrs = {};
      for (const a of m[2].matchAll(/;\s*([\w-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g)) {
        attrs[a[1].toLowerCase()] = a[2] ?? a[3];
      }
      if (attrs.rel === 'ice-server') {
        servers.push(attrs.username ? { urls: m[1], username: attrs.username, credential: attrs.credential } : { urls: m[1] });
      }
    }
    return servers;
  } catch (e) {
    return [];
  }
}

// No trickle ICE: the offer goes out with its candidates, after at most 2 s of gathering.
function gathered(peer) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, 2000);
    const check = () => {
      if (peer.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    };
    peer.addEventListener('icegatheringstatechange', check);
    check();
  });
}

// The WHIP/WHEP exchange (RFC 9725 §4.2): the offer with its candidates goes out, the answer comes back and
// the Location becomes the page's session. Shows connectedStatus once media flows. Returns false when the
// page moved on to another connection meanwhile (stopped, or retrying): that session is deleted at once.
async function exchange(peer, connectedStatus) {
  peer.onconnectionstatechange = () => {
    if (peer !== pc) return;
    if (peer.connectionState === 'connected') setStatus(connectedStatus);
    if (peer.connectionState === 'failed') fail('connection failed');
  };
  await peer.setLocalDescription(await peer.createOffer());
  await gathered(peer);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { ...authHeaders(), 'Content-Type': 'application/sdp' },
    body: peer.localDescription.sdp,
  });
  if (res.status !== 201) {
    throw new Error(res.status + ' ' + (await res.text()).trim());
  }
  const url = new URL(res.headers.get('Location'), location.href).href;
  if (peer !== pc) { // stopped while the answer was on its way: end the session nobody will use
    fetch(url, { method: 'DELETE', headers: authHeaders() }).catch(() => {});
    return false;
  }
  session = url;
  await peer.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return true;
}

// Ends the page's session (DELETE, keepalive so that it survives the page going away) and its connection.
function disconnect() {
  if (session) {
    fetch(session, { method: 'DELETE', headers: authHeaders(), keepalive: true }).catch(() => {});
    session = null;
  }
  if (pc) {
    pc.close();
    pc = null;
  }
}
