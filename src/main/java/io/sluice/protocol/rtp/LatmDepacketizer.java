package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;

/**
 * LatmDepacketizer rebuilds AAC frames from MP4A-LATM RTP packets with out-of-band configuration
 * (cpresent=0): each audioMuxElement, possibly fragmented over packets up to the marker, holds one or
 * more PayloadLengthInfo/PayloadMux pairs
 * (<a href="https://www.rfc-editor.org/rfc/rfc6416#section-7.3">RFC 6416 §6.1, §7.3</a>;
 * ISO/IEC 14496-3 §1.7.3). See {@link Depacketizer} for ownership and loss handling.
 */
final class LatmDepacketizer implements Depacketizer {

    /** Largest audioMuxElement accepted across fragments. */
    static final int MAX_ELEMENT_SIZE = 64 << 10;

    private final ByteBufAllocator alloc;
    private final int frameLength;
    private final RtpSequenceTracker seq = new RtpSequenceTracker();
    private ByteBuf pending;
    private long pendingTs;

    /**
     * @throws RtpFormatException for cpresent=1 (configuration inside the stream) or a missing or
     *     invalid config=
     */
    LatmDepacketizer(Format format, ByteBufAllocator alloc) {
        this.alloc = alloc;
        String config = format.fmtpParam("config");
        String cpresent = format.fmtpParam("cpresent");
        // RFC 6416 makes cpresent=1 the default, but senders that give config= often omit cpresent=0
        if ("1".equals(cpresent) || config == null || config.isEmpty()) {
            throw new RtpFormatException("unsupported MP4A-LATM with in-band configuration (cpresent="
                    + cpresent + ", config=" + config + "): only cpresent=0 with config= is supported");
        }
        frameLength = AudioSpecificConfig.fromLatmConfig(config).frameLength();
    }

    @Override
    public List<AccessUnit> push(ByteBuf packet) {
        ByteBuf b = RtpHeader.payload(packet);
        int seqNo = RtpHeader.sequenceNumber(packet);
        long ts = RtpHeader.timestamp(packet);
        RtpSequenceTracker.Result r = seq.push(seqNo);
        if (r == RtpSequenceTracker.Result.LATE) {
            return List.of();
        }
        if (pending != null && (r != RtpSequenceTracker.Result.IN_ORDER || ts != pendingTs)) {
            dropPending(); // lost its tail, or the sender forgot the marker: no way to tell which, drop it
        }
        if (!RtpHeader.marker(packet)) {
            if (pending == null) {
                pending = alloc.buffer(Math.max(b.readableBytes() * 2, 512));
                pendingTs = ts;
            }
            if (pending.readableBytes() + b.readableBytes() > MAX_ELEMENT_SIZE) {
                dropPending();
                throw new RtpPacketException("LATM element over " + MAX_ELEMENT_SIZE + " bytes at packet " + seqNo);
            }
            pending.writeBytes(b, b.readerIndex(), b.readableBytes());
            return List.of();
        }
        if (pending == null) {
            return parse(b, ts, seqNo);
        }
        try {
            pending.writeBytes(b, b.readerIndex(), b.readableBytes());
            return parse(pending, pendingTs, seqNo);
        } finally {
            dropPending();
        }
    }

    private List<AccessUnit> parse(ByteBuf b, long ts, int seqNo) {
        List<AccessUnit> out = new ArrayList<>(1);
        int p = b.readerIndex();
        int end = b.writerIndex();
        while (p < end) {
            int size = 0;
            int v;
            do {
                if (p >= end) {
                    out.forEach(AccessUnit::release);
                    throw new RtpPacketException("truncated LATM PayloadLengthInfo in packet " + seqNo);
                }
                v = b.getUnsignedByte(p++);
                size += v;
            } while (v == 0xff);
            if (size > end - p) {
                out.forEach(AccessUnit::release);
                throw new RtpPacketException("LATM payload length " + size + " exceeds the " + (end - p)
                        + " bytes left in packet " + seqNo);
            }
            ByteBuf f = alloc.buffer(size);
            f.writeBytes(b, p, size);
            p += size;
            out.add(new AccessUnit((ts + (long) out.size() * frameLength) & 0xffff_ffffL, List.of(f), true));
        }
        return out;
    }

    private void dropPending() {
        pending.release();
        pending = null;
    }

    @Override
    public void close() {
        if (pending != null) {
            dropPending();
        }
    }
}
