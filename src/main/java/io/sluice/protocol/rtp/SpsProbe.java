package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.stream.Format;
import io.sluice.stream.QualityMeter;
import io.sluice.stream.QualityMeter.VideoParams;

/**
 * SpsProbe reads the picture size (and, for H.264, the VUI frame rate) of an H.264 or H.265 stream from
 * its SPS: the one its format announces (sprop-parameter-sets, sprop-sps) and every one that passes
 * in-band, as a single NAL unit or inside an aggregation packet (STAP-A, RFC 6184 §5.7.1; AP, RFC 7798
 * §4.4.2), so a WebRTC publisher, which never announces its SPS, and a resolution change are seen too.
 *
 * <p>Called for every packet of the video media on the publisher's thread: a packet whose first NAL
 * type is neither SPS nor aggregation costs two byte reads; an SPS equal to the last one is compared,
 * not parsed. SPS fragmented over FU packets are not read (encoders keep SPS far below the MTU).
 */
public final class SpsProbe implements QualityMeter.VideoProbe {

    private static final int H265_AP = 48;
    /** An SPS longer than this is not read (real ones are tens of bytes). */
    private static final int MAX_SPS = 1024;

    private final boolean h265;
    /** The last SPS seen, parsed or refused: equal ones are not parsed again. Publisher thread only. */
    private byte[] last;
    private long badSps;

    private SpsProbe(boolean h265) {
        this.h265 = h265;
    }

    /**
     * The probe of a video format: the SPS for H.264/H.265, the key frames' headers for VP8/VP9 ({@link VpxProbe});
     * null for codecs whose picture size Sluice does not read (AV1, MPEG-4 part 2, MJPEG).
     */
    public static QualityMeter.VideoProbe forFormat(Format f) {
        return switch (f.codec()) {
            case H264 -> new SpsProbe(false);
            case H265 -> new SpsProbe(true);
            case VP8 -> new VpxProbe(false);
            case VP9 -> new VpxProbe(true);
            default -> null;
        };
    }

    /**
     * The video parameters of the SPS a format announces, or null when it announces none.
     *
     * @throws RtpFormatException when the announced SPS is malformed
     */
    public static VideoParams announced(Format f) {
        return switch (f.codec()) {
            case H264 -> {
                H264ParameterSets ps = H264ParameterSets.fromFormat(f);
                yield ps == null ? null : h264(ps.sps());
            }
            case H265 -> {
                H265ParameterSets ps = H265ParameterSets.fromFormat(f);
                yield ps == null ? null : h265(ps.sps());
            }
            default -> null;
        };
    }

    /** SPS this probe could not read (malformed or unsupported), for tests and debugging. */
    long badSps() {
        return badSps;
    }

    @Override
    public VideoParams probe(ByteBuf rtpPacket) {
        int off = RtpHeader.payloadOffset(rtpPacket);
        if (off < 0) {
            return null;
        }
        int start = rtpPacket.readerIndex() + off;
        int end = start + RtpHeader.payloadLength(rtpPacket);
        if (end - start < 2) {
            return null;
        }
        int type = nalType(rtpPacket, start);
        if (type == spsType()) {
            return read(rtpPacket, start, end - start);
        }
        if (type != aggregationType()) {
            return null;
        }
        int p = start + (h265 ? 2 : 1);
        while (end - p >= 3) {
            int size = rtpPacket.getUnsignedShort(p);
            if (size == 0 || size > end - p - 2) {
                return null;
            }
            if (nalType(rtpPacket, p + 2) == spsType()) {
                return read(rtpPacket, p + 2, size);
            }
            p += 2 + size;
        }
        return null;
    }

    private int nalType(ByteBuf b, int at) {
        int first = b.getUnsignedByte(at);
        return h265 ? H265Keyframes.nalType(first) : first & 0x1f;
    }

    private int spsType() {
        return h265 ? H265Keyframes.NAL_SPS : H264Keyframes.NAL_SPS;
    }

    private int aggregationType() {
        return h265 ? H265_AP : H264Keyframes.STAP_A;
    }

    private VideoParams read(ByteBuf b, int at, int len) {
        if (len > MAX_SPS || sameAsLast(b, at, len)) {
            return null;
        }
        last = ByteBufUtil.getBytes(b, at, len);
        try {
            return h265 ? h265(last) : h264(last);
        } catch (RtpFormatException e) {
            // The stream forwards as it is and only the figures stay unknown, which the when: reason shows
            // ("picture size not known yet"); the depacketizers report malformed parameter sets themselves.
            badSps++;
            return null;
        }
    }

    private boolean sameAsLast(ByteBuf b, int at, int len) {
        if (last == null || last.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b.getByte(at + i) != last[i]) {
                return false;
            }
        }
        return true;
    }

    private static VideoParams h264(byte[] sps) {
        H264Sps s = H264Sps.parse(sps);
        return new VideoParams(s.width(), s.height(), H264Sps.declaredFps(sps));
    }

    private static VideoParams h265(byte[] sps) {
        H265Sps s = H265Sps.parse(sps);
        return new VideoParams(s.width(), s.height(), 0);
    }
}
