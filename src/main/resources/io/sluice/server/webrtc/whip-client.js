// Shared by publish.html and read.html: WebrtcPages puts this file in place of their include line
// when it loads a page, so the browser still gets one self-contained page.
// It uses the page's globals endpoint (the WHIP or WHEP URL), params (the page's query) and statusText.

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
