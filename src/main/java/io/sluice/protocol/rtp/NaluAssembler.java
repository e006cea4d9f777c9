package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * NaluAssembler groups the NAL units of an H.264 or H.265 RTP stream into access units and reassembles
 * fragmented NAL units; the codec depacketizers only parse their packet structures into calls to it.
 *
 * <p>An access unit ends at a packet with the marker bit or when the timestamp changes (some senders
 * never set the marker: RFC 6184 §5.1 only says "should"). A sequence gap marks the unit it hit as
 * broken: a broken unit is released instead of returned, since a decoder fed a picture with missing
 * slices shows artefacts until the next keyframe anyway and the missing part cannot be located.
 */
final class NaluAssembler {
    /** Units completed by a packet whose own payload was malformed; returned with the next push. */
    private List<AccessUnit> carried = List.of();

    /** Largest NAL unit accepted; a 4K intra picture in one slice stays well below. */
    static final int MAX_NALU_SIZE = 8 << 20;
    /** Largest access unit accepted, all NAL units together. */
    static final int MAX_AU_SIZE = 16 << 20;
    /** Most NAL units in one access unit (slices, SEI, parameter sets). */
    static final int MAX_NALUS_PER_AU = 1024;

    private final ByteBufAllocator alloc;
    private final IntPredicate keyNalFirstByte;
    private final DtsExtractor dts;
    private final RtpSequenceTracker seq = new RtpSequenceTracker();
    private final List<ByteBuf> nalus = new ArrayList<>();
    private long timestamp;
    private int auSize;
    private boolean broken;
    private boolean senderSetsMarker;
    private ByteBuf fu;

    /**
     * @param keyNalFirstByte tells from the first byte of a NAL unit whether it makes the unit a keyframe
     * @param dts gives each complete unit its decoding time, or drops it (before the first keyframe)
     */
    NaluAssembler(ByteBufAllocator alloc, IntPredicate keyNalFirstByte, DtsExtractor dts) {
        this.alloc = alloc;
        this.keyNalFirstByte = keyNalFirstByte;
        this.dts = dts;
    }

    /**
     * Starts one packet: handles sequence gaps and timestamp changes, adding the unit they complete to
     * {@code out}.
     *
     * @return false when the packet is late or duplicate and must be ignored
     */
    boolean begin(ByteBuf packet, List<AccessUnit> out) {
        long ts = RtpHeader.timestamp(packet);
        RtpSequenceTracker.Result r = seq.push(RtpHeader.sequenceNumber(packet));
        if (r == RtpSequenceTracker.Result.LATE) {
            return false;
        }
        boolean tsChanged = ts != timestamp;
        boolean pending = !nalus.isEmpty() || fu != null || broken;
        if (r == RtpSequenceTracker.Result.GAP || r == RtpSequenceTracker.Result.RESTART) {
            if (!tsChanged) {
                broken = true;
            } else {
                // The lost packets belong to the pending unit's tail or to the new unit's head. With a
                // sender that sets markers, a pending unit means its marker packet was lost: if only one
                // packet is missing, the new unit is whole. Otherwise both are suspect.
                boolean newIsWhole = senderSetsMarker && pending && r == RtpSequenceTracker.Result.GAP
                        && seq.lastGap() == 1;
                broken = true;
                flush(out);
                broken = !newIsWhole;
            }
        } else if (tsChanged && pending) {
            flush(out);
        }
        timestamp = ts;
        return true;
    }

    /** Ends one packet: a marker completes the unit. */
    void end(ByteBuf packet, List<AccessUnit> out) {
        if (RtpHeader.marker(packet)) {
            senderSetsMarker = true;
            flush(out);
        }
    }

    /** Adds one whole NAL unit, copied from {@code src[off, off+len)}. */
    void addNalu(ByteBuf src, int off, int len) {
        checkSize(len);
        if (broken) {
            return;
        }
        ByteBuf n = alloc.buffer(len);
        n.writeBytes(src, off, len);
        nalus.add(n);
        auSize += len;
    }

