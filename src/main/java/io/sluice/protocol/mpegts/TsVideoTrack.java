package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.protocol.rtp.RtpFormats;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * TsVideoTrack reads H.264 (stream_type 0x1B) and H.265 (0x24) PES packets, one access unit each in
 * Annex B form, as FFmpeg, GStreamer and hardware encoders mux them. The access unit keeps every NAL
 * unit but the access unit delimiters (no RTP reader needs them), so in-band parameter sets reach
 * RTP readers at each keyframe. The first parameter sets make the RTP format.
 */
final class TsVideoTrack extends TsTrack {

    private static final int H264_IDR = 5;
    private static final int H264_SPS = 7;
    private static final int H264_PPS = 8;
    private static final int H264_AUD = 9;
    private static final int H265_IRAP_FIRST = 16;
    private static final int H265_IRAP_LAST = 21;
    private static final int H265_VPS = 32;
    private static final int H265_SPS = 33;
    private static final int H265_PPS = 34;
    private static final int H265_AUD = 35;
    /** Largest PTS - DTS believed: B-frame reordering is a few frames; more is a broken time stamp. */
    private static final long MAX_PTS_OFFSET = 10 * 90_000;

    private final boolean h265;
    private byte[] vps;
    private byte[] sps;
    private byte[] pps;
    private boolean ready;

    TsVideoTrack(TsElementaryStream stream, Consumer<String> problems) {
        super(stream, problems);
        this.h265 = stream.codec() == TsCodec.H265;
    }

    @Override
    boolean ready() {
        return ready;
    }

    @Override
    String notReadyReason() {
        return "no " + (h265 ? "VPS, SPS and PPS" : "SPS and PPS") + " while probing";
    }

    @Override
    Format format(int dynamicPayloadType) {
        return h265 ? RtpFormats.h265(dynamicPayloadType, vps, sps, pps) : RtpFormats.h264(dynamicPayloadType, sps, pps);
    }

    @Override
    List<AccessUnit> accessUnits(PesPacket pes, long pts, long dts) {
        if (pts == PesHeader.NONE) {
            problem("PES without PTS dropped");
            return List.of();
        }
        List<ByteBuf> nalus;
        try {
            nalus = AnnexB.split(pes.data());
        } catch (TsFormatException e) {
            problem(e.getMessage() + "; PES dropped");
            return List.of();
        }
        List<ByteBuf> kept = new ArrayList<>(nalus.size());
        boolean keyframe = false;
        for (ByteBuf n : nalus) {
            int type = h265 ? (n.getUnsignedByte(n.readerIndex()) >> 1) & 0x3f : n.getUnsignedByte(n.readerIndex()) & 0x1f;
            if (type == (h265 ? H265_AUD : H264_AUD)) {
                continue;
            }
            keyframe |= h265 ? type >= H265_IRAP_FIRST && type <= H265_IRAP_LAST : type == H264_IDR;
            if (!ready) {
                learn(type, n);
            }
            kept.add(n);
        }
        if (!ready || kept.isEmpty()) {
            return List.of(); // a decoder could not use pictures before the parameter sets
        }
        kept.replaceAll(ByteBuf::retainedSlice);
        long ptsOffset = dts == PesHeader.NONE ? 0 : pts - dts;
        if (ptsOffset < 0 || ptsOffset > MAX_PTS_OFFSET) {
            problem("PTS " + pts + " - DTS " + dts + " outside 0.." + MAX_PTS_OFFSET + "; taken as 0");
            ptsOffset = 0;
        }
        return List.of(new AccessUnit(pts & TIMESTAMP_MASK, (int) ptsOffset, kept, keyframe));
    }

    private void learn(int type, ByteBuf n) {
        if (h265 && type == H265_VPS) {
            vps = vps == null ? ByteBufUtil.getBytes(n) : vps;
        } else if (type == (h265 ? H265_SPS : H264_SPS)) {
            sps = sps == null ? ByteBufUtil.getBytes(n) : sps;
        } else if (type == (h265 ? H265_PPS : H264_PPS)) {
            pps = pps == null ? ByteBufUtil.getBytes(n) : pps;
        }
        if (sps != null && pps != null && (vps != null || !h265)) {
            try {
                format(0); // the same check the RTP format makes later, so that ready() means it will work
                ready = true;
            } catch (RtpFormatException e) {
                problem(e.getMessage() + "; waiting for other parameter sets");
                vps = null;
                sps = null;
                pps = null;
            }
        }
    }
}
