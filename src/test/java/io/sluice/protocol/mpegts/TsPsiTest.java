package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PAT and PMT sections as muxers pack them: spanning packets, several per packet, versions, damage. */
class TsPsiTest {
    private static final int PMT_PID = 0x1000;

    private final List<byte[]> packets = new ArrayList<>();

    private TsDemuxerTest.Recorder run() {
        return TsDemuxerTest.Recorder.run(TsTestData.concat(packets), TsTestData.SRT_CHUNK);
    }

    private void pat(int cc, byte[] pat) {
        packets.add(TsTestData.sectionPacket(0, cc, pat));
    }

    /** A PMT too large for one packet: 40 H.264 streams, each with a registration descriptor. */
    private static byte[] largePmt(int version) {
        int[][] streams = new int[40][];
        String[] ids = new String[40];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = new int[] {0x1B, 0x100 + i};
            ids[i] = "HDMV";
        }
        return TsTestData.pmt(1, version, streams, ids);
    }

    @Test
    void sectionSpanningPacketsAndSectionsSharingOne() {
        pat(0, TsTestData.pat(1, PMT_PID));
        byte[] v0 = largePmt(0);
        byte[] v1 = TsTestData.pmt(1, 1, new int[][] {{0x0F, 0x101}, {0x06, 0x102}}, null, "Opus");
        assertThat(v0.length).isGreaterThan(2 * 184);
        List<byte[]> psi = TsTestData.psiPackets(PMT_PID, 0, List.of(v0, v1));
        assertThat(psi).hasSize(3).as("v1 starts in the packet where v0 ends");
        packets.addAll(psi);
        TsDemuxerTest.Recorder r = run();
        assertThat(r.problems).isEmpty();
        assertThat(r.pmts).extracting(TsPmt::version).containsExactly(0, 1);
        assertThat(r.pmts.get(0).streams()).hasSize(40).allSatisfy(es -> assertThat(es.formatId()).isEqualTo("HDMV"));
        assertThat(r.pmts.get(1).streams()).extracting(TsElementaryStream::codec).containsExactly(TsCodec.AAC, TsCodec.OPUS);
    }

    @Test
    void repeatedVersionIsNotANewPmt() {
        pat(0, TsTestData.pat(1, PMT_PID));
        byte[] pmt = TsTestData.pmt(1, 3, new int[][] {{0x1B, 0x100}});
        packets.add(TsTestData.sectionPacket(PMT_PID, 0, pmt));
        packets.add(TsTestData.sectionPacket(PMT_PID, 1, pmt));
        assertThat(run().pmts).hasSize(1);
    }

    @Test
    void badCrcInASpanningSectionIgnoresIt() {
        pat(0, TsTestData.pat(1, PMT_PID));
        byte[] bad = largePmt(0);
        bad[300] ^= 0x10;
        packets.addAll(TsTestData.psiPackets(PMT_PID, 0, List.of(bad)));
        packets.addAll(TsTestData.psiPackets(PMT_PID, 3, List.of(largePmt(0))));
        TsDemuxerTest.Recorder r = run();
        assertThat(r.problems).containsExactly("bad CRC in PSI section (table_id 0x2, " + bad.length
                + " bytes) on PID 0x1000; section ignored");
        assertThat(r.pmts).hasSize(1);
    }

    @Test
    void lostPacketInASectionDropsIt() {
        pat(0, TsTestData.pat(1, PMT_PID));
        List<byte[]> psi = TsTestData.psiPackets(PMT_PID, 0, List.of(largePmt(0)));
        packets.add(psi.get(0));
        packets.add(psi.get(2));
        packets.addAll(TsTestData.psiPackets(PMT_PID, 3, List.of(largePmt(1))));
        TsDemuxerTest.Recorder r = run();
        assertThat(r.problems).containsExactly(
                "PID 0x1000: continuity counter jumped from 0 to 2 (packets lost); data in progress dropped");
        assertThat(r.pmts).extracting(TsPmt::version).containsExactly(1);
    }

    @Test
    void onlyTheFirstProgramIsRead() {
        byte[] pat = TsTestData.withCrc(new byte[] {0x00, (byte) 0xb0, 21, 0, 1, (byte) 0xc1, 0, 0,
                0, 0, (byte) 0xe0, 0x10, // program 0: the network PID, not a program
                0, 7, (byte) 0xf0, 0x00, 0, 8, (byte) 0xf1, 0x00});
        pat(0, pat);
        packets.add(TsTestData.sectionPacket(PMT_PID, 0, TsTestData.pmt(7, 0, new int[][] {{0x1B, 0x100}})));
        packets.add(TsTestData.sectionPacket(0x1100, 0, TsTestData.pmt(8, 0, new int[][] {{0x0F, 0x200}})));
        List<String> problems = new ArrayList<>();
        TsDemuxer d = new TsDemuxer(TsDemuxerTest.ALLOC, problems::add, new TsDemuxerTest.Recorder());
        TsTestData.feed(TsTestData.concat(packets), 188, d::feed);
        assertThat(d.ignoredPrograms()).isEqualTo("the PAT lists 2 programs; only program 7 is read");
        assertThat(problems).isEmpty();
        d.close();
        assertThat(run().pmts).extracting(TsPmt::programNumber).containsExactly(7);
    }

    @Test
    void klvAsMetadataStreamWithMetadataDescriptor() {
        pat(0, TsTestData.pat(1, PMT_PID));
        // metadata_descriptor: application format 0x0100, metadata_format 0xFF + "KLVA", service id, flags
        byte[] metadata = {0x26, 9, 0x01, 0x00, (byte) 0xFF, 'K', 'L', 'V', 'A', 0x00, 0x0F};
        byte[] id3 = {0x26, 9, 0x01, 0x00, (byte) 0xFF, 'I', 'D', '3', ' ', 0x00, 0x0F};
        packets.add(TsTestData.sectionPacket(PMT_PID, 0, TsTestData.pmt(1, 0,
                new int[][] {{0x15, 0x100}, {0x15, 0x101}}, new byte[][] {metadata, id3})));
        TsDemuxerTest.Recorder r = run();
        assertThat(r.pmts.getFirst().streams()).extracting(TsElementaryStream::codec).containsExactly(TsCodec.KLV, null);
    }

    @Test
    void ffmpegSectionsParse() {
        byte[] ts = TsTestData.capture("ffmpeg51-h264-aac.ts");
        TsDemuxerTest.Recorder r = TsDemuxerTest.Recorder.run(ts, 188);
        TsPmt pmt = r.pmts.getFirst();
        assertThat(pmt.programNumber()).isEqualTo(1);
        assertThat(pmt.pcrPid()).isEqualTo(0x100);
        assertThat(pmt.streams()).extracting(TsElementaryStream::pid, TsElementaryStream::streamType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0x100, 0x1B), org.assertj.core.groups.Tuple.tuple(0x101, 0x0F));
    }
}
