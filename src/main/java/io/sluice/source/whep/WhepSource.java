package io.sluice.source.whep;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.conf.DestUrl;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.webrtc.DtlsCertificate;
import io.sluice.net.webrtc.IceServer;
import io.sluice.net.webrtc.WebrtcClientEvents;
import io.sluice.net.webrtc.SrtpWarmUp;
import io.sluice.net.webrtc.WebrtcHttpClient;
import io.sluice.net.webrtc.WebrtcReceiverFeedback;
import io.sluice.net.webrtc.WebrtcTransport;
import io.sluice.path.Publisher;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.webrtc.DtlsFingerprint;
import io.sluice.protocol.webrtc.DtlsSetup;
import io.sluice.protocol.webrtc.IceCandidate;
import io.sluice.protocol.webrtc.IceParams;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.PullIngest;
import io.sluice.protocol.webrtc.PullOffer;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcNegotiator;
import io.sluice.protocol.webrtc.WebrtcSession;
import io.sluice.protocol.webrtc.WebrtcToStream;
import io.sluice.source.Source;
import io.sluice.source.SourceContext;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WhepSource pulls a path's stream from a remote WHEP server ({@code source: whep://host:8889/path/whep},
 * wheps://, http://, https://), as an edge Sluice reads an origin: it POSTs a recvonly offer with every codec
 * Sluice carries (Bearer token from {@code whepBearerToken} or the URL's {@code ?token=}), reads the answer
 * and its Location, connects ICE (controlling) and DTLS with the client transport WHIP targets use, then
 * publishes the answered tracks and writes the remote's RTP into the stream as a WHIP publisher's is written
 * ({@link WebrtcToStream}: RTX repaired, padding dropped), with PLIs for readers' keyframe requests, NACKs and
 * receiver reports going back ({@link WebrtcReceiverFeedback}). The resource is DELETEd when the session ends.
 *
 * <p>Threads: {@link #run} sets up and waits on the runner's thread. Media is written to the stream on the
 * transport's receive thread, as WHIP ingest does, rather than on {@link SourceContext#loop()}: the
 * transport reads in a blocking loop of its own, and handing every packet to the event loop would add a
 * thread hop per packet; the stream is written by that one thread only. Feedback runs on the loop.
 */
public final class WhepSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(WhepSource.class);
    static final long SILENCE_POLL_MS = 250;

    private final String tag;
    private final SourceConf conf;
    private final DestUrl.Whip url;
    private final DtlsCertificate cert;
    private final Duration timeout;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final WebrtcClientEvents events = new WebrtcClientEvents(new Packets());
    private volatile WebrtcTransport transport;
    private volatile WebrtcToStream ingest;
    private volatile WebrtcReceiverFeedback feedback;
    private volatile long lastRtpNanos;

    /**
     * @param timeout the HTTP requests' and the ICE/DTLS connection's limit, and how long the remote may send
     *     no media before the session is taken as gone (readTimeout)
     */
    public WhepSource(String pathName, SourceConf conf, DtlsCertificate cert, Duration timeout) {
        this.conf = conf;
        this.url = (DestUrl.Whip) ((SourceUrl.Remote) conf.url()).url();
        this.cert = cert;
        this.timeout = timeout;
        this.tag = "[whepSource " + pathName + " " + conf.redactedUrl() + "]";
    }

    /** The endpoint to POST to: the URL as written, over http(s), without its token. */
    static URI endpoint(DestUrl.Whip url) {
        return WebrtcHttpClient.uri(url.tls(), url.host(), url.port(), url.path());
    }

    /** {@code whepBearerToken} wins over the URL's {@code ?token=}. */
    static String token(SourceConf conf, DestUrl.Whip url) {
        return !conf.whepBearerToken().isEmpty() ? conf.whepBearerToken() : url.token();
    }

    /** sourceFingerprint as FingerprintTrust takes it (lower-case hex, no colons); only for wheps/https. */
    static String fingerprint(SourceConf conf, DestUrl.Whip url) {
        return url.tls() ? conf.fingerprint().replace(":", "").toLowerCase(Locale.ROOT) : "";
    }

    @Override
    public void run(SourceContext ctx) throws Exception {
        URI uri = endpoint(url);
        try (WebrtcHttpClient http = new WebrtcHttpClient("WHEP", uri, token(conf, url), timeout,
                fingerprint(conf, url))) {
            List<IceServer> ice = new ArrayList<>(http.iceServers()); // the remote's own STUN/TURN, if it says
            WebrtcTransport t = WebrtcTransport.forClient(cert, ice, WebrtcTransport.clientBindHost(uri.getHost()),
                    events);
            transport = t;
            Publisher publisher = null;
            try {
                // before the remote starts sending: else the first packets wait for the warm-up, counted as silence
                if (!SrtpWarmUp.awaitDone(timeout)) {
                    LOG.debug("{} SRTP warm-up still running after {} ms", tag, timeout.toMillis());
                }
                PullIngest in = negotiate(http, t);
                events.awaitConnected(t, url.host() + ":" + url.port(), timeout);
                publisher = ctx.publish(in.desc());
                Stream stream = publisher.stream();
                WebrtcToStream w = new WebrtcToStream(stream, in.tracks(), alloc);
                WebrtcReceiverFeedback f = new WebrtcReceiverFeedback(tag, t, w, ctx.loop(), alloc, LOG);
                feedback = f;
                lastRtpNanos = System.nanoTime();
                ingest = w; // from here on the transport's thread writes to the stream
                stream.setKeyframeRequester(f::requestKeyframe);
                f.start();
                ctx.linkStats(() -> figures(t, w));
                LOG.info("{} connected via {}, publishing {}", tag, t.selectedPair(),
                        in.desc().medias().stream().map(m -> m.format().rtpmap()).toList());
                watch(t, w);
            } finally {
                WebrtcReceiverFeedback f = feedback;
                if (f != null) {
                    f.close();
                }
                t.close(); // joins the transport's thread: nothing writes to the stream after this
                if (publisher != null) {
                    publisher.close();
                }
                http.delete();
            }
        }
    }

    /** POSTs the offer and reads the answer into the tracks the remote will send. */
    private PullIngest negotiate(WebrtcHttpClient http, WebrtcTransport t) throws IOException, InterruptedException {
        List<IceCandidate> cands = new ArrayList<>();
        for (String c : t.localCandidates()) {
            try {
                cands.add(IceCandidate.parse(c));
            } catch (SdpException e) { // ice4j's own output: not expected
                throw new IOException("local ICE candidate '" + c + "' unusable: " + e.getMessage(), e);
            }
        }
        LocalEndpoint local = new LocalEndpoint(new IceParams(t.localUfrag(), t.localPwd()),
                new DtlsFingerprint("sha-256", cert.fingerprintSha256()), DtlsSetup.ACTPASS, cands, "sluice");
        PullOffer offer = WebrtcNegotiator.offerPull(local);
        String answerSdp = http.post(offer.sdp());
        WebrtcSession answer;
        PullIngest in;
        try {
            answer = WebrtcSession.parse(answerSdp);
            in = WebrtcNegotiator.acceptPull(offer, answer);
        } catch (SdpException | WebrtcNegotiationException e) {
            throw new IOException("the WHEP server's answer is unusable: " + e.getMessage(), e);
        }
        if (!in.skipped().isEmpty()) {
            LOG.info("{} {}", tag, String.join("; ", in.skipped()));
        }
        try {
            t.start(answer.ice().ufrag(), answer.ice().pwd(),
                    answer.fingerprint().algorithm() + " " + answer.fingerprint().value(),
                    answer.setup() == null ? "passive" : answer.setup().sdp(),
                    answer.candidates().stream().map(IceCandidate::sdp).toList());
        } catch (IllegalArgumentException e) {
            throw new IOException("the WHEP server's answer is unusable: " + e.getMessage(), e);
        }
        return in;
    }

    /** Waits until the session ends: closed (returns), the peer connection ended or the media stopped (throws). */
    private void watch(WebrtcTransport t, WebrtcToStream w) throws IOException, InterruptedException {
        while (!events.awaitEnd(SILENCE_POLL_MS)) {
            long silentNanos = System.nanoTime() - lastRtpNanos;
            if (silentNanos > timeout.toNanos()) {
                throw new IOException("no media from the WHEP server for " + timeout.toMillis()
                        + " ms (readTimeout): it is gone (" + w.packets() + " packets this session, "
                        + t.decryptErrors() + " undecryptable)");
            }
        }
    }

    private static Map<String, Number> figures(WebrtcTransport t, WebrtcToStream w) {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("packetsReceived", t.packetsReceived());
        m.put("bytesReceived", t.bytesReceived());
        m.put("rtpPacketsWritten", w.packets());
        m.put("rtpPacketsDropped", w.dropped());
        m.put("undecryptable", t.decryptErrors());
        return m;
    }

    /** Ends the session: {@link #run} returns. Any thread. */
    @Override
    public void close() {
        events.close();
        WebrtcTransport t = transport;
        if (t != null) {
            t.close();
        }
    }

    /** The peer's packets, on the transport's thread. */
    private final class Packets implements WebrtcClientEvents.Packets {
        @Override
        public void onRtp(ByteBuf rtp, long receivedNanos) {
            WebrtcToStream w = ingest;
            if (w == null) {
                rtp.release(); // before the stream exists; a keyframe is asked for once it does
                return;
            }
            lastRtpNanos = receivedNanos;
            w.write(rtp, receivedNanos);
        }

        @Override
        public void onRtcp(ByteBuf rtcp, long receivedNanos) {
            WebrtcReceiverFeedback f = feedback;
            if (f == null) {
                rtcp.release();
            } else {
                f.onRtcp(rtcp, receivedNanos);
            }
        }
    }
}