    /** Starts a fragmented NAL unit with its rebuilt header ({@code headerLen} bytes, big-endian in {@code header}). */
    void fuStart(int header, int headerLen, ByteBuf src, int off, int len) {
        if (fu != null) {
            // a new start before the end without a sequence gap: the sender lost the end itself
            releaseFu();
            broken = true;
        }
        if (broken) {
            return;
        }
        checkSize(headerLen + len);
        fu = alloc.buffer(Math.max(headerLen + len, 1500));
        if (headerLen == 2) {
            fu.writeShort(header);
        } else {
            fu.writeByte(header);
        }
        fu.writeBytes(src, off, len);
    }

    /** Continues (or with {@code last}, completes) the fragmented NAL unit in progress. */
    void fuContinue(ByteBuf src, int off, int len, boolean last) {
        if (fu == null) {
            // start missing: the loss was already counted by the sequence check, or the sender skipped it
            broken = true;
            return;
        }
        if (fu.readableBytes() + len > MAX_NALU_SIZE) {
            int size = fu.readableBytes() + len;
            releaseFu();
            broken = true;
            throw new RtpPacketException("fragmented NAL unit of " + size + " bytes exceeds " + MAX_NALU_SIZE);
        }
        fu.writeBytes(src, off, len);
        if (last) {
            ByteBuf n = fu;
            fu = null;
            if (nalus.size() >= MAX_NALUS_PER_AU || auSize + n.readableBytes() > MAX_AU_SIZE) {
                n.release();
                broken = true;
                throw new RtpPacketException("access unit exceeds " + MAX_NALUS_PER_AU + " NAL units or "
                        + MAX_AU_SIZE + " bytes");
            }
            nalus.add(n);
            auSize += n.readableBytes();
        }
    }

    /** Drops the unit in progress after a malformed packet. */
    void fail() {
        broken = true;
    }

    private void checkSize(int len) {
        if (len > MAX_NALU_SIZE) {
            broken = true;
            throw new RtpPacketException("NAL unit of " + len + " bytes exceeds " + MAX_NALU_SIZE);
        }
        if (nalus.size() >= MAX_NALUS_PER_AU || auSize + len > MAX_AU_SIZE) {
            broken = true;
            throw new RtpPacketException("access unit exceeds " + MAX_NALUS_PER_AU + " NAL units or "
                    + MAX_AU_SIZE + " bytes");
        }
    }

    private void flush(List<AccessUnit> out) {
        if (fu != null) {
            // a fragment left open at the end of a unit is lost data
            releaseFu();
            broken = true;
        }
        if (!broken && !nalus.isEmpty()) {
            boolean key = false;
            for (ByteBuf n : nalus) {
                key |= n.isReadable() && keyNalFirstByte.test(n.getUnsignedByte(n.readerIndex()));
            }
            // Units complete in decoding order, so the DTS is derived here, where no unit is ever held
            // back; a broken unit never reaches the extractor (its slice header may be the lost part).
            long ptsOffset = dts.ptsOffset(nalus, timestamp);
            if (ptsOffset == DtsExtractor.SKIP) {
                nalus.forEach(ByteBuf::release);
            } else {
                int clamped = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ptsOffset));
                out.add(new AccessUnit(timestamp, clamped, nalus, key));
            }
        } else {
            nalus.forEach(ByteBuf::release);
        }
        nalus.clear();
        auSize = 0;
        broken = false;
    }

    private void releaseFu() {
        fu.release();
        fu = null;
    }

    /** Parses one RTP payload of a NAL-unit codec into the assembler (single, aggregated or fragmented). */
    @FunctionalInterface
    interface PayloadParser {
        void parse(ByteBuf payload, int sequenceNumber);
    }

    /**
     * Runs one packet through the assembler: the access units it completes, in order. When a
     * malformed payload throws, the unit that a timestamp change completed before it is whole: it is
     * kept and returned with the next packet rather than lost.
     */
    List<AccessUnit> push(ByteBuf packet, PayloadParser parser) {
        ByteBuf payload = RtpHeader.payload(packet);
        List<AccessUnit> out = new ArrayList<>(carried);
        carried = List.of();
        if (!begin(packet, out)) {
            return out;
        }
        try {
            parser.parse(payload, RtpHeader.sequenceNumber(packet));
        } catch (RtpPacketException e) {
            fail();
            carried = out;
            throw e;
        }
        end(packet, out);
        return out;
    }

    void close() {
        carried.forEach(AccessUnit::release);
        carried = List.of();
        if (fu != null) {
            releaseFu();
        }
        nalus.forEach(ByteBuf::release);
        nalus.clear();
    }
}
