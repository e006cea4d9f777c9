package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsAacTrack reads AAC in ADTS frames (stream_type 0x0F): each frame, its ADTS header stripped, is
 * one access unit (several per PES are common: FFmpeg packs up to ~0.35 s). The first header gives
 * the AudioSpecificConfig; frames whose header says another configuration are dropped, because the
 * RTP format of a running stream cannot change.
 */
final class TsAacTrack extends TsTrack {

    private byte[] config;
    private AudioSpecificConfig asc;
    private AudioClock clock;
    private boolean changeReported;

    TsAacTrack(TsElementaryStream stream, Consumer<String> problems) {
        super(stream, problems);
    }

    @Override
    boolean ready() {
        return asc != null;
    }

    @Override
    String notReadyReason() {
        return "no valid ADTS header while probing";
    }

    @Override
    Format format(int dynamicPayloadType) {
        return RtpFormats.aac(dynamicPayloadType, config);
    }

    /** The configuration taken from the first ADTS header, or null. */
    AudioSpecificConfig audioSpecificConfig() {
        return asc;
    }

    @Override
    List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts) {
        ByteBuf d = pes.data();
        int pos = d.readerIndex();
        int end = d.writerIndex();
        List<AccessUnit> out = new ArrayList<>();
        boolean first = true;
        try {
            while (pos < end) {
                if (end - pos < AdtsHeader.MIN_SIZE) {
                    throw new TsFormatException((end - pos) + " stray bytes after the last ADTS frame");
                }
                AdtsHeader h = AdtsHeader.parse(d, pos);
                if (h.frameLength() > end - pos) {
                    throw new TsFormatException("ADTS frame of " + h.frameLength() + " bytes with " + (end - pos)
                            + " left in the PES");
                }
                int at = pos;
                pos += h.frameLength();
                if (h.rawBlocks() != 1) {
                    problem("ADTS frame with " + h.rawBlocks() + " raw data blocks dropped (not supported)");
                    continue;
                }
                if (!accept(h)) {
                    continue;
                }
                if (first && pts != PesHeader.NONE) {
                    clock.sync(pts, asc.frameLength());
                }
                first = false;
                if (clock.started()) {
                    long ts = clock.next(asc.frameLength());
                    ByteBuf raw = d.retainedSlice(at + h.headerSize(), h.frameLength() - h.headerSize());
                    out.add(new AccessUnit(ts & TIMESTAMP_MASK, List.of(raw), true));
                }
            }
        } catch (TsFormatException e) {
            problem(e.getMessage() + "; rest of the PES dropped");
        }
        return out;
    }

    /** Learns the configuration from the first header; false for a frame that does not match it. */
    private boolean accept(AdtsHeader h) {
        byte[] c = h.audioSpecificConfig();
        if (asc == null) {
            try {
                AudioSpecificConfig parsed = AudioSpecificConfig.parse(c);
                RtpFormats.aac(0, c); // the check the RTP format makes later
                asc = parsed;
                config = c;
                clock = new AudioClock(asc.sampleRate(), asc.sampleRate());
            } catch (RtpFormatException e) {
                problem("unusable ADTS header: " + e.getMessage());
                return false;
            }
        } else if (!Arrays.equals(c, config)) {
            if (!changeReported) {
                changeReported = true;
                problem("ADTS configuration changed from " + HexFormat.of().formatHex(config) + " to "
                        + HexFormat.of().formatHex(c) + "; such frames are dropped (the stream's format is fixed)");
            }
            return false;
        }
        return true;
    }
}
