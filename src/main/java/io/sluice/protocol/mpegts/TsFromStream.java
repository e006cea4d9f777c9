package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.RtpException;
import io.sluice.protocol.rtp.RtpTimeline;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * TsFromStream re-frames a stream's access units into an MPEG transport stream, never re-encoding:
 * the one mapper behind local SRT readers and srt:// forward targets (so both behave the same), as
 * {@code RtmpFromStream} is for RTMP.
 *
 * <p>Every H.264, H.265, AAC (MPEG4-GENERIC or MP4A-LATM), Opus and MPEG-1/2 audio media is carried,
 * each on its own PID ({@link #PID_BASE} + media index); any other media is skipped with the reason in
 * {@link #tracks()}. Each access unit becomes one PES the moment the unit that completes it arrives:
 * latency is the point, so nothing is held back to interleave or to wait for other medias. Video
 * starts at the first keyframe whose parameter sets are known; audio starts at once.
 *
 * <p>Timestamps come from {@link RtpTimeline} in 90 kHz, plus {@link #TIME_BASE} so that B-frames
 * sent ahead of their reference and DTS below PTS never make a negative time. The DTS is the PTS minus
 * the access unit's ptsOffset: MPEG-TS and RTMP sources carry it; for H.264/H.265 from RTP (which has no
 * decoding times) the depacketizer derives it from the reorder depth in the SPS and the slice headers'
 * picture order count, so B-frames get DTS that increase from the first frame and never exceed the PTS.
 * A media whose first DTS is already behind
 * the PCR (arrival jitter, or video decoded a few frames before it is shown) is moved forward by the
 * difference, so no receiver gets units that are late on arrival.
 *
 * <p>Not thread-safe: one instance per reader, used on one thread.
 */
public final class TsFromStream {
    /** PID of the elementary stream of media 0; media i uses PID_BASE + i. */
    public static final int PID_BASE = 0x100;
    /**
     * Most medias carried: the PMT must fit in one packet (this leaves room for 8 Opus descriptors),
     * and real streams have two or three.
     */
    public static final int MAX_CARRIED = 8;
    /** 1 s in 90 kHz ticks, added to every timestamp. */
    static final long TIME_BASE = 90_000;
    private static final int TS_CLOCK = 90_000;

    /** What happens to one media of the stream. */
    public record Track(int media, String codec, boolean carried, String reason) {
    }

    private final List<Track> tracks = new ArrayList<>();
    /** By media index; null for skipped medias. */
    private final TsOutTrack[] byMedia;
    /** By media index: the muxer's index of its elementary stream. */
    private final int[] streamOf;
    private final TsMuxer muxer;
    private final RtpTimeline timeline;
    private long droppedUnits;

    /** Never fails: a media that cannot be carried is skipped with the reason in {@link #tracks()}. */
    public TsFromStream(StreamDesc desc) {
        int n = desc.medias().size();
        byMedia = new TsOutTrack[n];
        streamOf = new int[n];
        List<TsOutStream> streams = new ArrayList<>();
        List<TsOutTrack> carried = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Format f = desc.medias().get(i).format();
            String reason = TsOutTrack.skipReason(f.codec());
            if (reason == null && (carried.size() == MAX_CARRIED || PID_BASE + i >= TsMuxer.PMT_PID)) {
                reason = "an MPEG-TS program carries at most " + MAX_CARRIED + " medias here";
            }
            if (reason == null) {
                try {
                    TsOutTrack t = TsOutTrack.create(i, f, PID_BASE + i);
                    byMedia[i] = t;
                    streamOf[i] = carried.size();
                    carried.add(t);
                    streams.add(t.es);
                } catch (RtpException | TsMuxException e) {
                    reason = "unusable " + f.codec().name() + " parameters: " + e.getMessage();
                }
            }
            tracks.add(new Track(i, f.codec().name(), reason == null, reason == null ? "" : reason));
        }
        this.muxer = carried.isEmpty() ? null : new TsMuxer(streams, pcrStream(carried));
        this.timeline = new RtpTimeline(n);
    }

    /** The first video stream carries the PCR, else the first audio one. */
    private static int pcrStream(List<TsOutTrack> carried) {
        for (int i = 0; i < carried.size(); i++) {
            if (carried.get(i).video()) {
                return i;
            }
        }
        return 0;
    }

    /** Every media of the stream, carried or skipped with the reason. */
    public List<Track> tracks() {
        return List.copyOf(tracks);
    }

    /** Whether at least one media is carried; a session with none should not start. */
    public boolean carriesAnything() {
        return muxer != null;
    }

    /**
     * Access units dropped because they could not be framed (malformed RTP packets or audio frames),
     * for the caller to count and report; never those held back by design (video before its first
     * keyframe).
     */
    public long droppedUnits() {
        return droppedUnits;
    }

    /**
     * Appends to {@code out} the 188-byte TS packets for the access units this unit completed (often
     * none). Never retains or releases the unit. Called on one thread.
     */
    public void onUnit(Unit unit, ByteBuf out) {
        int m = unit.media();
        TsOutTrack t = m >= 0 && m < byMedia.length ? byMedia[m] : null;
        if (t == null) {
            return;
        }
        List<AccessUnit> aus = unit.accessUnits();
        if (!aus.isEmpty()) {
            t.sawAccessUnits = true;
            for (AccessUnit au : aus) {
                write(t, au, unit.receivedNanos(), out);
            }
        } else if (t.unitsFromRtp()) {
            AccessUnit au;
            try {
                au = t.fromRtp(unit.rtp());
            } catch (RtpException e) {
                droppedUnits++;
                return;
            }
            if (au != null) {
                write(t, au, unit.receivedNanos(), out);
            }
        }
    }

    private void write(TsOutTrack t, AccessUnit au, long receivedNanos, ByteBuf out) {
        // every unit moves the timeline, also those not sent, so that it follows the RTP timestamps
        long pts = TIME_BASE + timeline.time(t.media, au.rtpTimestamp(), t.clockRate, receivedNanos, TS_CLOCK);
        long dts = pts - (long) au.ptsOffset() * TS_CLOCK / t.clockRate;
        // a negative offset is a unit the depacketizer could not place (counted there): a PES cannot
        // have DTS > PTS, so it is shown at its decoding time
        pts = Math.max(pts, dts);
        ByteBuf payload = out.alloc().buffer(au.size() + 64);
        try {
            if (!t.framer.frame(au, payload)) {
                return;
            }
            if (t.shift == TsOutTrack.NO_SHIFT) {
                t.shift = Math.max(0, muxer.pcr() - dts);
            }
            muxer.writePes(streamOf[t.media], Math.max(0, pts + t.shift),
                    Math.max(0, dts + t.shift), !t.video() || au.keyframe(), payload, out);
        } catch (TsMuxException e) {
            droppedUnits++;
        } finally {
            payload.release();
        }
    }
}
