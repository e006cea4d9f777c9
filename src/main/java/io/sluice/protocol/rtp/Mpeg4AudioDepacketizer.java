package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Mpeg4AudioDepacketizer rebuilds AAC frames from mpeg4-generic RTP packets with AU headers of
 * sizelength/indexlength/indexdeltalength bits (AAC-hbr: 13/3/3, AAC-lbr: 6/2/2), several frames per
 * packet or one frame fragmented over several packets
 * (<a href="https://www.rfc-editor.org/rfc/rfc3640#section-3.2">RFC 3640 §3.2, §3.3.6</a>).
 * See {@link Depacketizer} for ownership and loss handling.
 */
final class Mpeg4AudioDepacketizer implements Depacketizer {

    /** Largest AAC frame accepted; 6144 bits per channel makes 6 KiB per channel at most. */
    static final int MAX_FRAME_SIZE = 64 << 10;
    /** Longest AU header field accepted; RFC 3640 modes use at most 16. */
    static final int MAX_FIELD_BITS = 16;

    private final ByteBufAllocator alloc;
    private final int sizeLength;
    private final int indexLength;
    private final int indexDeltaLength;
    private final int frameLength;
    private final RtpSequenceTracker seq = new RtpSequenceTracker();
    private ByteBuf fragment;
    private int fragmentSize;
    private long fragmentTs;

    /** @throws RtpFormatException when sizelength is missing or optional AU header fields are announced */
    Mpeg4AudioDepacketizer(Format format, ByteBufAllocator alloc) {
        this.alloc = alloc;
        sizeLength = intParam(format, "sizelength", 0);
        indexLength = intParam(format, "indexlength", 0);
        indexDeltaLength = intParam(format, "indexdeltalength", 0);
        if (sizeLength == 0) {
            throw new RtpFormatException("mpeg4-generic without sizelength (fmtp \"" + format.fmtp()
                    + "\"): only modes with AU headers (AAC-hbr, AAC-lbr) are supported");
        }
        for (String p : List.of("ctsdeltalength", "dtsdeltalength", "randomaccessindication",
                "streamstateindication", "auxiliarydatasizelength")) {
            if (intParam(format, p, 0) != 0) {
                throw new RtpFormatException("unsupported mpeg4-generic " + p + "=" + format.fmtpParam(p));
            }
        }
        String config = format.fmtpParam("config");
        frameLength = config == null || config.isEmpty() ? 1024
                : AudioSpecificConfig.fromMpeg4GenericConfig(config).frameLength();
    }

    static int intParam(Format format, String name, int dflt) {
        String v = format.fmtpParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > MAX_FIELD_BITS) {
                throw new RtpFormatException("mpeg4-generic " + name + "=" + v + " outside 0.." + MAX_FIELD_BITS);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new RtpFormatException("invalid mpeg4-generic " + name.toLowerCase(Locale.ROOT) + "=" + v);
        }
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
        if (fragment != null && (r != RtpSequenceTracker.Result.IN_ORDER || ts != fragmentTs)) {
            dropFragment(); // its missing part was lost
        }
        int off = b.readerIndex();
        int len = b.readableBytes();
        if (len < 2) {
            throw new RtpPacketException("mpeg4-generic payload of " + len + " bytes in packet " + seqNo);
        }
        int headersBits = b.getUnsignedShort(off);
        int headersBytes = (headersBits + 7) / 8;
        int dataOff = off + 2 + headersBytes;
        int dataEnd = off + len;
        if (dataOff > dataEnd) {
            throw new RtpPacketException("AU-headers-length " + headersBits + " bits exceeds the " + (len - 2)
                    + " payload bytes in packet " + seqNo);
        }
        List<AccessUnit> out = new ArrayList<>(4);
        int bit = (off + 2) * 8;
        int bitEnd = bit + headersBits;
        int index = 0;
        int firstIndex = 0;
        for (int i = 0; bitEnd - bit >= sizeLength + (i == 0 ? indexLength : indexDeltaLength); i++) {
            int size = bits(b, bit, sizeLength);
            bit += sizeLength;
            if (i == 0) {
                firstIndex = index = bits(b, bit, indexLength);
                bit += indexLength;
            } else {
                index += bits(b, bit, indexDeltaLength) + 1;
                bit += indexDeltaLength;
            }
            int avail = dataEnd - dataOff;
            if (fragment != null) {
                // a continuation repeats the whole frame's size in its single AU header (RFC 3640 §3.2.3)
                if (size != fragmentSize) {
                    dropFragment();
                    out.forEach(AccessUnit::release);
                    throw new RtpPacketException("fragment AU size " + size + " differs from " + fragmentSize
                            + " in packet " + seqNo);
                }
                int n = Math.min(avail, fragmentSize - fragment.readableBytes());
                fragment.writeBytes(b, dataOff, n);
                dataOff += n;
                if (fragment.readableBytes() == fragmentSize) {
                    out.add(new AccessUnit(fragmentTs, List.of(fragment), true));
                    fragment = null;
                }
                continue;
            }
            if (size > MAX_FRAME_SIZE) {
                out.forEach(AccessUnit::release);
                throw new RtpPacketException("AAC frame size " + size + " exceeds " + MAX_FRAME_SIZE + " in packet " + seqNo);
            }
            long auTs = (ts + (long) (index - firstIndex) * frameLength) & 0xffff_ffffL;
            if (size <= avail) {
                ByteBuf f = alloc.buffer(size);
                f.writeBytes(b, dataOff, size);
                dataOff += size;
                out.add(new AccessUnit(auTs, List.of(f), true));
            } else if (i == 0 && bitEnd - bit < sizeLength + indexDeltaLength) {
                fragment = alloc.buffer(size);
                fragment.writeBytes(b, dataOff, avail);
                fragmentSize = size;
                fragmentTs = auTs;
                dataOff = dataEnd;
            } else {
                out.forEach(AccessUnit::release);
                throw new RtpPacketException("AU " + i + " of " + size + " bytes exceeds the " + avail
                        + " data bytes left in packet " + seqNo);
            }
        }
        return out;
    }

    /** Reads {@code n} (0..16) bits at absolute bit position {@code bit}. */
    private static int bits(ByteBuf b, int bit, int n) {
        int v = 0;
        for (int i = 0; i < n; i++, bit++) {
            v = (v << 1) | ((b.getByte(bit >> 3) >> (7 - (bit & 7))) & 1);
        }
        return v;
    }

    private void dropFragment() {
        fragment.release();
        fragment = null;
    }

    @Override
    public void close() {
        if (fragment != null) {
            dropFragment();
        }
    }
}
