package io.sluice.protocol.mpegts;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * TsPsi builds the two program-specific information sections a receiver needs before anything else:
 * the program association table and the program map table of our single program
 * (ISO/IEC 13818-1 §2.4.4.3 and §2.4.4.8), each ending with its {@link Crc32Mpeg}.
 */
final class TsPsi {
    static final int PAT_PID = 0x0000;
    static final int TABLE_ID_PAT = 0x00;
    static final int TABLE_ID_PMT = 0x02;
    /** One section must fit in one TS packet here (payload 184 minus the pointer_field). */
    static final int MAX_SECTION_LENGTH = 183;

    private TsPsi() {
    }

    /** The PAT: transport stream {@code tsId} holds program {@code program}, whose PMT is on {@code pmtPid}. */
    static byte[] pat(int tsId, int program, int pmtPid) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, program);
        u16(body, 0xE000 | pmtPid); // 3 reserved bits, program_map_PID
        return section(TABLE_ID_PAT, tsId, body.toByteArray());
    }

    /** The PMT of {@code program}: PCR on {@code pcrPid}, then every elementary stream with its descriptors. */
    static byte[] pmt(int program, int pcrPid, List<TsOutStream> streams) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, 0xE000 | pcrPid);
        u16(body, 0xF000); // 4 reserved bits, program_info_length 0
        for (TsOutStream es : streams) {
            byte[] d = es.descriptors();
            body.write(es.streamType());
            u16(body, 0xE000 | es.pid());
            u16(body, 0xF000 | d.length);
            body.writeBytes(d);
        }
        return section(TABLE_ID_PMT, program, body.toByteArray());
    }

    /**
     * A long-form section: header with version 0, current, section 0 of 0; then the body; then the CRC.
     *
     * @throws IllegalArgumentException when it would not fit in one TS packet (too many streams)
     */
    private static byte[] section(int tableId, int idExtension, byte[] body) {
        int sectionLength = 5 + body.length + 4; // from after section_length to the end of the CRC
        if (3 + sectionLength > MAX_SECTION_LENGTH) {
            throw new IllegalArgumentException("PSI section of " + (3 + sectionLength) + " bytes exceeds "
                    + MAX_SECTION_LENGTH + " (too many elementary streams or descriptors)");
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream(3 + sectionLength);
        s.write(tableId);
        // section_syntax_indicator 1, '0', 2 reserved bits, then the 12-bit length
        u16(s, 0xB000 | sectionLength);
        u16(s, idExtension);
        s.write(0xC1); // 2 reserved bits, version_number 0, current_next_indicator 1
        s.write(0); // section_number
        s.write(0); // last_section_number
        s.writeBytes(body);
        byte[] noCrc = s.toByteArray();
        int crc = Crc32Mpeg.of(noCrc, 0, noCrc.length);
        s.write(crc >>> 24);
        s.write(crc >>> 16);
        s.write(crc >>> 8);
        s.write(crc);
        return s.toByteArray();
    }

    private static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >>> 8);
        o.write(v);
    }
}
