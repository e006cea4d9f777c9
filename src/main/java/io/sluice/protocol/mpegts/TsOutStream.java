package io.sluice.protocol.mpegts;

import java.util.HexFormat;

/**
 * TsOutStream is one elementary stream of the program: its PID, the stream_type and
 * descriptors the PMT announces for it (ISO/IEC 13818-1 Table 2-34) and the stream_id of its PES
 * packets (Table 2-22).
 *
 * @param pid the PID of its TS packets (0x0010..0x1FFE)
 * @param streamType the PMT stream_type
 * @param streamId the PES stream_id
 * @param descriptors the PMT ES_info descriptors, already encoded (tag, length, body)
 * @param video whether it is a video stream: its PES may have PES_packet_length 0 and its random
 *     access points are where a receiver can start, so PAT and PMT are repeated before them
 */
record TsOutStream(int pid, int streamType, int streamId, byte[] descriptors, boolean video) {
    static final int TYPE_MPEG1_AUDIO = 0x03;
    /** PES packets with private data; with a registration descriptor saying what they carry. */
    static final int TYPE_PRIVATE_PES = 0x06;
    static final int TYPE_AAC_ADTS = 0x0F;
    static final int TYPE_H264 = 0x1B;
    static final int TYPE_H265 = 0x24;

    static final int STREAM_ID_PRIVATE_1 = 0xBD;
    static final int STREAM_ID_AUDIO = 0xC0;
    static final int STREAM_ID_VIDEO = 0xE0;

    /** Highest PID an elementary stream may use; 0x1FFF is the null packet PID. */
    static final int MAX_PID = 0x1FFE;
    /** Longest ES_info (12-bit length field with its top 2 bits reserved as 0). */
    static final int MAX_DESCRIPTORS_LENGTH = 0x3FF;

    TsOutStream {
        if (pid < 0x10 || pid > MAX_PID) {
            throw new IllegalArgumentException("elementary stream PID 0x" + Integer.toHexString(pid)
                    + " outside 0x10..0x1ffe");
        }
        descriptors = descriptors.clone();
        if (descriptors.length > MAX_DESCRIPTORS_LENGTH) {
            throw new IllegalArgumentException(descriptors.length + " bytes of descriptors exceed "
                    + MAX_DESCRIPTORS_LENGTH);
        }
    }

    @Override
    public byte[] descriptors() {
        return descriptors.clone();
    }

    static TsOutStream video(int pid, int streamType) {
        return new TsOutStream(pid, streamType, STREAM_ID_VIDEO, new byte[0], true);
    }

    static TsOutStream audio(int pid, int streamType) {
        return new TsOutStream(pid, streamType, STREAM_ID_AUDIO, new byte[0], false);
    }

    // records compare arrays by identity; descriptors are compared by content

    @Override
    public boolean equals(Object o) {
        return o instanceof TsOutStream e && e.pid == pid && e.streamType == streamType
                && e.streamId == streamId && java.util.Arrays.equals(e.descriptors, descriptors) && e.video == video;
    }

    @Override
    public int hashCode() {
        return pid * 31 + streamType;
    }

    @Override
    public String toString() {
        return "TsOutStream[pid=0x" + Integer.toHexString(pid) + ", streamType=0x"
                + Integer.toHexString(streamType) + ", streamId=0x" + Integer.toHexString(streamId)
                + ", descriptors=" + HexFormat.of().formatHex(descriptors) + ", video=" + video + "]";
    }
}
