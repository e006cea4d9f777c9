package io.sluice.forward.whip;

import io.netty.channel.EventLoop;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.net.webrtc.DtlsCertificate;
import io.sluice.net.webrtc.IceServer;
import io.sluice.net.webrtc.WebrtcClientEvents;
import io.sluice.net.webrtc.WebrtcHttpClient;
import io.sluice.net.webrtc.WebrtcStreamWriter;
import io.sluice.net.webrtc.WebrtcTransport;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.webrtc.DtlsFingerprint;
import io.sluice.protocol.webrtc.DtlsSetup;
import io.sluice.protocol.webrtc.EgressTrack;
import io.sluice.protocol.webrtc.IceCandidate;
import io.sluice.protocol.webrtc.IceParams;
import io.sluice.protocol.webrtc.Egress;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.Offer;
import io.sluice.protocol.webrtc.SkippedMedia;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcNegotiator;
import io.sluice.protocol.webrtc.WebrtcSession;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WhipDest pushes a stream to a remote WHIP server (RFC 9725): an SDP offer with the tracks WebRTC can
 * carry, ICE as the controlling agent, DTLS, then the stream's RTP packets as received with only SSRC,
 * payload type and sequence number rewritten — the same writer local WHEP readers use. The resource is
 * DELETEd when the session stops.
 */
public final class WhipDest implements Dest {
    private static final Logger LOG = LoggerFactory.getLogger(WhipDest.class);

    /**
     * A remote that sends no RTCP for this long (or readTimeout, if longer) is taken as gone. Chromium
     * reports every second, but GStreamer keeps RFC 3550's 5 s minimum interval, randomized to up to
     * 7.5 s; ICE consent would take 30 s to notice a vanished peer.
     */
    static final Duration MAX_RTCP_SILENCE = Duration.ofSeconds(12);
    static final long SILENCE_POLL_MS = 250;

    private final ForwardDest conf;
    private final DestUrl.Whip url;
    private final DtlsCertificate cert;
    private final WhipSequences sequences;
    private final Duration connectTimeout;
    private final String bindHost;
    private final String name;
    private final WebrtcClientEvents events = new WebrtcClientEvents(new Packets());
    private volatile WebrtcStreamWriter writer;
    private volatile WhipLink linkMonitor;
    private volatile Map<String, Number> lastLink = Map.of();

    /**
     * @param bindHost local address for ICE host candidates, null for every interface
     */
    public WhipDest(ForwardDest conf, DtlsCertificate cert, WhipSequences sequences, Duration connectTimeout,
            String bindHost) {
        this.conf = conf;
        this.url = (DestUrl.Whip) conf.url();
        this.cert = cert;
        this.sequences = sequences;
        this.connectTimeout = connectTimeout;
        this.bindHost = bindHost;
        this.name = "[forward " + conf.id() + " " + conf.redactedUrl() + "]";
    }

    @Override
    public void run(DestContext ctx) throws Exception {
        WhipEndpoint endpoint = WhipEndpoint.of(url);
        if (endpoint.warning() != null) {
            LOG.warn("{} {}", name, endpoint.warning());
        }
        String token = !url.token().isEmpty() ? url.token() : conf.password();
        try (WebrtcHttpClient http = new WebrtcHttpClient("WHIP", endpoint.uri(), token, connectTimeout,
                conf.webrtcConfig().fingerprint())) {
            List<IceServer> ice = new ArrayList<>();
            for (String s : conf.webrtcConfig().iceServers()) {
                ice.add(IceServer.parse(s));
            }
            ice.addAll(http.iceServers()); // the remote's own STUN/TURN (Link headers on OPTIONS)
            WebrtcTransport t = WebrtcTransport.forClient(cert, ice,
                    bindHost != null ? bindHost : WebrtcTransport.clientBindHost(endpoint.uri().getHost()),
                    conf.webrtcConfig().relayOnly(), events);
            try {
                session(ctx, http, t);
            } finally {
                WebrtcStreamWriter s = writer;
                if (s != null) {
                    remember(ctx.loop(), s);
                    lastLink = link();
                    s.close();
                }
                t.close();
                http.delete();
            }
        }
    }

