package io.sluice.protocol.mpegts;

/**
 * TsPesHeader builds the header of a PES packet (ISO/IEC 13818-1 §2.4.3.6) carrying one access
 * unit: data_alignment_indicator set (the payload starts with the unit), PTS always, DTS when it
 * differs from the PTS.
 */
final class TsPesHeader {
    /** PES_packet_length counts the bytes after itself; larger packets must say 0 (video only). */
    static final int MAX_PES_PACKET_LENGTH = 0xFFFF;
    private static final long TIMESTAMP_MASK = (1L << 33) - 1;

    private TsPesHeader() {
    }

    /**
     * @param pts presentation time in 90 kHz; only its low 33 bits are sent, so it may count past 2^33
     * @param dts decoding time in 90 kHz, the same as {@code pts} for units without reordering
     * @param payloadLength bytes of elementary stream data that follow the header
     * @throws TsMuxException when a non-video packet is too long for PES_packet_length
     */
    static byte[] build(TsOutStream es, long pts, long dts, int payloadLength) {
        boolean withDts = (dts & TIMESTAMP_MASK) != (pts & TIMESTAMP_MASK);
        int headerDataLength = withDts ? 10 : 5;
        byte[] h = new byte[9 + headerDataLength];
        h[2] = 1; // packet_start_code_prefix 0x000001
        h[3] = (byte) es.streamId();
        long length = 3L + headerDataLength + payloadLength;
        if (length > MAX_PES_PACKET_LENGTH) {
            if (!es.video()) {
                throw new TsMuxException("audio PES of " + length + " bytes on PID 0x" + Integer.toHexString(es.pid())
                        + " exceeds PES_packet_length " + MAX_PES_PACKET_LENGTH);
            }
            length = 0; // unbounded: the next payload_unit_start_indicator ends it
        }
        h[4] = (byte) (length >>> 8);
        h[5] = (byte) length;
        h[6] = (byte) 0x84; // '10', not scrambled, no priority, data_alignment_indicator, no copyright, copy
        h[7] = (byte) (withDts ? 0xC0 : 0x80); // PTS_DTS_flags, no other optional fields
        h[8] = (byte) headerDataLength;
        timestamp(h, 9, withDts ? 0x3 : 0x2, pts);
        if (withDts) {
            timestamp(h, 14, 0x1, dts);
        }
        return h;
    }

    /** A 33-bit timestamp in 5 bytes: 4-bit prefix, then 3+15+15 bits each followed by a marker bit. */
    private static void timestamp(byte[] h, int at, int prefix, long ts) {
        long t = ts & TIMESTAMP_MASK;
        h[at] = (byte) ((prefix << 4) | ((t >>> 29) & 0x0E) | 1);
        h[at + 1] = (byte) (t >>> 22);
        h[at + 2] = (byte) (((t >>> 14) & 0xFE) | 1);
        h[at + 3] = (byte) (t >>> 7);
        h[at + 4] = (byte) (((t << 1) & 0xFE) | 1);
    }
}
