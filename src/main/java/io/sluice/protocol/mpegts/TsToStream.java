package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.rtp.Packetizer;
import io.sluice.protocol.rtp.RtpException;
import io.sluice.protocol.rtp.SourceTimelineClock;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TsToStream turns an MPEG-TS publisher (SRT, UDP) into a stream: it learns the tracks from the PMT and
 * the codec configuration in the elementary streams, then writes every access unit together with the
 * RTP packets made from it once for all RTP readers (RTSP, WebRTC).
 *
 * <p>Use: {@link #probe} the data until it returns true or {@link #probeExpired()}, create the stream
 * with {@link #desc()}, {@link #start} it (the access units held while probing go out first), then
 * {@link #write} the rest. The data buffers stay the caller's: they are never retained or released.
 * Malformed input is reported to the problem callback and skipped; no method throws because of it.
 *
 * <p>Not thread-safe: one thread feeds it (the publisher's connection thread), and the problem
 * callback is called on that thread.
 */
public final class TsToStream implements AutoCloseable {
    /** Stream time (PTS) after which the stream starts with the tracks known so far. */
    public static final long PROBE_MS = 1000;
    static final int FIRST_VIDEO_PT = 96;
    static final int FIRST_AUDIO_PT = 97;
    static final int NEXT_PT = 98;

    private final ByteBufAllocator alloc;
    private final Consumer<String> problems;
    private long problemCount;
    private final TsDemuxer demuxer;
    private final PtsUnwrapper unwrapper = new PtsUnwrapper();
    /** Tracks of the current PMT with a codec read here, in PMT order. */
    private final Map<Integer, TsTrack> tracks = new LinkedHashMap<>();
    private final List<String> pmtSkips = new ArrayList<>();
    private final List<String> probeSkips = new ArrayList<>();
    private final TsProbeHold held;
    private StreamDesc desc;
    /** The tracks in the stream by PID, once {@link #desc()} made it. */
    private final Map<Integer, Carried> carried = new HashMap<>();
    private Stream stream;
    private long receivedNanos;

    private record Carried(TsTrack track, int media, Packetizer packetizer) {
    }

    public TsToStream(ByteBufAllocator alloc, Consumer<String> problems) {
        this.alloc = alloc;
        this.problems = p -> {
            problemCount++;
            problems.accept(p);
        };
        this.held = new TsProbeHold(this.problems);
        this.demuxer = new TsDemuxer(alloc, this.problems, new TsDemuxer.Listener() {
            @Override
            public void onPmt(TsPmt pmt) {
                pmtChanged(pmt);
            }

            @Override
            public void onPes(TsElementaryStream es, PesPacket pes) {
                pes(pes);
            }
        });
    }

    /**
     * Feeds data before the stream exists (any number of 188-byte packets, e.g. one 1316-byte SRT
     * payload) and holds the access units; never retains or releases {@code data}. It may also be
     * called between {@link #desc()} and {@link #start}, while the stream is being set up.
     *
     * @return true when every track of the PMT has its codec configuration (H.264 SPS+PPS, H.265
     *     VPS+SPS+PPS, AAC: a first ADTS header, Opus and MPEG audio: a first frame)
     */
    public boolean probe(ByteBuf data, long receivedNanos) {
        this.receivedNanos = receivedNanos;
        demuxer.feed(data);
        return !tracks.isEmpty() && tracks.values().stream().allMatch(TsTrack::ready);
    }

    /** Whether {@link #PROBE_MS} of PTS passed (or the hold limit was reached) and at least one track is known. */
    public boolean probeExpired() {
        boolean anyReady = tracks.values().stream().anyMatch(TsTrack::ready);
        return anyReady && (held.limitReached() || held.ptsSpan() >= PROBE_MS * 90);
    }

    /**
     * The medias of the tracks with a known configuration, in PMT order; the first call fixes them.
     * Call once probing is done.
     *
     * @throws IllegalStateException when no track is known yet
     */
    public StreamDesc desc() {
        if (desc != null) {
            return desc;
        }
        List<MediaDesc> medias = new ArrayList<>();
        int nextPt = NEXT_PT;
        boolean videoPtUsed = false;
        boolean audioPtUsed = false;
        for (TsTrack t : tracks.values()) {
            if (!t.ready()) {
                probeSkips.add(t + ": " + t.notReadyReason() + "; the track is dropped");
                continue;
            }
            boolean video = t.type() == MediaType.VIDEO;
            int pt = video ? (videoPtUsed ? nextPt : FIRST_VIDEO_PT) : (audioPtUsed ? nextPt : FIRST_AUDIO_PT);
            Format f;
            Packetizer packetizer;
            try {
                f = t.format(pt);
                packetizer = Packetizer.forFormat(f, alloc);
            } catch (RtpException e) { // the tracks check their configuration when they learn it: not expected
                probeSkips.add(t + ": " + e.getMessage() + "; the track is dropped");
                continue;
            }
            if (f.payloadType() == pt) { // not a static payload type
                nextPt += (video ? videoPtUsed : audioPtUsed) ? 1 : 0;
                videoPtUsed |= video;
                audioPtUsed |= !video;
            }
            carried.put(t.stream.pid(), new Carried(t, medias.size(), packetizer));
            medias.add(new MediaDesc(t.type(), "trackID=" + medias.size(), List.of(f)));
        }
        if (medias.isEmpty()) {
            throw new IllegalStateException("no MPEG-TS track is known yet; probe until probe() or probeExpired()");
        }
        desc = new StreamDesc(medias);
        return desc;
    }

    /** Why tracks or programs of the publisher are dropped, or null when everything is carried. */
    public String skipped() {
        List<String> all = new ArrayList<>();
        if (demuxer.ignoredPrograms() != null) {
            all.add(demuxer.ignoredPrograms());
        }
        all.addAll(pmtSkips);
        all.addAll(probeSkips);
        return all.isEmpty() ? null : String.join("; ", all);
    }

    /** Writes the access units held while probing to the stream, in order ({@link #desc()} first if not called). */
    public void start(Stream stream) {
        desc();
        this.stream = stream;
        for (TsProbeHold.Held h = held.poll(); h != null; h = held.poll()) {
            Carried c = carried.get(h.track().stream.pid());
            if (c != null && c.track() == h.track()) {
                send(c, h.au(), h.receivedNanos());
            } else {
                h.au().release();
            }
        }
    }

    /** Feeds data after {@link #start}; never retains or releases {@code data}. */
    public void write(Stream stream, ByteBuf data, long receivedNanos) {
        if (this.stream != stream) {
            start(stream);
        }
        this.receivedNanos = receivedNanos;
        demuxer.feed(data);
    }

    /** Number of problems reported so far. */
    public long problems() {
        return problemCount;
    }

    private void pmtChanged(TsPmt pmt) {
        if (desc != null) {
            fixedTracksChanged(pmt);
            return;
        }
        Map<Integer, TsTrack> next = new LinkedHashMap<>();
        pmtSkips.clear();
        for (TsElementaryStream es : pmt.streams()) {
            TsTrack old = tracks.get(es.pid());
            TsTrack t = old != null && old.stream.codec() == es.codec() ? old : TsTrack.create(es, problems);
            if (t != null) {
                next.put(es.pid(), t);
            } else if (es.codec() == TsCodec.KLV) {
                pmtSkips.add("KLV metadata on " + es.describe() + " is not carried (no RTP mapping for it yet)");
            } else {
                pmtSkips.add(es.describe() + " is not a supported codec; the track is dropped");
            }
        }
        tracks.clear();
        tracks.putAll(next);
        held.keepOnly(tracks);
    }

    /** A new PMT version once the stream runs: its tracks cannot change any more. */
    private void fixedTracksChanged(TsPmt pmt) {
        Map<Integer, TsElementaryStream> now = new HashMap<>();
        pmt.streams().forEach(es -> now.put(es.pid(), es));
        carried.values().removeIf(c -> {
            TsElementaryStream es = now.get(c.track().stream.pid());
            boolean gone = es == null || es.codec() != c.track().stream.codec();
            if (gone) {
                problems.accept("PMT version " + pmt.version() + " removes or changes " + c.track() + "; it ends");
            }
            return gone;
        });
        for (TsElementaryStream es : pmt.streams()) {
            if (es.codec() != null && !carried.containsKey(es.pid())) {
                problems.accept("PMT version " + pmt.version() + " adds " + es.describe()
                        + ", which is not carried: a running stream's tracks are fixed");
            }
        }
    }

    private void pes(PesPacket pes) {
        try {
            long pts = pes.pts() == PesHeader.NONE ? PesHeader.NONE : unwrapper.unwrap(pes.pts());
            long dts = pes.dts() == PesHeader.NONE ? PesHeader.NONE : unwrapper.unwrap(pes.dts());
            if (stream == null) { // probing, or between desc() and start()
                TsTrack t = tracks.get(pes.pid());
                if (t != null) {
                    held.add(t, t.accessUnits(pes, pts, dts), pts, receivedNanos);
                }
            } else {
                Carried c = carried.get(pes.pid());
                if (c != null) {
                    for (AccessUnit au : c.track().accessUnits(pes, pts, dts)) {
                        if (pts != PesHeader.NONE) {
                            mapTimeline(c.media(), au, pts);
                        }
                        send(c, au, receivedNanos);
                    }
                }
            }
        } finally {
            pes.release();
        }
    }

    /**
     * The sender-report mapping of the stream: every track's timestamps come from the one PTS clock,
     * so they share one origin (RTCP carry-through, see SourceTimelineClock). Made with the stream.
     */
    private void mapTimeline(int media, AccessUnit au, long pts90k) {
        if (timeline == null || timelineStream != stream) {
            clockRates = stream.desc().medias().stream().mapToInt(m -> m.format().clockRate()).toArray();
            timeline = new SourceTimelineClock(stream.senderClock(), clockRates);
            timelineStream = stream;
        }
        // the PES's PTS is close to its frames' times; their exact timestamps fix the rest
        timeline.unitNear(media, au.rtpTimestamp(), Math.floorDiv(pts90k * clockRates[media], 90_000L), receivedNanos);
    }

    private SourceTimelineClock timeline;
    private Stream timelineStream;
    private int[] clockRates;

    private void send(Carried c, AccessUnit au, long nanos) {
        List<ByteBuf> rtp;
        try {
            rtp = c.packetizer().packetize(au.units(), au.rtpTimestamp());
        } catch (RtpException | IllegalArgumentException e) {
            problems.accept(c.track() + ": " + e.getMessage() + "; access unit dropped");
            au.release();
            return;
        }
        stream.write(c.media(), rtp, au, nanos);
    }

    /** Releases the access units held from probing and the PES packets in progress. Idempotent. */
    @Override
    public void close() {
        held.close();
        demuxer.close();
    }
}
