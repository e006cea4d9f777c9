package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsMpegAudioTrack reads MPEG-1/2 audio (stream_type 0x03, 0x04): each frame, header included, is one
 * access unit, sent as "MPA" with its 90 kHz clock (RFC 2250). Frames are counted in samples at the
 * first frame's rate and converted to 90 kHz, since a layer II frame at 44.1 kHz lasts a fractional
 * 2351.02 ticks.
 */
final class TsMpegAudioTrack extends TsTrack {

    private AudioClock clock;

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
    List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts) {
        ByteBuf d = pes.data();
        int pos = d.readerIndex();
        int end = d.writerIndex();
        List<AccessUnit> out = new ArrayList<>();
        try {
            while (pos < end) {
                if (end - pos < MpegAudioHeader.SIZE) {
                    throw new TsFormatException((end - pos) + " stray bytes after the last frame");
                }
                MpegAudioHeader h = MpegAudioHeader.parse(d, pos);
                if (h.frameLength() > end - pos) {
                    throw new TsFormatException("frame of " + h.frameLength() + " bytes with " + (end - pos)
                            + " left in the PES");
                }
                if (clock == null) {
                    clock = new AudioClock(h.sampleRate(), RtpFormats.MPEG_AUDIO_CLOCK_RATE);
                }
                if (pos == d.readerIndex() && pts != PesHeader.NONE) {
                    clock.sync(pts, h.samples());
                }
                if (clock.started()) {
                    long ts = clock.next(h.samples());
                    out.add(new AccessUnit(ts & TIMESTAMP_MASK, List.of(d.retainedSlice(pos, h.frameLength())), true));
                }
                pos += h.frameLength();
            }
        } catch (TsFormatException e) {
            problem(e.getMessage() + "; rest of the PES dropped");
        }
        return out;
    }
}
