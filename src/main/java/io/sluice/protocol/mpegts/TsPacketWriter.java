package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * TsPacketWriter cuts PSI sections and PES packets into 188-byte transport stream packets
 * (ISO/IEC 13818-1 §2.4.3.2) and keeps the continuity counter of every PID.
 *
 * <p>Adaptation fields (§2.4.3.4) carry the PCR and the random_access_indicator in the first packet
 * of a PES, and pad the last packet with stuffing bytes, since a packet is always 188 bytes and PES
 * data must end where the packet ends. Receivers use that stuffing, not the next
 * payload_unit_start_indicator, to know a bounded PES is complete without waiting for the next one.
 *
 * <p>Not thread-safe.
 */
final class TsPacketWriter {
    static final int PACKET_SIZE = 188;
    static final int SYNC_BYTE = 0x47;
    private static final int PAYLOAD_SIZE = PACKET_SIZE - 4;
    private static final int PID_COUNT = 0x2000;
    private static final int AFC_PAYLOAD = 0x10;
    private static final int AFC_ADAPTATION = 0x20;
    private static final int FLAG_RANDOM_ACCESS = 0x40;
    private static final int FLAG_PCR = 0x10;
    private static final int PCR_SIZE = 6;
    /** No PCR in this packet. */
    static final long NO_PCR = -1;
    private static final long PCR_BASE_MASK = (1L << 33) - 1;

    /** Stuffing and PSI filler bytes. */
    private static final byte[] FILL = filled();

    /** Next continuity_counter per PID. */
    private final byte[] cc = new byte[PID_COUNT];

    /** Writes a section (at most {@link TsPsi#MAX_SECTION_LENGTH} bytes) as one packet, pointer_field 0. */
    void writeSection(int pid, byte[] section, ByteBuf out) {
        header(out, pid, true, AFC_PAYLOAD, nextCc(pid));
        out.writeByte(0);
        out.writeBytes(section);
        out.writeBytes(FILL, 0, PAYLOAD_SIZE - 1 - section.length);
    }

    /**
     * Writes a PES: {@code header}, then {@code payload} from its readerIndex (which does not move).
     *
     * @param randomAccess sets random_access_indicator on the first packet
     * @param pcr the PCR base in 90 kHz for the first packet, or {@link #NO_PCR}
     */
    void writePes(int pid, byte[] header, ByteBuf payload, boolean randomAccess, long pcr, ByteBuf out) {
        int total = header.length + payload.readableBytes();
        out.ensureWritable((total / PAYLOAD_SIZE + 2) * PACKET_SIZE);
        int done = 0;
        int from = payload.readerIndex();
        boolean first = true;
        while (done < total) {
            int flags = first ? (randomAccess ? FLAG_RANDOM_ACCESS : 0) | (pcr != NO_PCR ? FLAG_PCR : 0) : 0;
            // adaptation_field_length, or -1 for no adaptation field
            int afLength = flags != 0 ? 1 + ((flags & FLAG_PCR) != 0 ? PCR_SIZE : 0) : -1;
            int room = PAYLOAD_SIZE - (afLength + 1);
            int left = total - done;
            if (left < room) {
                afLength += room - left; // stuffing; from no field, one byte is a field of length 0
            }
            int afc = afLength >= 0 ? AFC_ADAPTATION | AFC_PAYLOAD : AFC_PAYLOAD;
            header(out, pid, first, afc, nextCc(pid));
            if (afLength >= 0) {
                adaptationField(out, afLength, flags, pcr);
            }
            int n = Math.min(left, PAYLOAD_SIZE - (afLength + 1));
            int fromHeader = Math.max(0, Math.min(n, header.length - done));
            if (fromHeader > 0) {
                out.writeBytes(header, done, fromHeader);
            }
            out.writeBytes(payload, from + done + fromHeader - header.length, n - fromHeader);
            done += n;
            first = false;
        }
    }

    /**
     * Writes a packet with only an adaptation field carrying a PCR (no payload, so the continuity
     * counter stays: §2.4.3.3), for when the PCR PID has no PES to put it in.
     */
    void writePcrOnly(int pid, long pcr, ByteBuf out) {
        header(out, pid, false, AFC_ADAPTATION, (cc[pid] - 1) & 0x0F);
        adaptationField(out, PAYLOAD_SIZE - 1, FLAG_PCR, pcr);
    }

    private static byte[] filled() {
        byte[] b = new byte[PACKET_SIZE];
        Arrays.fill(b, (byte) 0xFF);
        return b;
    }

    private static void header(ByteBuf out, int pid, boolean unitStart, int afc, int counter) {
        out.writeByte(SYNC_BYTE);
        out.writeShort((unitStart ? 0x4000 : 0) | pid);
        out.writeByte(afc | counter);
    }

    private int nextCc(int pid) {
        int c = cc[pid];
        cc[pid] = (byte) ((c + 1) & 0x0F);
        return c;
    }

    /** The field of {@code length} bytes after its length byte: flags, the PCR if flagged, stuffing. */
    private static void adaptationField(ByteBuf out, int length, int flags, long pcr) {
        out.writeByte(length);
        if (length == 0) {
            return;
        }
        out.writeByte(flags);
        int used = 1;
        if ((flags & FLAG_PCR) != 0) {
            long base = pcr & PCR_BASE_MASK;
            // 33-bit base, 6 reserved bits set, 9-bit extension 0 (our clocks are 90 kHz)
            out.writeInt((int) (base >>> 1));
            out.writeShort((int) ((base & 1) << 15) | 0x7E00);
            used += PCR_SIZE;
        }
        out.writeBytes(FILL, 0, length - used);
    }
}
