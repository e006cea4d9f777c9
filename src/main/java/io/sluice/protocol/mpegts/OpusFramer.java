package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.AccessUnit;

/**
 * OpusFramer frames Opus for MPEG-TS as the draft ETSI "Opus Interactive Audio Codec Transport
 * Multiplexing Standard" (<a href="https://wiki.xiph.org/OpusTS">xiph.org OpusTS</a>) does, which
 * FFmpeg and GStreamer follow: a PES of stream_type 0x06 (private data) identified by a registration
 * descriptor "Opus", the channel configuration in a DVB extension descriptor, and each Opus packet
 * behind an opus_control_header, because Opus packets do not say their own length: the 11-bit prefix
 * 0x3FF (never a valid Opus TOC start), no trim or extension flags, then the size as a run of 0xFF
 * bytes plus a last byte below 255.
 */
final class OpusFramer implements EsFramer {
    /** control_header_prefix 0x3FF, start_trim_flag, end_trim_flag, control_extension_flag 0, 2 reserved bits. */
    static final int CONTROL_HEADER = 0x7FE0;
    private static final int TAG_REGISTRATION = 0x05;
    private static final int TAG_DVB_EXTENSION = 0x7F;
    private static final int EXTENSION_TAG_OPUS = 0x80;

    /**
     * The PMT descriptors of an Opus stream.
     *
     * @param channels 1 or 2 (the channel_config_code of mapping family 0)
     */
    static byte[] descriptors(int channels) {
        return new byte[] {
            TAG_REGISTRATION, 4, 'O', 'p', 'u', 's',
            TAG_DVB_EXTENSION, 2, (byte) EXTENSION_TAG_OPUS, (byte) channels,
        };
    }

    @Override
    public boolean frame(AccessUnit au, ByteBuf out) {
        int size = au.size();
        out.writeShort(CONTROL_HEADER);
        for (int left = size; ; left -= 255) {
            out.writeByte(Math.min(left, 255));
            if (left < 255) {
                break;
            }
        }
        EsFramer.copyUnits(au, out);
        return true;
    }
}
