package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.rtp.KeyframeRequestLimiter;
import io.sluice.protocol.rtp.RtcpFeedback;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.webrtc.WebrtcToStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * WebrtcReceiverFeedback is the RTCP Sluice sends back to a peer whose stream it receives with a
 * {@link WebrtcToStream} (a WHEP pull source): PLIs when readers ask for a keyframe, NACKs for what went
 * missing every {@value #FEEDBACK_INTERVAL_MS} ms, receiver reports every second, and one PLI as soon as video
 * arrives (the stream then starts at a keyframe without waiting for the sender's next GOP); the peer's sender
 * reports go to the stream's clock, so readers' sender reports carry its timeline on.
 *
 * <p>Threads: the timer runs on the given event loop from {@link #start} to {@link #close};
 * {@link #requestKeyframe} is called from any thread (readers), {@link #onRtcp} from the transport's.
 */
public final class WebrtcReceiverFeedback implements AutoCloseable {
    /** Keyframe requests from many readers reach the sender at most this often. */
    static final Duration KEYFRAME_REQUEST_INTERVAL = Duration.ofMillis(500);
    static final long FEEDBACK_INTERVAL_MS = 50;
    static final int FEEDBACKS_PER_REPORT = 20;

    private final WebrtcTransport transport;
    private final WebrtcToStream ingest;
    private final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final Logger log;
    private final String tag;
    private final long ourSsrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final KeyframeRequestLimiter limiter =
            new KeyframeRequestLimiter(InstantSource.system(), KEYFRAME_REQUEST_INTERVAL);
    private volatile boolean closed;
    private volatile ScheduledFuture<?> timer;
    private int ticks;
    private boolean firstKeyframeAsked;

    public WebrtcReceiverFeedback(String tag, WebrtcTransport transport, WebrtcToStream ingest, EventLoop loop,
            ByteBufAllocator alloc, Logger log) {
        this.tag = tag;
        this.transport = transport;
        this.ingest = ingest;
        this.loop = loop;
        this.alloc = alloc;
        this.log = log;
    }

    /** Starts the NACK and receiver report timer. */
    public void start() {
        timer = loop.scheduleAtFixedRate(this::tick, FEEDBACK_INTERVAL_MS, FEEDBACK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Asks the sender for a keyframe on every video track that has sent; rate-limited. Any thread. */
    public void requestKeyframe() {
        if (closed || !limiter.tryRequest()) {
            return;
        }
        List<Long> ssrcs = ingest.videoSsrcs();
        for (long ssrc : ssrcs) {
            send(List.of(RtcpFeedback.pli(alloc, ourSsrc, ssrc)));
        }
    }

    /** Reads the sender's RTCP (its sender reports); takes ownership of {@code rtcp}. */
    public void onRtcp(ByteBuf rtcp, long receivedNanos) {
        try {
            for (RtcpPacket p : RtcpPacket.parseCompound(rtcp)) {
                if (p instanceof RtcpPacket.SenderReport sr) {
                    ingest.senderReport(sr.ssrc(), sr.ntpTime(), sr.rtpTimestamp(), receivedNanos);
                }
            }
        } catch (RuntimeException e) {
            log.debug("{} malformed RTCP from the sender: {}", tag, e.getMessage());
        } finally {
            rtcp.release();
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        if (!firstKeyframeAsked && !ingest.videoSsrcs().isEmpty()) {
            firstKeyframeAsked = true;
            requestKeyframe();
        }
        send(ingest.nacks(ourSsrc));
        if (++ticks % FEEDBACKS_PER_REPORT == 0) {
            send(ingest.receiverReports(ourSsrc));
        }
    }

    private void send(List<ByteBuf> packets) {
        for (ByteBuf b : packets) {
            try {
                transport.sendRtcp(b);
            } finally {
                b.release();
            }
        }
    }

    /** Stops the timer; nothing is sent afterwards. Idempotent. */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
