package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ParameterSetInjector watches the RTP payloads of one H.264 or H.265 stream and tells its sender
 * when a keyframe starts without its parameter sets in-band, returning them as one STAP-A
 * (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-5.7.1">RFC 6184 §5.7.1</a>) or AP
 * (<a href="https://www.rfc-editor.org/rfc/rfc7798#section-4.4.2">RFC 7798 §4.4.2</a>) payload to
 * send first, under the keyframe's timestamp.
 *
 * <p>Why: RTSP publishers such as FFmpeg announce SPS/PPS only in the SDP's fmtp, and a WebRTC
 * receiver (a browser) cannot decode an IDR without them. The sets come from the last in-band ones
 * seen, else from the format's sprop parameters. Interleaved packetization (STAP-B, MTAP, DONL) is
 * not supported, as elsewhere in Sluice. Not thread-safe: one instance per outgoing track.
 */
public final class ParameterSetInjector {

    /** Largest aggregation payload built; larger parameter sets go out as single NAL unit packets. */
    public static final int MAX_AGGREGATE = 1200;

    private final boolean h265;
    /** H.264: SPS, PPS; H.265: VPS, SPS, PPS; null until known. */
    private final byte[][] sets;
    private final int allSeen;
    private long timestamp = -1;
    private int seen;
    private boolean injected;

    private ParameterSetInjector(boolean h265, byte[][] sets) {
        this.h265 = h265;
        this.sets = sets;
        this.allSeen = (1 << sets.length) - 1;
    }

    /**
     * An injector for the format's codec, or null when the codec needs none.
     * An invalid sprop parameter is ignored: the sets may still come in-band.
     */
    public static ParameterSetInjector forFormat(Format format) {
        return switch (format.codec()) {
            case H264 -> {
                H264ParameterSets ps = fromFmtp(() -> H264ParameterSets.fromFormat(format));
                yield new ParameterSetInjector(false, ps == null ? new byte[2][] : new byte[][] {ps.sps(), ps.pps()});
            }
            case H265 -> {
                H265ParameterSets ps = fromFmtp(() -> H265ParameterSets.fromFormat(format));
                yield new ParameterSetInjector(true, ps == null ? new byte[3][] : new byte[][] {ps.vps(), ps.sps(), ps.pps()});
            }
            case AV1, VP8, VP9, MPEG4_AUDIO, MPEG4_AUDIO_LATM, OPUS, G711_PCMU, G711_PCMA, G722, MPEG1_AUDIO,
                 MPEG4_VIDEO, OTHER -> null;
        };
    }

    private static <T> T fromFmtp(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (RtpFormatException e) {
            return null; // the publisher's stream may still carry them in-band; nothing to inject until then
        }
    }

    /**
     * Inspects one packet's payload and returns the payloads to send before it (empty when none):
     * one aggregation packet, or single NAL units when they do not fit in {@link #MAX_AGGREGATE}.
     *
     * @param payload the RTP payload without padding; not modified
     * @param rtpTimestamp the packet's timestamp, which delimits an access unit
     */
    public List<byte[]> before(ByteBuf payload, long rtpTimestamp) {
        if (rtpTimestamp != timestamp) {
            timestamp = rtpTimestamp;
            seen = 0;
            injected = false;
        }
        boolean keyframe = scan(payload, payload.readerIndex(), payload.writerIndex());
        if (!keyframe || injected || seen == allSeen) {
            return List.of();
        }
        for (byte[] s : sets) {
            if (s == null) {
                return List.of(); // nothing known yet; the receiver will ask for a keyframe again
            }
        }
        injected = true;
        return aggregate();
    }

    /** Records the parameter sets in the payload; true when it starts an IDR (H.264) or IRAP (H.265) picture. */
    private boolean scan(ByteBuf b, int off, int end) {
        int hdr = h265 ? 2 : 1;
        if (end - off < hdr) {
            return false;
        }
        int type = h265 ? H265Keyframes.nalType(b.getByte(off)) : b.getByte(off) & 0x1f;
        if (type == (h265 ? H265Keyframes.AP : H264Keyframes.STAP_A)) {
            boolean key = false;
            // a malformed aggregate just ends the scan: forwarding it is the receiver's problem, not ours
            for (int p = off + hdr; end - p >= 2 + hdr; ) {
                int size = b.getUnsignedShort(p);
                if (size < hdr || size > end - p - 2) {
                    break;
                }
                key |= nal(b, p + 2, size);
                p += 2 + size;
            }
            return key;
        }
        if (type == (h265 ? H265Keyframes.FU : H264Keyframes.FU_A)) {
            if (end - off < hdr + 1) {
                return false;
            }
            int fu = b.getByte(off + hdr);
            return (fu & 0x80) != 0 && isPicture(h265 ? fu & 0x3f : fu & 0x1f);
        }
        return nal(b, off, end - off);
    }

    private boolean nal(ByteBuf b, int off, int len) {
        int type = h265 ? H265Keyframes.nalType(b.getByte(off)) : b.getByte(off) & 0x1f;
        int i = setIndex(type);
        if (i >= 0) {
            byte[] copy = new byte[len];
            b.getBytes(off, copy);
            sets[i] = copy;
            seen |= 1 << i;
            return false;
        }
        return isPicture(type);
    }

    private boolean isPicture(int type) {
        return h265 ? H265Keyframes.isIrap(type) : type == H264Keyframes.NAL_IDR;
    }

    private int setIndex(int type) {
        if (h265) {
            return type >= H265Keyframes.NAL_VPS && type <= H265Keyframes.NAL_PPS ? type - H265Keyframes.NAL_VPS : -1;
        }
        return type == H264Keyframes.NAL_SPS ? 0 : type == H264Keyframes.NAL_PPS ? 1 : -1;
    }

    private List<byte[]> aggregate() {
        int hdr = h265 ? 2 : 1;
        int size = hdr;
        for (byte[] s : sets) {
            size += 2 + s.length;
        }
        if (size > MAX_AGGREGATE) {
            List<byte[]> singles = new ArrayList<>(sets.length);
            for (byte[] s : sets) {
                singles.add(s.clone());
            }
            return singles;
        }
        byte[] out = new byte[size];
        if (h265) {
            // PayloadHdr: F=0, type 48, and the lowest LayerId and TID of the aggregated units (RFC 7798 §4.4.2)
            int layer = 63;
            int tid = 7;
            for (byte[] s : sets) {
                layer = Math.min(layer, (s[0] & 1) << 5 | (s[1] & 0xff) >> 3);
                tid = Math.min(tid, s[1] & 7);
            }
            out[0] = (byte) (H265Keyframes.AP << 1 | layer >> 5);
            out[1] = (byte) ((layer & 0x1f) << 3 | tid);
        } else {
            // F=0, NRI = the highest NRI of the aggregated units (RFC 6184 §5.7.1)
            int nri = 0;
            for (byte[] s : sets) {
                nri = Math.max(nri, s[0] & 0x60);
            }
            out[0] = (byte) (nri | H264Keyframes.STAP_A);
        }
        int p = hdr;
        for (byte[] s : sets) {
            out[p] = (byte) (s.length >> 8);
            out[p + 1] = (byte) s.length;
            System.arraycopy(s, 0, out, p + 2, s.length);
            p += 2 + s.length;
        }
        return List.of(out);
    }
}
