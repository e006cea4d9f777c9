package io.sluice.protocol.mpegts;

import java.util.ArrayList;
import java.util.List;

/**
 * TsPat is a program association table (ISO/IEC 13818-1 §2.4.4.3): which PID carries the program
 * map of each program.
 *
 * @param version version_number of the table
 * @param programs the programs in table order, without program 0 (the network information table)
 */
record TsPat(int version, List<Program> programs) {

    static final int PID = 0;
    static final int TABLE_ID = 0x00;

    /** One program: its number and the PID of its PMT. */
    record Program(int number, int pmtPid) {
    }

    TsPat {
        programs = List.copyOf(programs);
    }

    /**
     * Parses a section whose CRC was checked.
     *
     * @return null for a table that is not current yet
     * @throws TsFormatException for a section that is not a PAT
     */
    static TsPat parse(byte[] s, int length) {
        PsiHeader h = PsiHeader.parse(s, length, TABLE_ID);
        if (!h.current()) {
            return null;
        }
        List<Program> programs = new ArrayList<>();
        for (int i = PsiHeader.DATA_OFFSET; i + 4 <= length - PsiHeader.CRC_SIZE; i += 4) {
            int number = PsiHeader.u16(s, i);
            if (number != 0) {
                programs.add(new Program(number, PsiHeader.u16(s, i + 2) & 0x1fff));
            }
        }
        return new TsPat(h.version(), programs);
    }
}
