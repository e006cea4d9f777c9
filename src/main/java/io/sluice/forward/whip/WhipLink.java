package io.sluice.forward.whip;

import io.netty.buffer.ByteBuf;
import io.sluice.net.webrtc.WebrtcStreamWriter;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.protocol.rtp.SendSideEstimator;
import io.sluice.protocol.rtp.TransportCcFeedback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * WhipLink is a WHIP target's view of its link and its reaction when the link is too slow for the stream.
 *
 * <p><b>Figures</b>, from the remote's RTCP: with transport-cc feedback, the {@link SendSideEstimator}'s
 * estimate, loss and queuing delay; else with REMB, the remote's own estimate (loss from its receiver
 * reports); else the loss of its receiver reports, and as estimate what got through: the send rate × (1 −
 * that loss). The send rate is what the transport sent over the last tick. Receiver reports come every
 * 1 to 7.5 s (GStreamer keeps RFC 3550's 5 s minimum), so on that path the loss is that of the last report.
 *
 * <p><b>Slow link</b>: a tick (about a second) is <i>congested</i> when loss is over 10 %, the queuing
 * delay over 150 ms (transport-cc), the stream needs more than the remote's REMB, or the target's own
 * queue is over half full (its loop cannot keep up). After {@value #ENTER_TICKS} congested ticks in a row
 * the target goes keyframe-only ({@link KeyframeOnlyGate}): delta frames are dropped and counted, audio
 * goes on, nothing blocks. It returns to full frames after a hold of clean ticks (loss under 2 %, delay
 * under 75 ms, REMB at least 1.1 × what the stream needs): {@value #HOLD_TICKS} ticks, doubled each time
 * the link congests again within {@value #RELAPSE_TICKS} ticks of resuming, up to {@value #MAX_HOLD_TICKS}
 * (a link that cannot carry the stream is then probed less and less often, a link that recovered is back
 * soon). On resuming it asks the publisher for a keyframe, so video restarts without waiting a GOP.
 *
 * <p>Threads: {@link #onRtcp} on the transport's thread, {@link #tick} on the target's session thread,
 * {@link #figures} from any thread.
 */
final class WhipLink implements WebrtcStreamWriter.RtcpObserver {
    static final int ENTER_TICKS = 2;
    static final int HOLD_TICKS = 5;
    static final int MAX_HOLD_TICKS = 40;
    static final int RELAPSE_TICKS = 20;
    static final double HIGH_LOSS = 0.10;
    static final double LOW_LOSS = 0.02;
    static final long QUEUE_LIMIT_NANOS = 150_000_000L;
    static final double REMB_MARGIN = 1.1;

    /** Why the target went keyframe-only, as the {@code slowLinkCause} figure shows it. */
    enum Cause {
        NONE, LOSS, QUEUING_DELAY, REMB, LOCAL_QUEUE
    }

    private final String name;
    private final Set<Long> ssrcs;
    private final SendSideEstimator estimator;
    private final KeyframeOnlyGate gate;
    private final LongSupplier bytesSent;
    private final IntSupplier queued;
    private final int queueCapacity;
    private final Runnable requestKeyframe;
    private final Logger log;
    private final LongAdder malformed = new LongAdder();
    private volatile long rembBps = -1;
    private volatile int rrFractionLost256 = -1;
    // tick state, the session thread's
    private long lastTickNanos = Long.MIN_VALUE;
    private long lastBytesSent;
    private long lastOffered;
    private int congestedTicks;
    private int cleanTicks;
    private int hold = HOLD_TICKS;
    private int ticksSinceResume = Integer.MAX_VALUE;
    // published figures
    private volatile long estimateBps = -1;
    private volatile long sendBps = -1;
    private volatile long offeredBps = -1;
    private volatile double loss = -1;
    private volatile long queueDelayNanos = -1;
    private volatile Cause cause = Cause.NONE;
    private volatile long entries;

    /**
     * @param ssrcs the target's own SSRCs: receiver reports about others are not ours
     * @param estimator null when transport-cc was not negotiated
     * @param bytesSent the transport's plaintext bytes sent so far
     * @param queued packets waiting in the target's reader queue
     */
    WhipLink(String name, Set<Long> ssrcs, SendSideEstimator estimator, KeyframeOnlyGate gate, LongSupplier bytesSent,
            IntSupplier queued, int queueCapacity, Runnable requestKeyframe, Logger log) {
        this.name = name;
        this.ssrcs = Set.copyOf(ssrcs);
        this.estimator = estimator;
        this.gate = gate;
        this.bytesSent = bytesSent;
        this.queued = queued;
        this.queueCapacity = queueCapacity;
        this.requestKeyframe = requestKeyframe;
        this.log = log;
    }

    @Override
    public void onRtcp(ByteBuf compound, List<RtcpPacket> packets) {
        for (RtcpPacket p : packets) {
            switch (p) {
                case RtcpPacket.Remb r -> rembBps = r.bitrateBps();
                case RtcpPacket.ReceiverReport rr -> reportBlocks(rr.reports());
                case RtcpPacket.SenderReport sr -> reportBlocks(sr.reports());
                default -> {
                }
            }
        }
        if (estimator != null) {
            try {
                for (TransportCcFeedback.Report r : TransportCcFeedback.inCompound(compound)) {
                    estimator.feedback(r);
                }
            } catch (RtpPacketException e) {
                malformed.increment();
                log.debug("{} malformed transport-cc feedback: {}", name, e.getMessage());
            }
        }
    }

    private void reportBlocks(List<RtcpPacket.ReportBlock> blocks) {
        int worst = -1;
        for (RtcpPacket.ReportBlock b : blocks) {
            if (ssrcs.contains(b.ssrc())) {
                worst = Math.max(worst, b.fractionLost());
            }
        }
        if (worst >= 0) {
            rrFractionLost256 = worst;
        }
    }

    /** Updates the figures and the keyframe-only decision; call about once a second. */
    void tick(long nowNanos) {
        long sent = bytesSent.getAsLong();
        long offered = gate.offeredBytes();
        long span = lastTickNanos == Long.MIN_VALUE ? 0 : nowNanos - lastTickNanos;
        if (span > 0) {
            sendBps = (sent - lastBytesSent) * 8 * 1_000_000_000L / span;
            offeredBps = (offered - lastOffered) * 8 * 1_000_000_000L / span;
        }
        lastTickNanos = nowNanos;
        lastBytesSent = sent;
        lastOffered = offered;
        double tickLoss;
        long queue = -1;
        long remb = rembBps;
        if (estimator != null) {
            SendSideEstimator.Window w = estimator.update(nowNanos);
            tickLoss = w.loss() >= 0 ? w.loss() : rrLoss();
            queue = w.queueDelayNanos();
            estimateBps = w.estimateBps() >= 0 ? w.estimateBps() : remb >= 0 ? remb : delivered(tickLoss);
        } else {
            tickLoss = rrLoss();
            estimateBps = remb >= 0 ? remb : delivered(tickLoss);
        }
        loss = tickLoss;
        queueDelayNanos = queue;
        if (span > 0) {
            decide(tickLoss, queue, remb);
        }
    }

    /** Without transport-cc or REMB: what got through, the send rate less the receiver-reported loss. */
    private long delivered(double lossFraction) {
        return lossFraction < 0 || sendBps < 0 ? -1 : (long) (sendBps * (1 - lossFraction));
    }

    private double rrLoss() {
        int f = rrFractionLost256;
        return f < 0 ? -1 : f / 256.0;
    }

    private void decide(double tickLoss, long queue, long remb) {
        long need = offeredBps;
        Cause now = tickLoss > HIGH_LOSS ? Cause.LOSS
                : queue > QUEUE_LIMIT_NANOS ? Cause.QUEUING_DELAY
                : remb >= 0 && need > remb ? Cause.REMB
                : queued.getAsInt() > queueCapacity / 2 ? Cause.LOCAL_QUEUE
                : Cause.NONE;
        boolean clean = now == Cause.NONE && tickLoss < LOW_LOSS && queue <= QUEUE_LIMIT_NANOS / 2
                && (remb < 0 || remb >= REMB_MARGIN * need);
        if (ticksSinceResume < Integer.MAX_VALUE) {
            ticksSinceResume++;
        }
        if (!gate.keyframesOnly()) {
            congestedTicks = now == Cause.NONE ? 0 : congestedTicks + 1;
            if (congestedTicks >= ENTER_TICKS) {
                hold = ticksSinceResume <= RELAPSE_TICKS ? Math.min(MAX_HOLD_TICKS, hold * 2) : HOLD_TICKS;
                cause = now;
                entries++;
                cleanTicks = 0;
                gate.keyframesOnly(true);
                log.warn("{} link too slow for the stream ({}: loss {} %, estimate {} kbit/s, stream {} kbit/s): "
                        + "sending keyframes only for at least {} s", name, now.name().toLowerCase(),
                        Math.round(Math.max(0, tickLoss) * 1000) / 10.0, estimateBps / 1000, need / 1000, hold);
            }
            return;
        }
        cleanTicks = clean ? cleanTicks + 1 : 0;
        if (cleanTicks >= hold) {
            gate.keyframesOnly(false);
            cause = Cause.NONE;
            congestedTicks = 0;
            ticksSinceResume = 0;
            requestKeyframe.run();
            log.info("{} link recovered: full frames again ({} frames dropped so far)", name, gate.droppedFrames());
        }
    }

    /** The figures of the class comment, for the target's {@code link} map. Any thread. */
    Map<String, Number> figures() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("estimateKbps", estimateBps < 0 ? -1 : estimateBps / 1000);
        m.put("sendKbps", sendBps < 0 ? -1 : sendBps / 1000);
        m.put("streamKbps", offeredBps < 0 ? -1 : offeredBps / 1000);
        m.put("lossPercent", loss < 0 ? -1 : Math.round(loss * 1000) / 10.0);
        m.put("queueDelayMs", queueDelayNanos < 0 ? -1 : queueDelayNanos / 1_000_000);
        m.put("transportCc", estimator == null ? 0 : 1);
        m.put("keyframeOnly", gate.keyframesOnly() ? 1 : 0);
        m.put("slowLinkCause", cause.ordinal());
        m.put("keyframeOnlyEntries", entries);
        m.put("keyframeOnlyDrops", gate.droppedPackets());
        m.put("keyframeOnlyDroppedFrames", gate.droppedFrames());
        m.put("malformedFeedback", malformed.sum());
        return m;
    }
}
