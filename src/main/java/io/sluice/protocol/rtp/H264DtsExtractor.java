package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;
import java.util.Arrays;
import java.util.List;

/**
 * H264DtsExtractor derives the decoding times of an H.264 RTP stream (see {@link DtsExtractor}).
 *
 * <p>The reorder depth comes from the SPS: 0 when pic_order_cnt_type is 2 (output order is decoding
 * order, H.264 §8.2.1.3), else the VUI's max_num_reorder_frames, which x264, most hardware encoders and
 * GStreamer write. When the SPS does not give it (no bitstream_restriction), the picture order count of
 * each slice header (type 0, H.264 §8.2.1.1) gives it ahead of time: a picture whose POC jumps past the
 * next expected one (a P-frame sent before its B-frames) announces pictures still to come that will be
 * shown before it; each of them will follow every picture already decoded with a higher POC. This is
 * mediacommon's idea (POC against the expected POC) turned into a lower bound on the reorder depth
 * rather than a DTS guess, so that PTS ≥ DTS holds from the first picture.
 */
final class H264DtsExtractor extends DtsExtractor {
    /** Bytes of a slice header read to reach pic_order_cnt_lsb: 3 ue(v) + frame_num + idr_pic_id + lsb, escaped. */
    private static final int SLICE_HEADER_BYTES = 32;
    /** POCs of the current IDR period remembered for the look-ahead. */
    private static final int POC_HISTORY = 32;

    private byte[] spsBytes;
    private H264Sps.Order sps;
    private boolean synced;
    // picture order count state (H.264 §8.2.1.1), reset at every IDR
    private int prevPocMsb;
    private int prevPocLsb;
    private final int[] pocs = new int[POC_HISTORY];
    private int pocCount;
    private int pocStep = 2;

    H264DtsExtractor(Format format) {
        super(format.clockRate());
        try {
            H264ParameterSets ps = H264ParameterSets.fromFormat(format);
            if (ps != null) {
                setSps(ps.sps());
            }
        } catch (RtpFormatException e) {
            badUnits++; // the in-band SPS may still come
        }
    }

    @Override
    long derive(List<ByteBuf> nalus, long rtpTimestamp) {
        ByteBuf slice = null;
        boolean idr = false;
        boolean spsError = false;
        for (ByteBuf n : nalus) {
            if (!n.isReadable()) {
                continue;
            }
            int type = n.getByte(n.readerIndex()) & 0x1f;
            if (type == H264Keyframes.NAL_SPS) {
                try {
                    byte[] b = DtsExtractor.bytes(n);
                    if (!Arrays.equals(b, spsBytes)) {
                        setSps(b);
                    }
                } catch (RtpFormatException e) {
                    spsError = true;
                }
            } else if ((type == 1 || type == H264Keyframes.NAL_IDR) && slice == null) {
                slice = n;
                idr = type == H264Keyframes.NAL_IDR;
            }
        }
        if (!synced) {
            if (!idr || sps == null) {
                return 0; // not decodable: the readers, which start at a keyframe, drop it anyway
            }
            synced = true;
            dts.restart();
        }
        if (spsError) {
            badUnits++;
        }
        if (slice == null || sps == null) {
            badUnits++;
            return dts.ptsOffsetAfterPrevious(rtpTimestamp);
        }
        if (sps.pocType() == 0 && sps.frameMbsOnly() && sps.maxNumReorderFrames() < 0) {
            try {
                lookAhead(slice, idr);
            } catch (RtpFormatException e) {
                badUnits++;
                return dts.ptsOffsetAfterPrevious(rtpTimestamp);
            }
        }
        return dts.ptsOffset(rtpTimestamp);
    }

    private void setSps(byte[] b) {
        H264Sps.Order o = H264Sps.parseOrder(b);
        spsBytes = b;
        sps = o;
        if (o.pocType() == 2) {
            dts.atLeast(0);
        } else if (o.maxNumReorderFrames() >= 0) {
            dts.atLeast(o.maxNumReorderFrames());
        }
    }

    /** Reads the slice's POC and raises the reorder depth to what the pictures still to come will need. */
    private void lookAhead(ByteBuf slice, boolean idr) {
        int lsb = pocLsb(slice, idr);
        int max = 1 << sps.log2MaxPocLsb();
        if (idr) {
            prevPocMsb = 0;
            prevPocLsb = 0;
            pocCount = 0;
        }
        int msb;
        if (lsb < prevPocLsb && prevPocLsb - lsb >= max / 2) {
            msb = prevPocMsb + max;
        } else if (lsb > prevPocLsb && lsb - prevPocLsb > max / 2) {
            msb = prevPocMsb - max;
        } else {
            msb = prevPocMsb;
        }
        int poc = msb + lsb;
        if ((slice.getByte(slice.readerIndex()) & 0x60) != 0) { // nal_ref_idc: a reference picture
            prevPocMsb = msb;
            prevPocLsb = lsb;
        }
        if ((poc & 1) != 0) {
            pocStep = 1; // POC counts fields or single steps, not the usual 2 per frame
        }
        // the highest POC below this one already decoded; a gap of more than one step means pictures
        // to come that are shown before this one, after every decoded picture with a higher POC
        int below = Integer.MIN_VALUE;
        int above = 1; // this picture
        for (int i = 0; i < pocCount; i++) {
            int p = pocs[i];
            if (p < poc) {
                below = Math.max(below, p);
            }
        }
        if (below != Integer.MIN_VALUE && poc - below > pocStep) {
            for (int i = 0; i < pocCount; i++) {
                if (pocs[i] > below) {
                    above++;
                }
            }
            dts.atLeast(above);
        }
        if (pocCount == POC_HISTORY) {
            System.arraycopy(pocs, 1, pocs, 0, --pocCount);
        }
        pocs[pocCount++] = poc;
    }

    /** pic_order_cnt_lsb of a slice header (H.264 §7.3.3). */
    private int pocLsb(ByteBuf slice, boolean idr) {
        BitReader r = new BitReader(DtsExtractor.head(slice, 1, SLICE_HEADER_BYTES), "H264 slice header");
        r.readUe(); // first_mb_in_slice
        int sliceType = r.readUe();
        if (sliceType > 9) {
            throw new RtpFormatException("H264 slice_type " + sliceType + " exceeds 9");
        }
        r.readUe(); // pic_parameter_set_id
        if (sps.separateColourPlanes()) {
            r.skip(2);
        }
        r.skip(sps.log2MaxFrameNum()); // frame_num
        if (idr) {
            r.readUe(); // idr_pic_id
        }
        return r.readInt(sps.log2MaxPocLsb());
    }
}
