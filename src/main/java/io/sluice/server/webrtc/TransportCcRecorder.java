package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.rtp.TransportCcFeedback;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TransportCcRecorder is the receive side of transport-wide congestion control for one WHIP publisher
 * that negotiated it: it records the transport-wide sequence number and arrival time of every packet
 * (padding probes and retransmissions included: the sender probes with them) and turns what arrived since
 * the last feedback into {@link TransportCcFeedback} packets.
 *
 * <p>Cadence, as libwebrtc's receiver does it: a feedback every {@link #MIN_INTERVAL_NANOS} (50 ms), stretched
 * up to {@link #MAX_INTERVAL_NANOS} (250 ms) where feedback would take more than {@link #MAX_SHARE} (5 %) of the
 * received bitrate. A packet that arrives after its sequence number was reported missing re-opens the
 * report from there, so the sender learns it was only late. Sequence numbers more than {@link #WINDOW}
 * behind the highest are ignored.
 *
 * <p>Threads: {@link #received} is called on the transport's receive thread, {@link #poll} on the session's
 * event loop; both take this object's lock (held for microseconds).
 */
final class TransportCcRecorder {
    static final int WINDOW = 4096;
    static final long MIN_INTERVAL_NANOS = 50_000_000L;
    static final long MAX_INTERVAL_NANOS = 250_000_000L;
    /** Before a bitrate is known (the first second). */
    static final long START_INTERVAL_NANOS = 100_000_000L;
    static final double MAX_SHARE = 0.05;
    /** At most this many feedback packets per {@link #poll}; the rest waits for the next. */
    static final int MAX_PACKETS_PER_POLL = 8;
    private static final long NANOS_PER_TICK = TransportCcFeedback.DELTA_TICK_MICROS * 1000;
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;
    /**
     * A poll this much early still counts as due: the caller's timer ticks every 50 ms give or take its
     * jitter, and a tick a few µs early must not push the feedback to the next one.
     */
    static final long SLACK_NANOS = 10_000_000L;

    private final long epochNanos;
    private final long[] slotSeq = new long[WINDOW];
    private final long[] slotTicks = new long[WINDOW];
    private boolean started;
    private long highest;
    private long nextToReport;
    private long mediaSsrc;
    private int feedbackCount;
    private long lastPollNanos;
    private boolean sentAny;
    private int lastFeedbackBytes = 64;
    private long rateBytes;
    private long rateStartNanos;
    private long bitrateBps = -1;

    /** @param epochNanos {@link System#nanoTime()} at or before the first packet (arrival times count from it) */
    TransportCcRecorder(long epochNanos) {
        this.epochNanos = epochNanos;
        this.rateStartNanos = epochNanos;
        Arrays.fill(slotSeq, Long.MIN_VALUE);
    }

    /**
     * Records one packet that carried the transport-wide sequence number {@code seq}.
     *
     * @param ssrc the packet's SSRC (the feedback names the latest as its media source, as libwebrtc does)
     * @param bytes its size, for the received bitrate
     */
    synchronized void received(int seq, long ssrc, long arrivalNanos, int bytes) {
        seq &= 0xffff;
        rateBytes += bytes;
        mediaSsrc = ssrc;
        long ext;
        if (!started) {
            started = true;
            ext = seq;
            highest = ext;
            nextToReport = ext;
        } else {
            ext = highest + (short) (seq - (highest & 0xffff));
            if (ext <= highest - WINDOW) {
                return;
            }
        }
        int slot = slot(ext);
        if (slotSeq[slot] == ext) {
            return; // a duplicate: the first arrival is the one that counts
        }
        slotSeq[slot] = ext;
        slotTicks[slot] = Math.max(0, arrivalNanos - epochNanos) / NANOS_PER_TICK;
        if (ext > highest) {
            highest = ext;
        } else if (ext < nextToReport) {
            nextToReport = ext;
        }
    }

    /**
     * The feedback packets due at {@code nowNanos}: empty when the interval has not passed yet or nothing
     * arrived since the last feedback. The caller owns the buffers.
     */
    synchronized List<ByteBuf> poll(ByteBufAllocator alloc, long senderSsrc, long nowNanos) {
        if (nowNanos - rateStartNanos >= RATE_WINDOW_NANOS) {
            bitrateBps = rateBytes * 8 * 1_000_000_000L / (nowNanos - rateStartNanos);
            rateBytes = 0;
            rateStartNanos = nowNanos;
        }
        List<ByteBuf> out = new ArrayList<>();
        if (!started || nextToReport > highest || (sentAny && nowNanos - lastPollNanos < intervalNanos() - SLACK_NANOS)) {
            return out;
        }
        lastPollNanos = nowNanos;
        sentAny = true;
        long from = Math.max(nextToReport, highest - WINDOW + 1);
        TransportCcFeedback fb = null;
        long base = from;
        int bytes = 0;
        long s = from;
        for (; s <= highest; s++) {
            int slot = slot(s);
            if (slotSeq[slot] != s) {
                continue;
            }
            long ticks = slotTicks[slot];
            if (fb == null) {
                fb = new TransportCcFeedback((int) (base & 0xffff), ticks);
            }
            if (!fb.add((int) (s - base), ticks)) {
                ByteBuf b = fb.write(alloc, senderSsrc, mediaSsrc, feedbackCount++);
                bytes += b.readableBytes();
                out.add(b);
                if (out.size() == MAX_PACKETS_PER_POLL) {
                    break;
                }
                base = s;
                fb = new TransportCcFeedback((int) (base & 0xffff), ticks);
                fb.add(0, ticks);
            }
        }
        if (fb != null && s > highest) {
            ByteBuf b = fb.write(alloc, senderSsrc, mediaSsrc, feedbackCount++);
            bytes += b.readableBytes();
            out.add(b);
        }
        nextToReport = s;
        if (!out.isEmpty()) {
            lastFeedbackBytes = bytes / out.size();
        }
        return out;
    }

    /** 50 ms, longer where that would make feedback more than 5 % of what the publisher sends. */
    synchronized long intervalNanos() {
        if (bitrateBps < 0) {
            return START_INTERVAL_NANOS;
        }
        if (bitrateBps == 0) {
            return MAX_INTERVAL_NANOS;
        }
        long nanos = (long) (lastFeedbackBytes * 8 * 1e9 / (MAX_SHARE * bitrateBps));
        return Math.clamp(nanos, MIN_INTERVAL_NANOS, MAX_INTERVAL_NANOS);
    }

    synchronized int feedbackCount() {
        return feedbackCount;
    }

    private static int slot(long ext) {
        return (int) Math.floorMod(ext, (long) WINDOW);
    }
}
