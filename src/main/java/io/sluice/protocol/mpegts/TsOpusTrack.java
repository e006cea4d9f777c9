package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsOpusTrack reads Opus (stream_type 0x06 with registration "Opus"): each Opus packet of a PES is
 * one access unit, timed at 48 kHz from the PES's PTS plus the durations of the packets before it.
 * The channel count comes from the Opus audio descriptor when the PMT has one, else from the first
 * packet's TOC; more than two channels has no RTP mapping here (RFC 7587 is mono/stereo).
 */
final class TsOpusTrack extends TsTrack {

    private final AudioClock clock = new AudioClock(RtpFormats.OPUS_CLOCK_RATE, RtpFormats.OPUS_CLOCK_RATE);
    private int channels;

    TsOpusTrack(TsElementaryStream stream, Consumer<String> problems) {
        super(stream, problems);
        // channel_config_code 1 and 2 are mono and stereo; others are multichannel mappings
        this.channels = stream.opusChannelCode() < 0 ? -1 : stream.opusChannelCode();
    }

    @Override
    boolean ready() {
        return channels == 1 || channels == 2;
    }

    @Override
    String notReadyReason() {
        return channels >= 0 ? "Opus channel_config_code 0x" + Integer.toHexString(channels)
                + " (not mono or stereo) has no RTP mapping here" : "no Opus packet while probing";
    }

    @Override
    Format format(int dynamicPayloadType) {
        return RtpFormats.opus(dynamicPayloadType, channels);
    }

    @Override
    List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts) {
        List<ByteBuf> packets;
        try {
            packets = OpusPesReader.packets(pes.data());
        } catch (TsFormatException e) {
            problem(e.getMessage() + "; PES dropped");
            return List.of();
        }
        if (packets.isEmpty()) {
            return List.of();
        }
        if (channels < 0) {
            channels = OpusPesReader.channels(packets.getFirst());
        }
        if (!ready()) {
            return List.of();
        }
        List<AccessUnit> out = new ArrayList<>(packets.size());
        for (ByteBuf p : packets) {
            int samples;
            try {
                samples = OpusPesReader.samples(p);
            } catch (TsFormatException e) {
                problem(e.getMessage() + "; packet dropped");
                continue;
            }
            if (out.isEmpty() && pts != PesHeader.NONE) {
                clock.sync(pts, samples);
            }
            if (clock.started()) {
                out.add(new AccessUnit(clock.next(samples) & TIMESTAMP_MASK, List.of(p.retainedSlice()), true));
            }
        }
        return out;
    }
}
