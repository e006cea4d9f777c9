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
 * <p>A free path is taken at the WHIP POST, so that its forward targets connect while ICE and DTLS run;
 * a path that has a publisher is taken over only when DTLS is done ({@link #started()}): with
 * {@code overridePublisher} a newcomer replaces the path's publisher, and a client that posts an offer but
 * never completes ICE must not cut off one that works. The POST checks what it can (credentials, a path
 * that refuses a newcomer: 409), the takeover waits for a session that can really publish.
 *
 * <p>Threads: packets arrive on the transport's thread, which also runs {@link #started()} before the
 * first of them; all feedback is sent from the session's event loop, by one timer started when media can
 * flow and cancelled at close.
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
    /** What the answer accepted; the path is taken with it once DTLS is done. */
    private Ingest accepted;
    private volatile WebrtcToStream ingest;
    private IngestFeedback congestion = IngestFeedback.NONE;
    /** Non-null when transport-cc was negotiated. */
    private TransportCcRecorder twcc;
    /** Non-null when REMB was negotiated (and transport-cc was not); guarded by itself. */
    private RembEstimator remb;
    private long rembSent;
    /** Guarded by this: set once the path is taken, null again after tearDown. */
    private Publisher publisher;
    /** Guarded by this: a publisher taken after tearDown ran is given back at once. */
    private boolean tornDown;
    private volatile ScheduledFuture<?> feedback;
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
        accepted = WebrtcNegotiator.answerPublish(offer, local);
        congestion = accepted.feedback();
        // a free path is taken now, so that its targets connect while ICE and DTLS run; a path with a
        // publisher is taken over only in started()
        Publisher p = server.paths().publishIfVacant(path, accepted.desc(), loop, who(), this::kick);
        if (p != null) {
            take(p);
        }
        return accepted.answerSdp();
    }

    private String who() {
        return "webrtcSession " + remote;
    }

    /** DTLS is done: the session takes the path over now if it has not got it yet, then feeds back. */
    @Override
    void started() {
        boolean has;
        synchronized (this) {
            has = publisher != null;
        }
        if (!has) {
            Publisher p;
            try {
                p = server.paths().publish(path, accepted.desc(), loop, who(), this::kick);
            } catch (PathException e) {
                if (!server.paths().countRefusal("webrtc", remote, e)) {
                    LOG.warn("{} connected but cannot publish to '{}': {}", tag, path, e.getMessage());
                }
                kick();
                return;
            }
            if (!take(p)) {
                return;
            }
        }
        feedback = loop.scheduleAtFixedRate(this::feedback, FEEDBACK_INTERVAL_MS, FEEDBACK_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        if (isClosed()) {
            feedback.cancel(false); // tearDown ran before the timer existed
        }
    }

    /** Makes {@code p} this session's hold on the path; false (and {@code p} closed) when the session ended. */
    private boolean take(Publisher p) {
        Stream stream = p.stream();
        synchronized (this) { // tearDown reads what is set here
            if (tornDown) {
                p.close(); // closed while the path was being taken
                return false;
            }
            publisher = p;
            if (congestion.transportCc()) {
                twcc = new TransportCcRecorder(System.nanoTime());
            } else if (congestion.remb()) {
                remb = new RembEstimator();
            }
            ingest = new WebrtcToStream(stream, accepted.tracks(), alloc);
        }
        stream.setKeyframeRequester(this::requestKeyframe);
        LOG.info("{} publishing to '{}': {}", tag, path, accepted.desc().medias().stream()
                .map(m -> m.format().rtpmap()).toList());
        return true;
    }

    @Override
    public void onRtp(ByteBuf rtp, long receivedNanos) {
        WebrtcToStream ingest = this.ingest;
        if (ingest == null || isClosed()) {
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
        WebrtcToStream ingest = this.ingest;
        if (ingest == null) {
            rtcp.release();
            return;
        }
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
        ScheduledFuture<?> f = feedback;
        if (f != null) {
            f.cancel(false);
        }
        Publisher p;
        synchronized (this) {
            tornDown = true;
            p = publisher;
            publisher = null;
        }
        if (p != null) {
            long rembBps;
            if (remb != null) {
                synchronized (remb) {
                    rembBps = remb.estimate();
                }
            } else {
                rembBps = -1;
            }
            WebrtcToStream in = ingest;
            LOG.info("{} stopped publishing '{}' ({} packets, {} bad, {} padding-only, {} duplicates; {})", tag, path,
                    in.packets(), in.dropped(), in.paddingOnly(), in.duplicates(),
                    twcc != null ? twcc.feedbackCount() + " transport-cc feedbacks"
                            : remb != null ? rembSent + " REMBs, last " + rembBps / 1000 + " kbit/s"
                            : "no congestion feedback negotiated");
            p.close();
        }
    }
}