    private void session(DestContext ctx, WebrtcHttpClient http, WebrtcTransport t) throws Exception {
        List<IceCandidate> cands = new ArrayList<>();
        for (String c : t.localCandidates()) {
            cands.add(IceCandidate.parse(c));
        }
        LocalEndpoint local = new LocalEndpoint(new IceParams(t.localUfrag(), t.localPwd()),
                new DtlsFingerprint("sha-256", cert.fingerprintSha256()), DtlsSetup.ACTPASS, cands, "sluice");
        Offer offer = WebrtcNegotiator.offerForward(ctx.stream().desc(), local);
        if (offer.tracks().isEmpty()) {
            throw new IOException("no track of the stream can be carried by WebRTC: " + offer.skipped());
        }
        String answerSdp = http.post(offer.sdp());
        Egress egress;
        WebrtcSession answer;
        try {
            answer = WebrtcSession.parse(answerSdp);
            egress = WebrtcNegotiator.acceptAnswer(offer, answer);
        } catch (SdpException | WebrtcNegotiationException e) {
            throw new IOException("the WHIP server's answer is unusable: " + e.getMessage(), e);
        }
        t.start(answer.ice().ufrag(), answer.ice().pwd(),
                answer.fingerprint().algorithm() + " " + answer.fingerprint().value(),
                answer.setup() == null ? "passive" : answer.setup().sdp(),
                answer.candidates().stream().map(IceCandidate::sdp).toList());
        events.awaitConnected(t, endpoint(http), connectTimeout);
        List<TrackStatus> tracks = new ArrayList<>();
        for (EgressTrack e : egress.tracks()) {
            tracks.add(TrackStatus.forwarded(e.streamMedia(), e.format().codec().name()));
        }
        for (SkippedMedia s : egress.skipped()) { // the offer's skipped tracks and those the remote rejected
            tracks.add(TrackStatus.skipped(s.streamMedia(), s.codec(), s.reason()));
        }
        tracks.sort(java.util.Comparator.comparingInt(TrackStatus::media));
        WebrtcStreamWriter s = new WebrtcStreamWriter(name, t, ctx.stream(), ctx.loop(), egress.tracks(),
                sequences.get(conf), ctx.queueCapacity(), LOG);
        WhipLink link = WhipLinks.attach(name, answer, egress, t, s, ctx, LOG);
        linkMonitor = link;
        writer = s;
        ctx.linkStats(this::link);
        ctx.icePair(t.icePair());
        ctx.forwarding(tracks, s.queue());
        s.start();
        LOG.info("{} connected via {}", name, t.selectedPair());
        Duration maxSilence = connectTimeout.compareTo(MAX_RTCP_SILENCE) > 0 ? connectTimeout : MAX_RTCP_SILENCE;
        long nextTick = System.nanoTime();
        while (!events.awaitEnd(SILENCE_POLL_MS)) {
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                link.tick(now);
                nextTick = now + WhipLinks.TICK_NANOS;
            }
            if (s.nanosSinceRemoteRtcp() > maxSilence.toNanos()) {
                throw new IOException("no RTCP from the WHIP server for " + maxSilence.toSeconds()
                        + " s: it is gone (" + t.packetsReceived() + " packets received this session, "
                        + t.decryptErrors() + " undecryptable)");
            }
        }
    }

    private static String endpoint(WebrtcHttpClient http) {
        return http.uri().getHost() + ":" + http.uri().getPort();
    }

    /** Keeps the next sequence numbers for this target's next session (read on the loop that writes them). */
    private void remember(EventLoop loop, WebrtcStreamWriter s) {
        try {
            sequences.put(conf, loop.submit(s::nextSequences).get(1, TimeUnit.SECONDS));
        } catch (Exception e) {
            LOG.debug("{} sequence numbers not kept: {}", name, e.toString());
        }
    }

    private Map<String, Number> link() {
        WebrtcStreamWriter s = writer;
        if (s == null) {
            return lastLink;
        }
        Map<String, Number> m = new java.util.LinkedHashMap<>(s.figures());
        WhipLink l = linkMonitor;
        if (l != null) {
            m.putAll(l.figures());
        }
        return m;
    }

    /**
     * Ends the session: {@link #run} wakes up and, on the runner's thread, closes the transport and DELETEs
     * the resource. Not here: closing a transport releases its TURN allocations and waits for the TURN
     * server's answer (bounded), and the caller may be an event loop (DestRunner.stop).
     */
    @Override
    public void close() {
        events.close();
    }

    /** The peer's packets, on the transport's thread. */
    private final class Packets implements WebrtcClientEvents.Packets {
        @Override
        public void onRtp(io.netty.buffer.ByteBuf rtp, long receivedNanos) {
            rtp.release(); // a WHIP server sends no media
        }

        @Override
        public void onRtcp(io.netty.buffer.ByteBuf rtcp, long receivedNanos) {
            WebrtcStreamWriter s = writer;
            if (s == null) {
                rtcp.release();
            } else {
                s.onRtcp(rtcp);
            }
        }
    }
}
