package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.path.PathException;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtp.KeyframeRequestLimiter;
import io.sluice.protocol.rtp.RembEstimator;
import io.sluice.protocol.rtp.RtcpFeedback;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.rtp.RtpHeaderExtensions;
import io.sluice.protocol.webrtc.Ingest;
import io.sluice.protocol.webrtc.IngestFeedback;
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
 * what went missing, and the congestion feedback its answer negotiated ({@link IngestFeedback}):
 * transport-cc feedback from a {@link TransportCcRecorder}, or REMB from a {@link RembEstimator}.
 *
 * <p>Threads: packets arrive on the transport's thread; all feedback is sent from the session's event
 * loop, by one timer started when media can flow and cancelled at close.
 */
final class WebrtcPublishSession extends WebrtcPeerSession {
    /** Keyframe requests from many readers reach the publisher at most this often. */
    static final Duration KEYFRAME_REQUEST_INTERVAL = Duration.ofMillis(500);
    static final long FEEDBACK_INTERVAL_MS = 50;
    static final int FEEDBACKS_PER_REPORT = 20;
    /** REMB every half second, as the estimate is updated. */
    static final int FEEDBACKS_PER_REMB = 10;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final long ourSsrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final KeyframeRequestLimiter limiter =
            new KeyframeRequestLimiter(InstantSource.system(), KEYFRAME_REQUEST_INTERVAL);
    private List<IngestTrack> tracks;
    private WebrtcToStream ingest;
    private IngestFeedback congestion = IngestFeedback.NONE;
    /** Non-null when transport-cc was negotiated. */
    private TransportCcRecorder twcc;
    /** Non-null when REMB was negotiated (and transport-cc was not); guarded by itself. */
    private RembEstimator remb;
    private long rembSent;
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
        congestion = in.feedback();
        if (congestion.transportCc()) {
            twcc = new TransportCcRecorder(System.nanoTime());
        } else if (congestion.remb()) {
            remb = new RembEstimator();
        }
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
        if (twcc != null) {
            int at = RtpHeaderExtensions.find(rtp, congestion.transportCcExtId(), 2);
            if (at >= 0) {
                twcc.received(rtp.getUnsignedShort(at), rtp.getUnsignedInt(rtp.readerIndex() + 8), receivedNanos,
                        rtp.readableBytes());
            }
        } else if (remb != null) {
            int at = RtpHeaderExtensions.find(rtp, congestion.absSendTimeExtId(), 3);
            synchronized (remb) {
                remb.received(rtp.readableBytes(), receivedNanos, at >= 0 ? rtp.getUnsignedMedium(at) : -1);
            }
        }
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

    /**
     * On the loop: NACKs for missing packets now, transport-cc feedback when due (50-250 ms), REMB every
     * half second, receiver reports every second.
     */
    private void feedback() {
        if (isClosed()) {
            return;
        }
        send(ingest.nacks(ourSsrc));
        long now = System.nanoTime();
        if (twcc != null) {
            send(twcc.poll(alloc, ourSsrc, now));
        }
        ++feedbackTicks;
        if (remb != null && feedbackTicks % FEEDBACKS_PER_REMB == 0) {
            List<Long> ssrcs = ingest.ssrcs();
            long bps;
            synchronized (remb) {
                bps = remb.update(now, ingest.lossFractionSinceLastCall());
            }
            if (!ssrcs.isEmpty()) {
                send(List.of(RtcpFeedback.remb(alloc, ourSsrc, bps, ssrcs)));
                rembSent++;
            }
        }
        if (feedbackTicks % FEEDBACKS_PER_REPORT == 0) {
            send(ingest.receiverReports(ourSsrc));
        }
    }

    /** Sends and releases each packet. */
    private void send(List<ByteBuf> packets) {
        for (ByteBuf b : packets) {
            try {
                transport.sendRtcp(b);
            } finally {
                b.release();
            }
        }
    }

    @Override
    void tearDown() {
        if (feedback != null) {
            feedback.cancel(false);
        }
        if (publisher != null) {
            long rembBps;
            if (remb != null) {
                synchronized (remb) {
                    rembBps = remb.estimate();
                }
            } else {
                rembBps = -1;
            }
            LOG.info("{} stopped publishing '{}' ({} packets, {} bad, {} padding-only, {} duplicates; {})", tag, path,
                    ingest.packets(), ingest.dropped(), ingest.paddingOnly(), ingest.duplicates(),
                    twcc != null ? twcc.feedbackCount() + " transport-cc feedbacks"
                            : remb != null ? rembSent + " REMBs, last " + rembBps / 1000 + " kbit/s"
                            : "no congestion feedback negotiated");
            publisher.close();
        }
    }
}
