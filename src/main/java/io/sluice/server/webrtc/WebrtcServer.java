package io.sluice.server.webrtc;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.netty.handler.ssl.SslContext;
import io.sluice.conf.Conf;
import io.sluice.conf.TlsServerConf;
import io.sluice.net.ServerTls;
import io.sluice.conf.PathConf;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.http.HttpListener;
import io.sluice.net.webrtc.DtlsCertificate;
import io.sluice.net.webrtc.IcePair;
import io.sluice.net.webrtc.IceServer;
import io.sluice.net.webrtc.WebrtcTcpMux;
import io.sluice.net.webrtc.WebrtcRuntime;
import io.sluice.net.webrtc.WebrtcTransport;
import io.sluice.net.webrtc.WebrtcUdpMux;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.webrtc.DtlsFingerprint;
import io.sluice.protocol.webrtc.DtlsSetup;
import io.sluice.protocol.webrtc.IceCandidate;
import io.sluice.protocol.webrtc.IceParams;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcSession;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcServer is Sluice's WebRTC server: WHIP publishers and WHEP readers over HTTP on
 * {@code webrtcAddress}, with every peer connection's ICE, DTLS and SRTP on the one UDP port of
 * {@code webrtcLocalUDPAddress}, or, for clients that cannot use UDP, on the one ICE-TCP port of
 * {@code webrtcLocalTCPAddress} when that is set.
 *
 * <p>From {@link #start()} on only the HTTP listener and the ports are up: ice4j, the DTLS certificate and the
 * SRTP warm-up start with the first WHIP/WHEP offer ({@link WebrtcRuntime}, {@link WebrtcUdpMux}).
 */
public final class WebrtcServer implements WebrtcSessions, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcServer.class);
    /** A peer connection that is not up this long after the answer is dropped (ICE or DTLS never finished). */
    static final long CONNECT_TIMEOUT_MS = 20_000;

    private volatile Conf conf;
    private final NetLoops loops;
    private final PathManager paths;
    private final WebrtcRuntime runtime;
    private final Supplier<Authorizer> auth;
    private final Refusals refusals;
    private final Map<String, WebrtcPeerSession> sessions = new ConcurrentHashMap<>();
    private final List<String> iceLinks;
    private WebrtcUdpMux mux;
    /** Null when webrtcLocalTCPAddress is "" (no ICE-TCP). */
    private WebrtcTcpMux tcpMux;
    /** WHIP/WHEP and the pages, answered by a {@link WebrtcHttpRouter}. */
    private HttpListener http;
    private volatile boolean closed;

    /** @param auth the authorizer in force, asked on every WHIP/WHEP offer (a reload may replace it) */
    public WebrtcServer(Conf conf, NetLoops loops, PathManager paths, WebrtcRuntime runtime, Supplier<Authorizer> auth,
            Refusals refusals) {
        this.conf = conf;
        this.refusals = refusals;
        this.loops = loops;
        this.paths = paths;
        this.runtime = runtime;
        this.auth = auth;
        List<String> links = new ArrayList<>();
        for (String s : conf.webrtc().iceServers()) {
            links.add(IceServer.parse(s).linkHeader());
        }
        this.iceLinks = List.copyOf(links);
    }

    /** Binds the UDP port, then the HTTP server; throws naming the address that is taken. */
    public void start() throws Exception {
        TlsServerConf https = conf.webrtc().tls();
        // the files first: a bad key fails start-up before anything is bound
        SslContext tls = https.encryption().tls() ? ServerTls.context("webrtc", https) : null;
        mux = new WebrtcUdpMux(conf.webrtc().localUdpAddress(), conf.webrtc().additionalHosts());
        mux.start();
        if (!conf.webrtc().lazyStart()) {
            // ready for the first peer: ice4j now, the certificate and SRTP warm-up on a thread of their own
            try {
                mux.startIce();
            } catch (IOException | RuntimeException e) {
                mux.close();
                throw e;
            }
            runtime.prepareInBackground();
        }
        if (!conf.webrtc().localTcpAddress().isEmpty()) {
            tcpMux = new WebrtcTcpMux(conf.webrtc().localTcpAddress(), conf.webrtc().additionalHosts());
            try {
                tcpMux.start();
            } catch (IOException | RuntimeException e) {
                mux.close();
                throw e;
            }
        }
        http = WebrtcHttpRouter.listener(conf.webrtc().address(), loops, this, () -> this.conf.limits(), refusals);
        if (tls != null) {
            http.useTls(tls, conf.limits().handshakeTimeout());
        }
        http.start();
        LOG.info("WebRTC server on {} ({}, WHIP/WHEP), ICE on UDP {}{}", conf.webrtc().address(),
                tls != null ? "HTTPS" : "HTTP", mux.port(), tcpMux == null ? "" : " and TCP " + tcpMux.port());
    }

    public int httpPort() {
        return http.port();
    }

    public int udpPort() {
        return mux.port();
    }

    /** The ICE-TCP port, -1 when webrtcLocalTCPAddress is "". */
    public int tcpPort() {
        return tcpMux == null ? -1 : tcpMux.port();
    }

    /** Sessions currently open (publishers and readers). */
    public int sessionCount() {
        return sessions.size();
    }

    /**
     * The selected ICE pair of every session whose ICE connected, by its id in the session registry (the
     * API's session id). Any thread.
     */
    public Map<String, IcePair> icePairs() {
        Map<String, IcePair> out = new HashMap<>();
        for (WebrtcPeerSession s : sessions.values()) {
            String id = s.registryId();
            IcePair p = s.icePair();
            if (id != null && p != null) {
                out.put(id, p);
            }
        }
        return out;
    }

    /**
     * Takes settings that apply without rebinding (timeouts, queue sizes, accepted transports): the next
     * sessions and checks use them. Listen addresses and TLS files need a new server.
     */
    public void update(Conf next) {
        conf = next;
    }

    Conf conf() {
        return conf;
    }

    NetLoops loops() {
        return loops;
    }

    PathManager paths() {
        return paths;
    }

    SessionRegistry sessions() {
        return paths.sessions();
    }

    @Override
    public WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException {
        return publish(path, offerSdp, credentials, remoteAddress, "");
    }

    @Override
    public WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException {
        return read(path, offerSdp, credentials, remoteAddress, "");
    }

    @Override
    public WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        runtime.prepare(); // the SRTP warm-up overlaps this session's checks, ICE and DTLS
        String user = checkAccess(path, credentials, remoteAddress, AuthAction.PUBLISH, query);
        WebrtcSession offer = parseOffer(offerSdp);
        String id = UUID.randomUUID().toString();
        WebrtcPublishSession s = new WebrtcPublishSession(this, id, path, remoteAddress, user);
        s.query = query;
        return open(s, offer);
    }

    @Override
    public WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        runtime.prepare();
        String user = checkAccess(path, credentials, remoteAddress, AuthAction.READ, query);
        WebrtcSession offer = parseOffer(offerSdp);
        String id = UUID.randomUUID().toString();
        WebrtcReadSession s = new WebrtcReadSession(this, id, path, remoteAddress, user);
        s.query = query;
        return open(s, offer);
    }

    private WebrtcAnswer open(WebrtcPeerSession s, WebrtcSession offer) throws WebrtcHttpException {
        if (closed) {
            throw new WebrtcHttpException(503, "server is stopping");
        }
        int max = conf.limits().maxSessions();
        if (max > 0 && sessions.size() >= max) { // a check, not a reservation: concurrent offers may pass it together
            refusals.refuse("webrtc", Refusals.Cause.MAX_SESSIONS, s.remote,
                    "server already holds " + max + " WebRTC sessions (maxSessions)");
            throw new WebrtcHttpException(503, "too many sessions");
        }
        DtlsCertificate cert = runtime.certificate();
        WebrtcTransport t = WebrtcTransport.forServer(mux, tcpMux, cert, s);
        String answer;
        try {
            LocalEndpoint local = localEndpoint(t, cert);
            answer = s.negotiate(t, offer, local);
        } catch (WebrtcNegotiationException e) {
            t.close();
            throw new WebrtcHttpException(400, e.getMessage());
        } catch (PathException e) {
            t.close();
            throw httpError(e, s.remote);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        sessions.put(s.id(), s);
        try {
            t.start(offer.ice().ufrag(), offer.ice().pwd(),
                    offer.fingerprint().algorithm() + " " + offer.fingerprint().value(),
                    offer.setup() == null ? "actpass" : offer.setup().sdp(),
                    offer.candidates().stream().map(IceCandidate::sdp).toList());
        } catch (RuntimeException e) {
            remove(s);
            s.close();
            throw e;
        }
        s.armConnectTimeout(CONNECT_TIMEOUT_MS);
        s.register();
        return new WebrtcAnswer(s.id(), answer, null);
    }

    private LocalEndpoint localEndpoint(WebrtcTransport t, DtlsCertificate cert) {
        List<IceCandidate> cands = new ArrayList<>();
        for (String c : t.localCandidates()) {
            try {
                cands.add(IceCandidate.parse(c));
            } catch (SdpException e) {
                LOG.warn("skipping a local ICE candidate Sluice cannot describe: {} ({})", c, e.getMessage());
            }
        }
        return new LocalEndpoint(new IceParams(t.localUfrag(), t.localPwd()),
                new DtlsFingerprint("sha-256", cert.fingerprintSha256()), DtlsSetup.PASSIVE, cands, "sluice");
    }

    private static WebrtcSession parseOffer(String sdp) throws WebrtcHttpException {
        try {
            return WebrtcSession.parse(sdp);
        } catch (SdpException e) {
            throw new WebrtcHttpException(400, "invalid SDP offer: " + e.getMessage());
        }
    }

    /** The reply for a refusal of the path layer; bad names and limits are counted (and so logged) there. */
    private WebrtcHttpException httpError(PathException e, String remote) {
        boolean counted = paths.countRefusal("webrtc", remote, e);
        return new WebrtcHttpException(switch (e.reason()) {
            case BUSY -> 409;
            case NOT_CONFIGURED, NO_STREAM -> 404;
            case BAD_NAME -> 400;
            case MAX_PATHS, MAX_READERS, START_TIMEOUT -> 503;
        }, e.getMessage(), counted);
    }

    @Override
    public boolean badPathName(String remoteAddress, String reason) {
        return paths.countRefusal("webrtc", remoteAddress, new PathException(PathException.Reason.BAD_NAME, reason));
    }

    /**
     * The user the credentials authenticate as ("" when none are needed); 404 or 401 otherwise. A reader waits
     * here for an on-demand stream, which it starts with its query (runOnDemand's MTX_QUERY).
     */
    private String checkAccess(String path, WebrtcCredentials c, String remote, AuthAction action, String query)
            throws WebrtcHttpException {
        PathConf pc = paths.confFor(path);
        if (pc == null) {
            throw new WebrtcHttpException(404, "path '" + path + "' is not configured");
        }
        String user = WebrtcAuth.authenticate(auth.get(), action, path, pc, c, ipOf(remote));
        if (user == null) {
            String what = action == AuthAction.PUBLISH ? "publish to" : "read";
            if (!c.user().isEmpty() || !c.pass().isEmpty()) {
                LOG.warn("[webrtc {}] wrong credentials ({}) to {} '{}'", remote,
                        c.user().isEmpty() ? "token" : "user '" + c.user() + "'", what, path);
            }
            throw new WebrtcHttpException(401, "wrong or missing credentials to " + what + " '" + path + "'");
        }
        // maxPaths and maxReaders (and a missing stream) are refused before any ICE agent is made; the
        // session layer checks again as it attaches, since others may have come meanwhile.
        try {
            if (action == AuthAction.PUBLISH) {
                refuseIfBusy(path);
                paths.checkPublish(path);
            } else {
                awaitReadable(path, query);
            }
        } catch (PathException e) {
            throw httpError(e, remote);
        }
        return user;
    }

    /**
     * Refuses a WHIP offer at once (409) when the path has a publisher it may not replace; otherwise the
     * takeover, if any, waits until the new session is connected (see {@link WebrtcPublishSession}).
     */
    private void refuseIfBusy(String path) throws PathException {
        Path p = paths.get(path);
        if (p != null && p.refusesNewPublisher()) {
            throw new PathException(PathException.Reason.BUSY, "path '" + path + "' already has a publisher ("
                    + p.publisherDescription() + "), which a new one may not replace (overridePublisher: no)");
        }
    }

    /**
     * Returns once the path has a stream to read: at once, or after an on-demand path brought it. This is an
     * HTTP handler's virtual thread, so the WHEP answer simply waits (the path's start timeout bounds it); a
     * client that gave up meanwhile gets its session undone when the answer cannot be delivered.
     */
    private void awaitReadable(String path, String query) throws PathException {
        CompletableFuture<Path> ready = paths.readableAsync(path, query);
        try {
            ready.get();
        } catch (InterruptedException e) {
            ready.cancel(false);
            Thread.currentThread().interrupt();
            throw new PathException(PathException.Reason.NO_STREAM, "server closing while '" + path + "' started");
        } catch (ExecutionException e) {
            throw PathException.of(e);
        }
    }

    /** The IP of a peer given as "ip:port" or "[v6]:port" (how the HTTP layer formats it). */
    static InetAddress ipOf(String remote) throws WebrtcHttpException {
        int colon = remote.lastIndexOf(':');
        String host = colon < 0 ? remote : remote.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new WebrtcHttpException(400, "unknown client address");
        }
    }

    @Override
    public String patch(String path, String sessionId, String sdpFrag, String ifMatch) throws WebrtcHttpException {
        WebrtcPeerSession s = session(path, sessionId);
        for (String line : sdpFrag.split("\r?\n")) {
            String l = line.strip();
            if (l.startsWith("a=ice-ufrag:") && !l.substring(12).equals(s.remoteUfrag())) {
                throw new WebrtcHttpException(422, "ICE restart is not supported: POST a new offer instead");
            }
            if (l.startsWith("a=candidate:")) {
                s.addRemoteCandidate(l.substring(2));
            }
        }
        return null;
    }

    @Override
    public void delete(String path, String sessionId) throws WebrtcHttpException {
        WebrtcPeerSession s = session(path, sessionId);
        remove(s);
        s.close();
    }

    private WebrtcPeerSession session(String path, String id) throws WebrtcHttpException {
        WebrtcPeerSession s = sessions.get(id);
        if (s == null || !s.path().equals(path)) {
            throw new WebrtcHttpException(404, "no session '" + id + "' on path '" + path + "'");
        }
        return s;
    }

    @Override
    public List<String> iceServerLinks() {
        return iceLinks;
    }

    /** Called by a session when it ended by itself. */
    void remove(WebrtcPeerSession s) {
        sessions.remove(s.id(), s);
    }

    /** Closes the HTTP server (no new sessions), every session, then the UDP port. */
    @Override
    public void close() {
        closed = true;
        if (http != null) {
            http.close();
        }
        for (WebrtcPeerSession s : List.copyOf(sessions.values())) {
            s.close();
        }
        sessions.clear();
        if (mux != null) {
            mux.close();
        }
        if (tcpMux != null) {
            tcpMux.close();
        }
    }
}
