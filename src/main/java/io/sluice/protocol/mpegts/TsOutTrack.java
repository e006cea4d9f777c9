package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.protocol.rtp.RtpHeader;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.List;

/**
 * TsOutTrack is how one carried media of a stream goes into MPEG-TS: its elementary stream, how its
 * access units are framed, and where they come from. H.264, H.265 and AAC units are always attached
 * to the stream's units; Opus and MPEG audio from RTP sources are not (their RTP payloads are whole
 * units already, so the stream builds none), and are then read from the RTP packets.
 *
 * <p>Not thread-safe.
 */
final class TsOutTrack {
    /** Not measured yet: see {@link #shift}. */
    static final long NO_SHIFT = Long.MIN_VALUE;

    final int media;
    final int clockRate;
    final TsOutStream es;
    final EsFramer framer;
    private final Codec codec;
    /** Whether units with attached access units were seen: the source is then not RTP. */
    boolean sawAccessUnits;
    /** 90 kHz ticks added to this media's times so that its first DTS is not behind the PCR. */
    long shift = NO_SHIFT;

    private TsOutTrack(int media, Format f, TsOutStream es, EsFramer framer) {
        this.media = media;
        this.clockRate = f.clockRate();
        this.codec = f.codec();
        this.es = es;
        this.framer = framer;
    }

    /** Why MPEG-TS does not carry a codec, or null when it does. */
    static String skipReason(Codec codec) {
        return switch (codec) {
            case H264, H265, MPEG4_AUDIO, MPEG4_AUDIO_LATM, OPUS, MPEG1_AUDIO -> null;
            case VP8, VP9, AV1, MPEG4_VIDEO -> codec.name() + " is not re-framed to MPEG-TS yet";
            case G711_PCMU, G711_PCMA, G722 -> "MPEG-TS has no stream type for " + codec.name();
            case OTHER -> "unknown codec";
        };
    }

    /**
     * The track of a media whose codec {@link #skipReason} accepts.
     *
     * @param pid the PID of its elementary stream
     * @throws io.sluice.protocol.rtp.RtpFormatException when the format's parameters are malformed
     * @throws TsMuxException when MPEG-TS cannot describe the configuration
     */
    static TsOutTrack create(int media, Format f, int pid) {
        return switch (f.codec()) {
            case H264 -> new TsOutTrack(media, f, TsOutStream.video(pid, TsOutStream.TYPE_H264),
                    new AnnexBFramer(f));
            case H265 -> new TsOutTrack(media, f, TsOutStream.video(pid, TsOutStream.TYPE_H265),
                    new AnnexBFramer(f));
            case MPEG4_AUDIO -> aac(media, f, pid, AudioSpecificConfig.fromMpeg4GenericConfig(config(f)));
            case MPEG4_AUDIO_LATM -> aac(media, f, pid, AudioSpecificConfig.fromLatmConfig(config(f)));
            case OPUS -> new TsOutTrack(media, f, new TsOutStream(pid, TsOutStream.TYPE_PRIVATE_PES,
                    TsOutStream.STREAM_ID_PRIVATE_1, OpusFramer.descriptors(opusChannels(f)), false),
                    new OpusFramer());
            case MPEG1_AUDIO -> new TsOutTrack(media, f, TsOutStream.audio(pid, TsOutStream.TYPE_MPEG1_AUDIO),
                    EsFramer.AS_IS);
            case VP8, VP9, AV1, MPEG4_VIDEO, G711_PCMU, G711_PCMA, G722, OTHER ->
                    throw new IllegalArgumentException(skipReason(f.codec()));
        };
    }

    private static TsOutTrack aac(int media, Format f, int pid, AudioSpecificConfig asc) {
        return new TsOutTrack(media, f, TsOutStream.audio(pid, TsOutStream.TYPE_AAC_ADTS), new AdtsFramer(asc));
    }

    private static String config(Format f) {
        String c = f.fmtpParam("config");
        if (c == null) {
            throw new TsMuxException("no AAC config= in the fmtp \"" + f.fmtp() + "\"");
        }
        return c;
    }

    /** RFC 7587 §7.1: the sender says sprop-stereo=1 when it sends stereo; mono otherwise. */
    private static int opusChannels(Format f) {
        return "1".equals(f.fmtpParam("sprop-stereo")) ? 2 : 1;
    }

    boolean video() {
        return es.video();
    }

    /** Whether this media's RTP payloads are whole access units the stream does not attach. */
    boolean unitsFromRtp() {
        return (codec == Codec.OPUS || codec == Codec.MPEG1_AUDIO) && !sawAccessUnits;
    }

    /**
     * The access unit an RTP packet's payload holds, a view of the packet that is neither retained nor
     * to be released; null for an MPEG audio fragment.
     *
     * @throws io.sluice.protocol.rtp.RtpPacketException when the packet is malformed
     */
    AccessUnit fromRtp(ByteBuf rtp) {
        ByteBuf payload = RtpHeader.payload(rtp);
        ByteBuf frames = codec == Codec.MPEG1_AUDIO ? MpegAudioPayload.wholeFrames(payload) : payload;
        if (frames == null || !frames.isReadable()) {
            return null;
        }
        return new AccessUnit(RtpHeader.timestamp(rtp), List.of(frames), true);
    }
}
