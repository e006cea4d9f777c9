package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * TsPacket is the header and adaptation field of one 188-byte transport packet
 * (ISO/IEC 13818-1 §2.4.3.2 and §2.4.3.4); the payload stays in the buffer it was parsed from.
 *
 * @param pid packet identifier, 0..8191
 * @param pusi payload_unit_start_indicator: a PES or a PSI section starts in this packet
 * @param cc continuity_counter, 0..15
 * @param payloadOffset absolute index of the payload in the parsed buffer
 * @param payloadLength payload bytes, 0 when the packet has none
 * @param hasPayload adaptation_field_control says a payload follows (the continuity counter counts
 *     only these packets)
 * @param discontinuity discontinuity_indicator: the continuity counter (or the time base) may jump
 * @param randomAccess random_access_indicator: a decoder may start with the PES starting here
 * @param pcr program clock reference in 27 MHz units, or -1 when absent
 * @param stuffed the adaptation field pads the packet (stuffing bytes, or an empty field), which
 *     muxers do to fill the last packet of a PES
 * @param transportError transport_error_indicator: a demodulator or gateway marked it corrupt
 * @param scrambled transport_scrambling_control is not 0: the payload is encrypted
 */
record TsPacket(int pid, boolean pusi, int cc, int payloadOffset, int payloadLength, boolean hasPayload,
        boolean discontinuity, boolean randomAccess, long pcr, boolean stuffed, boolean transportError,
        boolean scrambled) {

    static final int SIZE = 188;
    static final int SYNC_BYTE = 0x47;
    static final int NULL_PID = 0x1FFF;
    private static final int HEADER_SIZE = 4;

    /**
     * Parses the packet at {@code at}; {@code buf} must hold {@link #SIZE} bytes from there, starting
     * with the sync byte. Indexes are not moved.
     *
     * @throws TsFormatException for a reserved adaptation_field_control or an adaptation field that
     *     does not fit the packet
     */
    static TsPacket parse(ByteBuf buf, int at) {
        int b1 = buf.getUnsignedByte(at + 1);
        int b3 = buf.getUnsignedByte(at + 3);
        int pid = ((b1 & 0x1f) << 8) | buf.getUnsignedByte(at + 2);
        int afc = (b3 >> 4) & 3;
        if (afc == 0) {
            throw new TsFormatException("reserved adaptation_field_control 0 on PID " + pidName(pid));
        }
        boolean hasPayload = (afc & 1) != 0;
        int pos = at + HEADER_SIZE;
        boolean discontinuity = false;
        boolean randomAccess = false;
        boolean stuffed = false;
        long pcr = -1;
        if ((afc & 2) != 0) {
            int afLength = buf.getUnsignedByte(pos);
            int max = hasPayload ? SIZE - HEADER_SIZE - 2 : SIZE - HEADER_SIZE - 1;
            if (afLength > max) {
                throw new TsFormatException("adaptation field length " + afLength + " > " + max + " on PID "
                        + pidName(pid));
            }
            // A muxer pads a packet with an adaptation field: length 0 is one stuffing byte, an empty
            // flags byte two, and beyond that stuffing bytes follow the fields.
            stuffed = afLength == 0;
            if (afLength > 0) {
                int flags = buf.getUnsignedByte(pos + 1);
                discontinuity = (flags & 0x80) != 0;
                randomAccess = (flags & 0x40) != 0;
                int used = 1;
                if ((flags & 0x10) != 0 && afLength >= 7) {
                    pcr = readPcr(buf, pos + 2);
                }
                used += (flags & 0x10) != 0 ? 6 : 0; // PCR
                used += (flags & 0x08) != 0 ? 6 : 0; // OPCR
                used += (flags & 0x04) != 0 ? 1 : 0; // splice_countdown
                if ((flags & 0x02) != 0 && used < afLength) { // transport_private_data
                    used += 1 + buf.getUnsignedByte(pos + 1 + used);
                }
                if ((flags & 0x01) != 0 && used < afLength) { // adaptation_field_extension
                    used += 1 + buf.getUnsignedByte(pos + 1 + used);
                }
                if (used > afLength) {
                    throw new TsFormatException("adaptation field fields need " + used + " bytes, length is "
                            + afLength + " on PID " + pidName(pid));
                }
                stuffed = used < afLength || flags == 0;
            }
            pos += 1 + afLength;
        }
        int payloadLength = hasPayload ? at + SIZE - pos : 0;
        return new TsPacket(pid, (b1 & 0x40) != 0, b3 & 0x0f, pos, payloadLength, hasPayload, discontinuity,
                randomAccess, pcr, stuffed, (b1 & 0x80) != 0, (b3 & 0xc0) != 0);
    }

    /** program_clock_reference: 33 bits of base (90 kHz) and 9 bits of extension (27 MHz). */
    private static long readPcr(ByteBuf buf, int at) {
        long v = buf.getUnsignedInt(at);
        int lo = buf.getUnsignedShort(at + 4);
        long base = (v << 1) | (lo >> 15);
        return base * 300 + (lo & 0x1ff);
    }

    /** The PID as messages show it, e.g. "0x100". */
    static String pidName(int pid) {
        return "0x" + Integer.toHexString(pid);
    }
}
