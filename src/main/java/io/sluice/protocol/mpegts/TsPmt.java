package io.sluice.protocol.mpegts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * TsPmt is the program map of one program (ISO/IEC 13818-1 §2.4.4.8): its elementary streams in
 * table order, which is the order of the tracks a reader sees.
 *
 * @param programNumber the program it maps
 * @param version version_number; a muxer bumps it when the streams change
 * @param pcrPid the PID whose adaptation fields carry the program clock
 * @param streams the elementary streams, known codec or not
 */
record TsPmt(int programNumber, int version, int pcrPid, List<TsElementaryStream> streams) {

    static final int TABLE_ID = 0x02;
    private static final int TAG_REGISTRATION = 0x05;
    private static final int TAG_METADATA = 0x26;
    private static final int TAG_EXTENSION = 0x7F;
    /** Extension descriptor tag of the Opus audio descriptor (ETSI TS 102 366-style Opus mapping). */
    private static final int EXT_TAG_OPUS = 0x80;

    TsPmt {
        streams = List.copyOf(streams);
    }

    /**
     * Parses a section whose CRC was checked.
     *
     * @return null for a table that is not current yet
     * @throws TsFormatException for a section that is not a PMT or whose loops overrun it
     */
    static TsPmt parse(byte[] s, int length) {
        PsiHeader h = PsiHeader.parse(s, length, TABLE_ID);
        if (!h.current()) {
            return null;
        }
        int end = length - PsiHeader.CRC_SIZE;
        if (PsiHeader.DATA_OFFSET + 4 > end) {
            throw new TsFormatException("PMT of " + length + " bytes has no room for PCR_PID and program_info_length");
        }
        int pcrPid = PsiHeader.u16(s, PsiHeader.DATA_OFFSET) & 0x1fff;
        int pos = PsiHeader.DATA_OFFSET + 4 + (PsiHeader.u16(s, PsiHeader.DATA_OFFSET + 2) & 0x0fff);
        List<TsElementaryStream> streams = new ArrayList<>();
        while (pos + 5 <= end) {
            int streamType = s[pos] & 0xff;
            int pid = PsiHeader.u16(s, pos + 1) & 0x1fff;
            int infoLength = PsiHeader.u16(s, pos + 3) & 0x0fff;
            pos += 5;
            if (pos + infoLength > end) {
                throw new TsFormatException("PMT ES_info_length " + infoLength + " of PID " + TsPacket.pidName(pid)
                        + " overruns the section");
            }
            streams.add(stream(s, pos, infoLength, streamType, pid));
            pos += infoLength;
        }
        if (pos < end) {
            throw new TsFormatException("PMT program " + h.id() + ": " + (end - pos) + " stray bytes after the stream loop");
        }
        return new TsPmt(h.id(), h.version(), pcrPid, streams);
    }

    private static TsElementaryStream stream(byte[] s, int from, int length, int streamType, int pid) {
        String formatId = null;
        int opusChannelCode = -1;
        int end = from + length;
        for (int d = from; d + 2 <= end; d += 2 + (s[d + 1] & 0xff)) {
            int tag = s[d] & 0xff;
            int len = s[d + 1] & 0xff;
            int body = d + 2;
            if (body + len > end) {
                throw new TsFormatException("descriptor 0x" + Integer.toHexString(tag) + " of PID "
                        + TsPacket.pidName(pid) + " overruns its ES_info");
            }
            if (tag == TAG_REGISTRATION && len >= 4 && formatId == null) {
                formatId = new String(s, body, 4, StandardCharsets.ISO_8859_1);
            } else if (tag == TAG_METADATA && formatId == null) {
                formatId = metadataFormat(s, body, len);
            } else if (tag == TAG_EXTENSION && len >= 2 && (s[body] & 0xff) == EXT_TAG_OPUS) {
                opusChannelCode = s[body + 1] & 0xff;
            }
        }
        return new TsElementaryStream(pid, streamType, formatId, opusChannelCode);
    }

    /**
     * metadata_format_identifier of a metadata_descriptor (§2.6.60), which is where stream_type 0x15
     * says "KLVA"; null when the descriptor does not give one.
     */
    private static String metadataFormat(byte[] s, int body, int len) {
        if (len < 2) {
            return null;
        }
        int pos = body + 2; // metadata_application_format
        if (PsiHeader.u16(s, body) == 0xFFFF) {
            pos += 4; // metadata_application_format_identifier
        }
        if (pos + 5 <= body + len && (s[pos] & 0xff) == 0xFF) {
            return new String(s, pos + 1, 4, StandardCharsets.ISO_8859_1);
        }
        return null;
    }
}
