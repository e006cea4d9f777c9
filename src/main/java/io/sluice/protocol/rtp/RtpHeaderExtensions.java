package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RtpHeaderExtensions finds one element of an RTP header extension block in the one-byte (profile
 * 0xBEDE) or two-byte (0x100X) form of <a href="https://www.rfc-editor.org/rfc/rfc8285#section-4">RFC 8285 §4</a>,
 * by the id negotiated with {@code a=extmap}: how ingest reads the transport-wide sequence number and
 * abs-send-time a WebRTC sender stamps on each packet. Reads only; the packet is not changed.
 */
public final class RtpHeaderExtensions {
    static final int ONE_BYTE_PROFILE = 0xBEDE;
    static final int TWO_BYTE_PROFILE = 0x1000;

    private RtpHeaderExtensions() {
    }

    /**
     * The absolute index of the data of element {@code id}, or -1 when the packet has no such element,
     * its data is shorter than {@code minLength}, or the block is malformed (a lookup on received
     * packets never throws).
     */
    public static int find(ByteBuf rtp, int id, int minLength) {
        int start = rtp.readerIndex();
        int size = rtp.readableBytes();
        if (id <= 0 || size < RtpHeader.FIXED_HEADER_SIZE || !RtpHeader.extension(rtp)) {
            return -1;
        }
        int at = RtpHeader.FIXED_HEADER_SIZE + 4 * RtpHeader.csrcCount(rtp);
        if (at + 4 > size) {
            return -1;
        }
        int profile = rtp.getUnsignedShort(start + at);
        int end = at + 4 + 4 * rtp.getUnsignedShort(start + at + 2);
        if (end > size) {
            return -1;
        }
        boolean oneByte = profile == ONE_BYTE_PROFILE;
        if (!oneByte && (profile & 0xfff0) != TWO_BYTE_PROFILE) {
            return -1;
        }
        int p = at + 4;
        while (p < end) {
            int b = rtp.getUnsignedByte(start + p);
            if (b == 0) {
                p++; // padding between elements
                continue;
            }
            int elementId;
            int length;
            if (oneByte) {
                elementId = b >> 4;
                length = (b & 0x0f) + 1;
                if (elementId == 15) {
                    return -1; // RFC 8285 §4.2: id 15 stops the processing of the block
                }
                p++;
            } else {
                if (p + 2 > end) {
                    return -1;
                }
                elementId = b;
                length = rtp.getUnsignedByte(start + p + 1);
                p += 2;
            }
            if (p + length > end) {
                return -1;
            }
            if (elementId == id) {
                return length >= minLength ? start + p : -1;
            }
            p += length;
        }
        return -1;
    }
}
