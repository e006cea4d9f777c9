package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.protocol.rtp.Packetizer;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.SourceTimelineClock;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RtmpToStream turns an RTMP publisher's FLV messages into a stream: it learns the tracks from the
 * metadata and the sequence headers, then writes every frame as an access unit together with the RTP
 * packets made from it once for all RTP readers (RTSP, WebRTC).
 *
 * <p>Use: {@link #probe} each message until it returns true (or {@link #probeExpired}), create the
 * stream with {@link #desc()}, then {@link #write} each message, the probed ones first
 * ({@link #takeProbed()}). Not thread-safe: the publisher's event loop only.
 */
public final class RtmpToStream implements AutoCloseable {
    /** How long the tracks may take to show up, in stream milliseconds, before the stream starts with what came. */
    public static final long PROBE_MS = 1000;
    /** Most messages held while probing (a publisher that never sends a sequence header). */
    public static final int MAX_PROBE_MESSAGES = 512;
    static final int VIDEO_PT = 96;
    static final int AUDIO_PT = 97;

    private final ByteBufAllocator alloc;
    private final List<RtmpMessage> probed = new ArrayList<>();
    private boolean expectVideo;
    private boolean expectAudio;
    private boolean metadataSeen;
    private long firstMs = -1;
    private long lastMs;
    private Packetizer video;
    private Packetizer audio;
    private VideoCodec videoCodec;
    private AudioCodec audioCodec;
    private AudioSpecificConfig asc;
    private byte[][] videoParams;
    private int videoMedia = -1;
    private int audioMedia = -1;
    private long audioNextTs = Long.MIN_VALUE;
    private String skipped;

    public RtmpToStream(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Takes one message before the stream exists (retaining it for {@link #takeProbed()}).
     *
     * @return true when every announced track is known and the stream can start
     * @throws RtmpProtocolException for malformed tags or unsupported codecs
     */
    public boolean probe(RtmpMessage m) throws RtmpProtocolException {
        switch (m.typeId()) {
            case RtmpMessageType.DATA_AMF0 -> metadata(m);
            case RtmpMessageType.VIDEO -> probeVideo(m);
            case RtmpMessageType.AUDIO -> probeAudio(m);
            default -> {
                return false;
            }
        }
        if (m.typeId() != RtmpMessageType.DATA_AMF0) {
            if (firstMs < 0) {
                firstMs = m.timestamp();
            }
            lastMs = m.timestamp();
            if (probed.size() >= MAX_PROBE_MESSAGES) {
                throw new RtmpProtocolException("no usable sequence header in the first " + MAX_PROBE_MESSAGES
                        + " media messages");
            }
            probed.add(m.retain());
        }
        boolean videoReady = video != null || !expectVideo;
        boolean audioReady = audio != null || !expectAudio;
        return metadataSeen ? videoReady && audioReady && (video != null || audio != null)
                : video != null && audio != null;
    }

    /** Whether probing took long enough that the stream should start with the tracks known so far. */
    public boolean probeExpired() {
        return firstMs >= 0 && lastMs - firstMs >= PROBE_MS && (video != null || audio != null);
    }

    private void metadata(RtmpMessage m) throws RtmpProtocolException {
        Map<String, Object> meta = AmfMetadata.parse(m.payload());
        if (meta == null) {
            return;
        }
        metadataSeen = true;
        expectVideo = isPresent(meta.get("videocodecid"));
        expectAudio = isPresent(meta.get("audiocodecid"));
    }

    private static boolean isPresent(Object codecId) {
        return codecId instanceof Double d ? d != 0 : codecId instanceof String s && !s.isEmpty();
    }

    private void probeVideo(RtmpMessage m) throws RtmpProtocolException {
        FlvVideoTag t = FlvVideoTag.parse(m.payload());
        if (t.type() != PacketType.SEQUENCE_START || t.codec() == null || video != null) {
            return; // frames before the header, E-RTMP command frames (no codec), repeated headers
        }
        if (t.codec() == VideoCodec.AV1 || t.codec() == VideoCodec.VP9) {
            // No RTP packetizer for these yet: the publisher's audio still goes through.
            skipped = t.codec() + " video is not supported over RTMP ingest yet; the track is dropped";
            expectVideo = false;
            return;
        }
        videoCodec = t.codec();
        videoParams = switch (t.codec()) {
            case H264 -> {
                AvcDecoderConfig c = AvcDecoderConfig.parse(t.body());
                if (c.sps().isEmpty() || c.pps().isEmpty()) {
                    throw new RtmpProtocolException("AVC sequence header without SPS or PPS");
                }
                yield new byte[][] {c.sps().getFirst(), c.pps().getFirst()};
            }
            case H265 -> {
                HevcDecoderConfig c = HevcDecoderConfig.parse(t.body());
                if (c.vps().isEmpty() || c.sps().isEmpty() || c.pps().isEmpty()) {
                    throw new RtmpProtocolException("HEVC sequence header without VPS, SPS or PPS");
                }
                yield new byte[][] {c.vps().getFirst(), c.sps().getFirst(), c.pps().getFirst()};
            }
            case AV1, VP9 -> throw new IllegalStateException("handled above");
        };
        try {
            video = t.codec() == VideoCodec.H264
                    ? Packetizer.h264(VIDEO_PT, videoParams[0], videoParams[1], alloc)
                    : Packetizer.h265(VIDEO_PT, videoParams[0], videoParams[1], videoParams[2], alloc);
        } catch (RtpFormatException e) {
            throw new RtmpProtocolException("bad video sequence header: " + e.getMessage());
        }
    }

    private void probeAudio(RtmpMessage m) throws RtmpProtocolException {
        FlvAudioTag t = FlvAudioTag.parse(m.payload());
        if (audio != null) {
            return;
        }
        switch (t.codec()) {
            case AAC -> {
                if (t.type() != PacketType.SEQUENCE_START) {
                    return;
                }
                byte[] c = new byte[t.body().readableBytes()];
                t.body().getBytes(t.body().readerIndex(), c);
                try {
                    asc = AudioSpecificConfig.parse(c);
                    audio = Packetizer.aac(AUDIO_PT, c, alloc);
                } catch (RtpFormatException e) {
                    throw new RtmpProtocolException("bad AAC sequence header: " + e.getMessage());
                }
            }
            case OPUS -> audio = Packetizer.opus(AUDIO_PT, 2, alloc);
            default -> throw new RtmpProtocolException(t.codec() + " audio over RTMP is not supported");
        }
        audioCodec = t.codec();
    }

    /** Why a track of the publisher is dropped, or null when every track is carried. */
    public String skipped() {
        return skipped;
    }

    /** The stream description; call once probing is done. */
    public StreamDesc desc() {
        List<MediaDesc> medias = new ArrayList<>();
        if (video != null) {
            videoMedia = medias.size();
            medias.add(new MediaDesc(MediaType.VIDEO, "trackID=" + medias.size(), List.of(video.format())));
        }
        if (audio != null) {
            audioMedia = medias.size();
            medias.add(new MediaDesc(MediaType.AUDIO, "trackID=" + medias.size(), List.of(audio.format())));
        }
        return new StreamDesc(medias);
    }

    /** The messages held while probing, in order; ownership moves to the caller. */
    public List<RtmpMessage> takeProbed() {
        List<RtmpMessage> l = new ArrayList<>(probed);
        probed.clear();
        return l;
    }

    /**
     * Writes one audio/video message to the stream (other messages are ignored). Releases nothing:
     * the caller keeps the message.
     *
     * @throws RtmpProtocolException for a malformed tag; nothing is written then
     */
    public void write(Stream stream, RtmpMessage m, long receivedNanos) throws RtmpProtocolException {
        if (m.typeId() == RtmpMessageType.VIDEO && videoMedia >= 0) {
            FlvVideoTag t = FlvVideoTag.parse(m.payload());
            if (t.codec() == null) {
                return; // an E-RTMP command frame: nothing to forward
            }
            if (t.codec() != videoCodec) {
                throw new RtmpProtocolException("video codec changed from " + videoCodec + " to " + t.codec());
            }
            if (t.type() == PacketType.SEQUENCE_START) {
                updateVideoParams(t);
            } else if (t.type() == PacketType.CODED_FRAMES) {
                writeVideo(stream, t, m.timestamp(), receivedNanos);
            }
        } else if (m.typeId() == RtmpMessageType.AUDIO && audioMedia >= 0) {
            FlvAudioTag t = FlvAudioTag.parse(m.payload());
            if (t.type() == PacketType.CODED_FRAMES && t.codec() == audioCodec) {
                writeAudio(stream, t, m.timestamp(), receivedNanos);
            }
        }
    }

    /** A new sequence header mid-stream: its parameter sets go in-band before the next keyframe. */
    private void updateVideoParams(FlvVideoTag t) throws RtmpProtocolException {
        if (videoCodec == VideoCodec.H264) {
            AvcDecoderConfig c = AvcDecoderConfig.parse(t.body());
            if (!c.sps().isEmpty() && !c.pps().isEmpty()) {
                videoParams = new byte[][] {c.sps().getFirst(), c.pps().getFirst()};
            }
        } else if (videoCodec == VideoCodec.H265) {
            HevcDecoderConfig c = HevcDecoderConfig.parse(t.body());
            if (!c.vps().isEmpty() && !c.sps().isEmpty() && !c.pps().isEmpty()) {
                videoParams = new byte[][] {c.vps().getFirst(), c.sps().getFirst(), c.pps().getFirst()};
            }
        }
    }

    private void writeVideo(Stream stream, FlvVideoTag t, long dtsMs, long receivedNanos)
            throws RtmpProtocolException {
        List<ByteBuf> nalus = AvcDecoderConfig.splitLengthPrefixed(t.body(), 4);
        if (nalus.isEmpty()) {
            return;
        }
        List<ByteBuf> units = new ArrayList<>(nalus.size() + videoParams.length);
        if (t.keyframe()) {
            // RTP readers get the parameter sets in-band at every keyframe, as cameras send them, so
            // a parameter-set change mid-stream reaches them too.
            for (byte[] p : videoParams) {
                units.add(Unpooled.wrappedBuffer(p));
            }
        }
        for (ByteBuf n : nalus) {
            units.add(n.retainedSlice());
        }
        long pts = (dtsMs + t.compositionTimeMs()) * 90;
        AccessUnit au = new AccessUnit(pts & 0xffffffffL, t.compositionTimeMs() * 90, units, t.keyframe());
        List<ByteBuf> rtp = video.packetize(units, pts & 0xffffffffL);
        timeline(stream).unit(videoMedia, pts, receivedNanos);
        stream.write(videoMedia, rtp, au, receivedNanos);
    }

    private void writeAudio(Stream stream, FlvAudioTag t, long ms, long receivedNanos) {
        int rate = audio.format().clockRate();
        long fromMs = ms * rate / 1000;
        long ts;
        if (audioCodec == AudioCodec.AAC) {
            // RTMP rounds to milliseconds; AAC frames are exactly frameLength samples apart, so count
            // samples and only resync when the publisher's clock jumps (a gap, a restart).
            int frame = asc.frameLength();
            ts = audioNextTs != Long.MIN_VALUE && Math.abs(audioNextTs - fromMs) <= 2L * frame ? audioNextTs : fromMs;
            audioNextTs = ts + frame;
        } else {
            ts = fromMs;
        }
        ByteBuf frame = t.body().retainedSlice();
        AccessUnit au = new AccessUnit(ts & 0xffffffffL, List.of(frame), true);
        List<ByteBuf> rtp = audio.packetize(List.of(frame), ts & 0xffffffffL);
        timeline(stream).unit(audioMedia, ts, receivedNanos);
        stream.write(audioMedia, rtp, au, receivedNanos);
    }

    /**
     * The sender-report mapping of the stream being written: audio and video timestamps both come
     * from the FLV milliseconds, so they share one origin (RTCP carry-through, see SourceTimelineClock).
     */
    private SourceTimelineClock timeline(Stream stream) {
        if (timeline == null || timelineStream != stream) {
            int[] rates = stream.desc().medias().stream().mapToInt(m -> m.format().clockRate()).toArray();
            timeline = new SourceTimelineClock(stream.senderClock(), rates);
            timelineStream = stream;
        }
        return timeline;
    }

    private SourceTimelineClock timeline;
    private Stream timelineStream;

    /** Releases the messages still held from probing. */
    @Override
    public void close() {
        for (RtmpMessage m : probed) {
            m.release();
        }
        probed.clear();
    }
}
