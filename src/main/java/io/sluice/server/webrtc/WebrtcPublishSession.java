package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.path.PathException;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtp.KeyframeRequestLimiter;
import io.sluice.protocol.rtp.RtcpFeedback;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.webrtc.Ingest;
import io.sluice.protocol.webrtc.IngestTrack;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcNegotiator;
import io.sluice.protocol.webrtc.WebrtcSession;
import io.sluice.protocol.webrtc.WebrtcToStream;
import io.sluice.stream.Stream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * WebrtcPublishSession is one WHIP publisher: its decrypted RTP goes into the path's stream as
 * received; readers' keyframe requests go back to it as PLIs; it gets receiver reports and NACKs for
 * what went missing.
 */
final class WebrtcPublishSession extends WebrtcPeerSession {
    /** Keyframe requests from many readers reach the publisher at most this often. */
    static final Duration KEYFRAME_REQUEST_INTERVAL = Duration.ofMillis(500);
    static final long FEEDBACK_INTERVAL_MS = 50;
    static final int FEEDBACKS_PER_REPORT = 20;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final long ourSsrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final KeyframeRequestLimiter limiter =
            new KeyframeRequestLimiter(InstantSource.system(), KEYFRAME_REQUEST_INTERVAL);
    private List<IngestTrack> tracks;
    private WebrtcToStream ingest;
    private Publisher publisher;
    private ScheduledFuture<?> feedback;
    private int feedbackTicks;
    private volatile long lastRtpNanos = System.nanoTime();

    WebrtcPublishSession(WebrtcServer server, String id, String path, String remote, String user) {
        super(server, id, path, remote, user, "publish", server.loops().next());
    }

    @Override
    SessionRegistry.Role role() {
        return SessionRegistry.Role.PUBLISH;
    }

    @Override
    long bytes() {
        return transport.bytesReceived();
    }

    @Override
    String setUp(WebrtcSession offer, LocalEndpoint local) throws WebrtcNegotiationException, PathException {
        Ingest in = WebrtcNegotiator.answerPublish(offer, local);
        tracks = in.tracks();
        publisher = server.paths().publish(path, in.desc(), loop, "webrtcSession " + remote, this::kick);
        Stream stream = publisher.stream();
        ingest = new WebrtcToStream(stream, tracks, alloc);
        stream.setKeyframeRequester(this::requestKeyframe);
        LOG.info("{} publishing to '{}': {}", tag, path, in.desc().medias().stream()
                .map(m -> m.format().rtpmap()).toList());
        return in.answerSdp();
    }

    @Override
    void started() {
        feedback = loop.scheduleAtFixedRate(this::feedback, FEEDBACK_INTERVAL_MS, FEEDBACK_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onRtp(ByteBuf rtp, long receivedNanos) {
        if (isClosed()) {
            rtp.release();
            return;
        }
        lastRtpNanos = receivedNanos;
        ingest.write(rtp, receivedNanos);
    }

    @Override
    long nanosSinceHeard() {
        return System.nanoTime() - lastRtpNanos;
    }

    @Override
    public void onRtcp(ByteBuf rtcp, long receivedNanos) {
        try {
            for (RtcpPacket p : RtcpPacket.parseCompound(rtcp)) {
                if (p instanceof RtcpPacket.SenderReport sr) {
                    ingest.senderReport(sr.ssrc(), sr.ntpTime(), sr.rtpTimestamp(), receivedNanos);
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("{} malformed RTCP from the publisher: {}", tag, e.getMessage());
        } finally {
            rtcp.release();
        }
    }

    /** Any thread (readers call it through the stream); rate-limited. */
    private void requestKeyframe() {
        if (isClosed() || !limiter.tryRequest()) {
            return;
        }
        for (long ssrc : ingest.videoSsrcs()) {
            ByteBuf pli = RtcpFeedback.pli(alloc, ourSsrc, ssrc);
            try {
                transport.sendRtcp(pli);
            } finally {
                pli.release();
            }
        }
    }

    /** On the loop: NACKs for missing packets now, receiver reports every second. */
    private void feedback() {
        if (isClosed()) {
            return;
        }
        for (ByteBuf b : ingest.nacks(ourSsrc)) {
            try {
                transport.sendRtcp(b);
            } finally {
                b.release();
            }
        }
        if (++feedbackTicks % FEEDBACKS_PER_REPORT == 0) {
            for (ByteBuf b : ingest.receiverReports(ourSsrc)) {
                try {
                    transport.sendRtcp(b);
                } finally {
                    b.release();
                }
            }
        }
    }

    @Override
    void tearDown() {
        if (feedback != null) {
            feedback.cancel(false);
        }
        if (publisher != null) {
            LOG.info("{} stopped publishing '{}' ({} packets, {} bad)", tag, path, ingest.packets(),
                    ingest.dropped());
            publisher.close();
        }
    }
}
