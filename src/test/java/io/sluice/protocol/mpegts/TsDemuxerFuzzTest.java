package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * TsDemuxerFuzzTest feeds fuzzer bytes, as an SRT publisher's datagrams, through the whole MPEG-TS
 * ingest path ({@link TsToStream}: packet reader, PSI, PES, ADTS/Annex B/Opus/MPEG audio framers, probe,
 * stream). The contract of that path is stricter than a parser's: nothing is thrown at all (damage is
 * reported as a counted problem) and every buffer is released.
 *
 * <p>Input layout: byte 0 picks the datagram size (0: 1316 bytes as SRT sends, else that many bytes,
 * to cut packets and PES headers anywhere), the rest is the transport stream.
 */
class TsDemuxerFuzzTest {

    @FuzzTest
    void srtDatagrams(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int chunk = data[0] == 0 ? TsTestData.SRT_CHUNK : data[0] & 0xff;
        TsToStreamRun r = TsToStreamRun.of(Arrays.copyOfRange(data, 1, data.length), chunk);
        assertThat(r.unreleasedBytes()).as("bytes left allocated").isZero();
        assertThat(r.problemCount).isEqualTo(r.problems.size());
    }
}
