package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.Format;
import java.util.function.Consumer;

/**
 * TsMpegAudioTrack reads MPEG-1/2 audio (stream_type 0x03, 0x04): each frame, header included, is one
 * access unit, sent as "MPA" with its 90 kHz clock (RFC 2250). Frames are counted in samples at the
 * first frame's rate and converted to 90 kHz, since a layer II frame at 44.1 kHz lasts a fractional
 * 2351.02 ticks.
 */
final class TsMpegAudioTrack extends TsFramedAudioTrack<MpegAudioHeader> {

    TsMpegAudioTrack(TsElementaryStream stream, Consumer<String> problems) {
        super(stream, problems);
    }

    @Override
    boolean ready() {
        return clock != null;
    }

    @Override
    String notReadyReason() {
        return "no MPEG audio frame while probing";
    }

    @Override
    Format format(int dynamicPayloadType) {
        return RtpFormats.mpegAudio();
    }

    @Override
    String frameName() {
        return "frame";
    }

    @Override
    int minHeaderSize() {
        return MpegAudioHeader.SIZE;
    }

    @Override
    MpegAudioHeader parse(ByteBuf d, int pos) throws TsFormatException {
        return MpegAudioHeader.parse(d, pos);
    }

    @Override
    int frameLength(MpegAudioHeader h) {
        return h.frameLength();
    }

    @Override
    int samples(MpegAudioHeader h) {
        if (clock == null) {
            clock = new AudioClock(h.sampleRate(), RtpFormats.MPEG_AUDIO_CLOCK_RATE);
        }
        return h.samples();
    }

    /** The access unit is the whole frame, header included (RFC 2250 §3.5). */
    @Override
    int unitOffset(MpegAudioHeader h) {
        return 0;
    }
}
