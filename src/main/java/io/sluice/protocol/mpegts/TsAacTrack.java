package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.Format;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * TsAacTrack reads AAC in ADTS frames (stream_type 0x0F): each frame, its ADTS header stripped, is
 * one access unit (several per PES are common: FFmpeg packs up to ~0.35 s). The first header gives
 * the AudioSpecificConfig; frames whose header says another configuration are dropped, because the
 * RTP format of a running stream cannot change.
 */
final class TsAacTrack extends TsFramedAudioTrack<AdtsHeader> {

    private byte[] config;
    private AudioSpecificConfig asc;
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
    String frameName() {
        return "ADTS frame";
    }

    @Override
    int minHeaderSize() {
        return AdtsHeader.MIN_SIZE;
    }

    @Override
    AdtsHeader parse(ByteBuf d, int pos) throws TsFormatException {
        return AdtsHeader.parse(d, pos);
    }

    @Override
    int frameLength(AdtsHeader h) {
        return h.frameLength();
    }

    @Override
    int samples(AdtsHeader h) {
        if (h.rawBlocks() != 1) {
            problem("ADTS frame with " + h.rawBlocks() + " raw data blocks dropped (not supported)");
            return 0;
        }
        return accept(h) ? asc.frameLength() : 0;
    }

    /** The access unit is the raw AAC frame, ADTS header stripped (RFC 3640 carries none). */
    @Override
    int unitOffset(AdtsHeader h) {
        return h.headerSize();
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
