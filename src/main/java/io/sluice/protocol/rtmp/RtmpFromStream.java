package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.protocol.rtp.H264ParameterSets;
import io.sluice.protocol.rtp.H265ParameterSets;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.RtpTimeline;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * RtmpFromStream re-frames a stream's access units into FLV audio/video messages, never re-encoding:
 * the one mapper behind local RTMP readers and RTMP forward targets (so both behave the same).
 *
 * <p>It picks one video media (H264 classic, H265 as Enhanced RTMP) and one audio media (AAC); any
 * other media is skipped with the reason in {@link #tracks()}. Sequence headers come from the
 * stream's parameter sets and are sent again whenever in-band parameter sets change. Timestamps are
 * milliseconds from the first unit this mapper saw, each media anchored at the arrival time of its
 * first unit (RTP timestamps of different medias have unrelated origins).
 *
 * <p>Video messages carry the decoding time, with the composition time (PTS − DTS) in the tag: both
 * come from the access unit's ptsOffset, which the RTP depacketizer derives from the bitstream for
 * H.264/H.265 with B-frames (and RTMP and MPEG-TS sources carry). A reader that joins at a cached
 * keyframe gets a first frame whose DTS is already some frames behind its PTS, so when a video track
 * is carried every timestamp starts at {@link #VIDEO_TIME_BASE_MS} instead of 0: FLV cannot carry
 * negative times, and clamping them would repeat or reverse the first DTS, which strict ingest servers
 * reject. Video DTS strictly increase (a repeated millisecond is moved up by one).
 *
 * <p>Not thread-safe: one instance per reader, used on the reader's event loop.
 */
public final class RtmpFromStream {
    /** Chunk streams: audio and video apart so that a big video message never delays audio. */
    static final int AUDIO_CHUNK_STREAM = 4;
    static final int DATA_CHUNK_STREAM = 5;
    static final int VIDEO_CHUNK_STREAM = 6;
    /**
     * Milliseconds every timestamp starts at when a video track is carried: more than the PTS − DTS of
     * any real stream's first frame (a few frames of reordering).
     */
    static final long VIDEO_TIME_BASE_MS = 1000;

    /** What happens to one media of the stream. */
    public record Track(int media, String codec, boolean carried, String reason) {
    }

    private final StreamDesc desc;
    private final int streamId;
    private final List<Track> tracks = new ArrayList<>();
    private final int videoMedia;
    private final int audioMedia;
    private final VideoCodec videoCodec;
    private final int videoClock;
    private final int audioClock;
    private AudioSpecificConfig asc;
    /** Current video parameter sets: H264 {sps, pps}, H265 {vps, sps, pps}; null entries until known. */
    private final byte[][] paramSets;
    private boolean videoHeaderSent;
    private boolean audioHeaderSent;
    private final RtpTimeline timeline;
    /** Added to every timestamp: {@link #VIDEO_TIME_BASE_MS} when video is carried, else 0. */
    private final long timeBaseMs;
    private long lastVideoDtsMs = Long.MIN_VALUE;

    /** @param messageStreamId the RTMP message stream the messages belong to (from createStream) */
    public RtmpFromStream(StreamDesc desc, int messageStreamId) {
        this.desc = desc;
        this.streamId = messageStreamId;
        int v = -1;
        int a = -1;
        VideoCodec vc = null;
        byte[][] ps = null;
        for (int i = 0; i < desc.medias().size(); i++) {
            MediaDesc m = desc.medias().get(i);
            Format f = m.format();
            String name = f.codec().name();
            String reason = switch (f.codec()) {
                case H264, H265 -> v >= 0 ? "RTMP carries one video track" : null;
                case MPEG4_AUDIO, MPEG4_AUDIO_LATM -> a >= 0 ? "RTMP carries one audio track" : audioConfig(f);
                case OPUS -> "Opus needs Enhanced RTMP v2 audio, which most RTMP servers refuse";
                case AV1, VP8, VP9 -> name + " from RTP is not re-framed to Enhanced RTMP yet";
                case G711_PCMU, G711_PCMA, G722, MPEG1_AUDIO, MPEG4_VIDEO, OTHER -> "FLV has no " + name;
            };
            if (reason == null && f.codec() == Codec.H264 || reason == null && f.codec() == Codec.H265) {
                try {
                    ps = initialParamSets(f);
                } catch (RtpFormatException e) {
                    reason = "bad parameter sets: " + e.getMessage();
                }
            }
            if (reason != null) {
                tracks.add(new Track(i, name, false, reason));
                continue;
            }
            if (f.codec().isVideo()) {
                v = i;
                vc = f.codec() == Codec.H264 ? VideoCodec.H264 : VideoCodec.H265;
            } else {
                a = i;
            }
            tracks.add(new Track(i, name, true, ""));
        }
        this.videoMedia = v;
        this.audioMedia = a;
        this.videoCodec = vc;
        this.paramSets = ps;
        this.videoClock = v >= 0 ? desc.medias().get(v).format().clockRate() : 90000;
        this.audioClock = a >= 0 ? desc.medias().get(a).format().clockRate() : 48000;
        this.timeline = new RtpTimeline(desc.medias().size());
        this.timeBaseMs = v >= 0 ? VIDEO_TIME_BASE_MS : 0;
    }

    /** Reads the AudioSpecificConfig; returns why the track cannot be carried, or null. */
    private String audioConfig(Format f) {
        try {
            asc = f.codec() == Codec.MPEG4_AUDIO
                    ? AudioSpecificConfig.fromMpeg4GenericConfig(f.fmtpParam("config"))
                    : AudioSpecificConfig.fromLatmConfig(f.fmtpParam("config"));
            return null;
        } catch (RuntimeException e) {
            return "no usable AAC config in the SDP: " + e.getMessage();
        }
    }

    private static byte[][] initialParamSets(Format f) {
        if (f.codec() == Codec.H264) {
            H264ParameterSets p = H264ParameterSets.fromFormat(f);
            return p == null ? new byte[2][] : new byte[][] {p.sps(), p.pps()};
        }
        H265ParameterSets p = H265ParameterSets.fromFormat(f);
        return p == null ? new byte[3][] : new byte[][] {p.vps(), p.sps(), p.pps()};
    }

    /** Every media of the stream, carried or skipped with the reason. */
    public List<Track> tracks() {
        return List.copyOf(tracks);
    }

    /** Whether at least one media is carried; a session with none should not start. */
    public boolean carriesAnything() {
        return videoMedia >= 0 || audioMedia >= 0;
    }

    /**
     * The metadata message sent before the media: {@code @setDataFrame, onMetaData} when publishing
     * to a server (which stores it for its players), plain {@code onMetaData} when playing to a player.
     */
    public RtmpMessage metadata(ByteBufAllocator alloc, boolean publishing) {
        Map<String, Object> meta = new LinkedHashMap<>();
        if (videoMedia >= 0) {
            meta.put("videocodecid", videoCodec == VideoCodec.H264 ? 7.0 : (double) fourCc("hvc1"));
        }
        if (audioMedia >= 0) {
            meta.put("audiocodecid", 10.0);
            meta.put("audiosamplerate", (double) asc.sampleRate());
            meta.put("stereo", asc.channels() >= 2);
        }
        meta.put("encoder", "Sluice");
        ByteBuf b = publishing ? AmfMetadata.setDataFrame(alloc, meta) : AmfMetadata.onMetaData(alloc, meta);
        return new RtmpMessage(DATA_CHUNK_STREAM, RtmpMessageType.DATA_AMF0, 0, streamId, b);
    }

    private static int fourCc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    /**
     * Writes the FLV messages for the access units this unit completed (none for most RTP packets).
     * Messages go to {@code out}, which owns them.
     */
    public void onUnit(Unit unit, ByteBufAllocator alloc, Consumer<RtmpMessage> out) {
        int m = unit.media();
        if (m != videoMedia && m != audioMedia) {
            return;
        }
        for (AccessUnit au : unit.accessUnits()) {
            if (m == videoMedia) {
                // in clock ticks first, so that PTS and DTS round the same way
                long pts = timeline.time(m, au.rtpTimestamp(), videoClock, unit.receivedNanos(), videoClock);
                long ptsMs = timeBaseMs + Math.floorDiv(pts * 1000, videoClock);
                long dtsMs = timeBaseMs + Math.floorDiv((pts - au.ptsOffset()) * 1000, videoClock);
                video(au, Math.max(0, ptsMs), Math.max(0, dtsMs), alloc, out);
            } else {
                long ms = timeline.time(m, au.rtpTimestamp(), audioClock, unit.receivedNanos(), 1000);
                audio(au, timeBaseMs + Math.max(0, ms), alloc, out);
            }
        }
    }

    private void video(AccessUnit au, long ptsMs, long dtsMs, ByteBufAllocator alloc, Consumer<RtmpMessage> out) {
        boolean changed = false;
        List<ByteBuf> frameNalus = new ArrayList<>(au.units().size());
        for (ByteBuf n : au.units()) {
            if (!n.isReadable()) {
                continue;
            }
            int slot = paramSetSlot(n);
            if (slot == SLOT_AUD) {
                continue; // FLV frames carry no access unit delimiters
            }
            if (slot >= 0) {
                byte[] bytes = ByteBufUtil.getBytes(n);
                if (!Arrays.equals(bytes, paramSets[slot])) {
                    paramSets[slot] = bytes;
                    changed = true;
                }
                continue;
            }
            frameNalus.add(n);
        }
        if (changed || !videoHeaderSent) {
            if (!paramSetsComplete()) {
                return; // no decoder can start without them: wait for in-band parameter sets
            }
            if (!au.keyframe() && !videoHeaderSent) {
                return;
            }
            ByteBuf b = alloc.buffer(64);
            FlvVideoTag.writeHeader(b, videoCodec, PacketType.SEQUENCE_START, true, 0);
            ByteBuf conf = videoCodec == VideoCodec.H264
                    ? AvcDecoderConfig.build(alloc, paramSets[0], paramSets[1])
                    : HevcDecoderConfig.build(alloc, paramSets[0], paramSets[1], paramSets[2]);
            b.writeBytes(conf);
            conf.release();
            // at the frame's DTS, so that the message timestamps never step back
            out.accept(new RtmpMessage(VIDEO_CHUNK_STREAM, RtmpMessageType.VIDEO,
                    Math.max(dtsMs, lastVideoDtsMs), streamId, b));
            videoHeaderSent = true;
        }
        if (frameNalus.isEmpty()) {
            return;
        }
        int size = 5 + 4 * frameNalus.size();
        for (ByteBuf n : frameNalus) {
            size += n.readableBytes();
        }
        if (dtsMs <= lastVideoDtsMs) {
            // a repeated (or, from a source with broken timing, reversed) DTS: strict servers refuse it
            dtsMs = lastVideoDtsMs + 1;
            ptsMs = Math.max(ptsMs, dtsMs);
        }
        ptsMs = Math.max(ptsMs, dtsMs); // a counted DTS violation: show it at its decoding time
        lastVideoDtsMs = dtsMs;
        ByteBuf b = alloc.buffer(size + 8);
        int ctsMs = (int) (ptsMs - dtsMs);
        FlvVideoTag.writeHeader(b, videoCodec, PacketType.CODED_FRAMES, au.keyframe(), ctsMs);
        for (ByteBuf n : frameNalus) {
            b.writeInt(n.readableBytes());
            b.writeBytes(n, n.readerIndex(), n.readableBytes());
        }
        // FLV timestamps are decoding times; the unit's timestamp is the presentation time.
        out.accept(new RtmpMessage(VIDEO_CHUNK_STREAM, RtmpMessageType.VIDEO, dtsMs, streamId, b));
    }

    private static final int SLOT_AUD = -2;

    /** Index of a parameter-set NAL unit in {@link #paramSets}, {@link #SLOT_AUD}, or -1 for others. */
    private int paramSetSlot(ByteBuf n) {
        int h = n.getUnsignedByte(n.readerIndex());
        if (videoCodec == VideoCodec.H264) {
            return switch (h & 0x1f) {
                case 7 -> 0;
                case 8 -> 1;
                case 9 -> SLOT_AUD;
                default -> -1;
            };
        }
        return switch ((h >> 1) & 0x3f) {
            case 32 -> 0;
            case 33 -> 1;
            case 34 -> 2;
            case 35 -> SLOT_AUD;
            default -> -1;
        };
    }

    private boolean paramSetsComplete() {
        for (byte[] p : paramSets) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    private void audio(AccessUnit au, long ms, ByteBufAllocator alloc, Consumer<RtmpMessage> out) {
        if (!audioHeaderSent) {
            byte[] c = asc.bytes();
            ByteBuf b = alloc.buffer(4 + c.length);
            FlvAudioTag.writeHeader(b, AudioCodec.AAC, PacketType.SEQUENCE_START, asc.sampleRate(),
                    asc.channels());
            b.writeBytes(c);
            out.accept(new RtmpMessage(AUDIO_CHUNK_STREAM, RtmpMessageType.AUDIO, ms, streamId, b));
            audioHeaderSent = true;
        }
        ByteBuf b = alloc.buffer(2 + au.size());
        FlvAudioTag.writeHeader(b, AudioCodec.AAC, PacketType.CODED_FRAMES, asc.sampleRate(),
                asc.channels());
        for (ByteBuf u : au.units()) {
            b.writeBytes(u, u.readerIndex(), u.readableBytes());
        }
        out.accept(new RtmpMessage(AUDIO_CHUNK_STREAM, RtmpMessageType.AUDIO, ms, streamId, b));
    }
}
