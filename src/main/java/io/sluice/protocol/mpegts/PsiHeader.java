package io.sluice.protocol.mpegts;

/**
 * PsiHeader is the long-form header shared by PAT and PMT sections (ISO/IEC 13818-1 §2.4.4.3,
 * §2.4.4.8): table id, the 16-bit id (transport_stream_id or program_number), version and
 * current_next_indicator. The section's data starts at byte 8 and ends before the 4-byte CRC.
 *
 * @param tableId 0x00 PAT, 0x02 PMT
 * @param id transport_stream_id for a PAT, program_number for a PMT
 * @param version version_number, 0..31; it changes whenever the table does
 * @param current current_next_indicator: false for a table that applies only later
 */
record PsiHeader(int tableId, int id, int version, boolean current) {

    static final int DATA_OFFSET = 8;
    static final int CRC_SIZE = 4;

    /**
     * @param length the section's size including its CRC
     * @throws TsFormatException when the table id differs or section_syntax_indicator is 0
     */
    static PsiHeader parse(byte[] s, int length, int expectedTableId) {
        int tableId = s[0] & 0xff;
        if (tableId != expectedTableId) {
            throw new TsFormatException("table_id 0x" + Integer.toHexString(tableId) + " where 0x"
                    + Integer.toHexString(expectedTableId) + " was expected");
        }
        if ((s[1] & 0x80) == 0 || length < DATA_OFFSET + CRC_SIZE) {
            throw new TsFormatException("table_id 0x" + Integer.toHexString(tableId)
                    + " section without section_syntax_indicator or too short (" + length + " bytes)");
        }
        int id = ((s[3] & 0xff) << 8) | (s[4] & 0xff);
        return new PsiHeader(tableId, id, (s[5] >> 1) & 0x1f, (s[5] & 1) != 0);
    }

    static int u16(byte[] s, int at) {
        return ((s[at] & 0xff) << 8) | (s[at + 1] & 0xff);
    }
}
