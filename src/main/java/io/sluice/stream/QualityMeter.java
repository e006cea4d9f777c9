package io.sluice.stream;

import io.netty.buffer.ByteBuf;

/**
 * QualityMeter measures one stream's incoming bitrate and frame rate over a sliding window of
 * {@link #WINDOW_NANOS} and keeps the picture size (and declared frame rate) of its main video's SPS.
 *
 * <p>Threading: {@link #onPacket} runs for every packet on the publisher's thread, under the stream's
 * lock, and only adds to plain fields; every {@link #SAMPLE_NANOS} of packet arrival times it copies
 * those totals into a ring of samples under this object's monitor (four uncontended monitor entries a
 * second). {@link #figures} reads the ring from any thread (the 250 ms forward tick, the API). Nothing
 * runs on a timer: a publisher that stops sending leaves the last sample ageing, and the figures then
 * count the silence too.
 *
 * <p>The bitrate counts RTP payloads (packet size less the 12-byte fixed header) of every track; the
 * frame rate counts the distinct RTP timestamps of the main video media and divides by the media time
 * they span, so a burst on arrival (a reconnecting encoder catching up) does not inflate it.
 */
public final class QualityMeter {

    /** The window the bitrate and the measured frame rate are averaged over. */
    public static final long WINDOW_NANOS = 5_000_000_000L;
    /** Spacing of the samples: the forward rules' tick. */
    static final long SAMPLE_NANOS = 250_000_000L;
    /** Shortest span that gives a figure; before it the bitrate is unknown (-1). */
    public static final long MIN_SPAN_NANOS = 1_000_000_000L;
    /** A sample older than this means the publisher stopped sending: the silence counts too. */
    private static final long STALE_NANOS = 1_000_000_000L;
    private static final int RTP_HEADER = 12;
    /** Samples kept: the window plus one, so that a full window always has a start sample. */
    private static final int RING = (int) (WINDOW_NANOS / SAMPLE_NANOS) + 2;

    /**
     * VideoProbe reads the picture size from the main video's parameter sets as they pass (the protocol
     * layer knows the codec; the stream does not). It is called with every packet of that media and
     * must be cheap for packets without a parameter set.
     */
    @FunctionalInterface
    public interface VideoProbe {
        /** The video's parameters if this packet carries a new SPS, else null. Never keeps the packet. */
        VideoParams probe(ByteBuf rtpPacket);
    }

    /**
     * What an SPS says.
     *
     * @param width picture width in pixels (cropped)
     * @param height picture height in pixels (cropped)
     * @param fps frame rate from the VUI timing, 0 when the SPS has none
     */
    public record VideoParams(int width, int height, double fps) {
    }

    private final int videoMedia;
    private final double videoClockRate;
    private volatile VideoProbe probe;
    private volatile VideoParams video;

    // Publisher thread only (under the stream's lock).
    private long bytes;
    private long frames;
    private long lastVideoTs = -1;
    private long videoTsTotal;
    private long lastSampleNanos;
    private boolean sampled;

    // Guarded by this.
    private final long[] sampleNanos = new long[RING];
    private final long[] sampleBytes = new long[RING];
    private final long[] sampleFrames = new long[RING];
    private final long[] sampleVideoTs = new long[RING];
    private int newest = -1;
    private int count;

    /**
     * @param videoMedia index of the main video media whose frames are counted, -1 when none
     * @param videoClockRate that media's RTP clock rate
     */
    public QualityMeter(int videoMedia, int videoClockRate) {
        this.videoMedia = videoMedia;
        this.videoClockRate = videoClockRate > 0 ? videoClockRate : 90_000;
    }

    /** The meter of a stream description: its keyframe media, else its first video media. */
    static QualityMeter forDesc(StreamDesc desc, int keyframeMedia) {
        int m = keyframeMedia;
        for (int i = 0; m < 0 && i < desc.medias().size(); i++) {
            if (desc.medias().get(i).type() == MediaType.VIDEO) {
                m = i;
            }
        }
        return new QualityMeter(m, m < 0 ? 0 : desc.medias().get(m).format().clockRate());
    }

    /** Installs the reader of the main video's parameter sets; null removes it. Any thread. */
    public void watch(VideoProbe p) {
        this.probe = p;
    }

    /** Sets the video parameters known before any packet (from the SDP or the RTMP/TS codec config). */
    public void videoParams(VideoParams params) {
        this.video = params;
    }

    /** Counts one packet. Publisher thread only. */
    void onPacket(int media, ByteBuf rtp, long receivedNanos) {
        bytes += Math.max(0, rtp.readableBytes() - RTP_HEADER);
        if (media == videoMedia) {
            long ts = rtp.getUnsignedInt(rtp.readerIndex() + 4);
            if (ts != lastVideoTs) {
                if (lastVideoTs >= 0) {
                    // modulo 2^32, read as signed: a B-frame's timestamp goes back a little
                    videoTsTotal += (int) (ts - lastVideoTs);
                }
                lastVideoTs = ts;
                frames++;
            }
            VideoProbe p = probe;
            if (p != null) {
                VideoParams v = p.probe(rtp);
                if (v != null) {
                    video = v;
                }
            }
        }
        if (!sampled || receivedNanos - lastSampleNanos >= SAMPLE_NANOS) {
            sampled = true;
            lastSampleNanos = receivedNanos;
            sample(receivedNanos, bytes, frames, videoTsTotal);
        }
    }

    private synchronized void sample(long nanos, long b, long f, long ts) {
        newest = (newest + 1) % RING;
        sampleNanos[newest] = nanos;
        sampleBytes[newest] = b;
        sampleFrames[newest] = f;
        sampleVideoTs[newest] = ts;
        count = Math.min(count + 1, RING);
    }

    /** The figures at {@code nowNanos} ({@link System#nanoTime()}). Any thread. */
    public QualityFigures figures(long nowNanos) {
        VideoParams v = video;
        int width = v == null ? 0 : v.width();
        int height = v == null ? 0 : v.height();
        double declaredFps = v == null ? 0 : v.fps();
        double kbps = -1;
        double fps = 0;
        synchronized (this) {
            if (count > 0) {
                int end = newest;
                boolean stale = nowNanos - sampleNanos[end] > STALE_NANOS;
                long endNanos = stale ? nowNanos : sampleNanos[end];
                // the oldest sample still inside the window that ends now
                int start = end;
                for (int k = 1; k < count; k++) {
                    int i = Math.floorMod(end - k, RING);
                    if (endNanos - sampleNanos[i] > WINDOW_NANOS + SAMPLE_NANOS / 2) {
                        break;
                    }
                    start = i;
                }
                long span = endNanos - sampleNanos[start];
                if (span >= MIN_SPAN_NANOS) {
                    kbps = (sampleBytes[end] - sampleBytes[start]) * 8.0 * 1_000_000 / span;
                    long f = sampleFrames[end] - sampleFrames[start];
                    long ts = sampleVideoTs[end] - sampleVideoTs[start];
                    if (!stale && f > 1 && ts > 0) {
                        fps = f / (ts / videoClockRate);
                    } else {
                        fps = f * 1e9 / span;
                    }
                }
            }
        }
        if (declaredFps > 0) {
            return new QualityFigures(kbps, width, height, declaredFps, true);
        }
        return new QualityFigures(kbps, width, height, fps, false);
    }
}
