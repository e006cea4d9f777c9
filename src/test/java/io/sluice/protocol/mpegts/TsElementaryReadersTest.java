package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The elementary-stream readers: Annex B, ADTS, Opus framing and durations, the audio clock, PTS wrap. */
class TsElementaryReadersTest {

    private static ByteBuf hex(String h) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(h.replace(" ", "")));
    }

    private static List<String> hexes(List<ByteBuf> bufs) {
        return bufs.stream().map(ByteBufUtil::hexDump).toList();
    }

    @Test
    void annexBSplitsAtThreeAndFourByteStartCodes() {
        ByteBuf b = hex("00000001 0910 000001 6742 0000 00000001 68ce 000001 65888480 0000");
        assertThat(hexes(AnnexB.split(b))).containsExactly("0910", "6742", "68ce", "65888480");
        assertThat(b.readerIndex()).isZero();
    }

    @Test
    void annexBRejectsDataBeforeTheFirstStartCode() {
        assertThatThrownBy(() -> AnnexB.split(hex("4142 000001 0910"))).isInstanceOf(TsFormatException.class)
                .hasMessage("2 bytes before the first start code");
        assertThatThrownBy(() -> AnnexB.split(hex("41424344"))).isInstanceOf(TsFormatException.class)
                .hasMessage("no start code in 4 bytes");
    }

    @Test
    void adtsHeaderGivesTheAudioSpecificConfig() {
        // FFmpeg's first ADTS header in ffmpeg51-h264-aac.ts: AAC LC, 44.1 kHz, mono, 287 bytes
        AdtsHeader h = AdtsHeader.parse(hex("fff15040 23fffc"), 0);
        assertThat(h).extracting(AdtsHeader::objectType, AdtsHeader::sampleRateIndex, AdtsHeader::channelConfig,
                AdtsHeader::headerSize, AdtsHeader::frameLength, AdtsHeader::rawBlocks).containsExactly(2, 4, 1, 7, 287, 1);
        assertThat(HexFormat.of().formatHex(h.audioSpecificConfig())).isEqualTo("1208");
        assertThat(AdtsHeader.parse(hex("fff05040 23fffc"), 0).headerSize()).as("with CRC").isEqualTo(9);
        assertThatThrownBy(() -> AdtsHeader.parse(hex("fff35040 23fffc"), 0)).isInstanceOf(TsFormatException.class)
                .hasMessage("no ADTS sync word: 0xfff3");
    }

    @ParameterizedTest(name = "TOC {0} → {1} samples")
    @CsvSource({
        "f8, 960", // CELT fullband 20 ms, FFmpeg's libopus default
        "fc, 960", // same, stereo
        "e0, 120", // CELT 2.5 ms
        "08, 960", // SILK narrowband 20 ms
        "18, 2880", // SILK 60 ms
        "78, 960", // hybrid 20 ms
        "f9, 1920", // code 1: two 20 ms frames
        "fb03, 2880", // code 3: three frames
    })
    void opusDuration(String packet, int samples) {
        assertThat(OpusPesReader.samples(hex(packet))).isEqualTo(samples);
    }

    @Test
    void opusPesWithSeveralPacketsTrimsAndExtension() {
        ByteBuf pes = Unpooled.buffer();
        pes.writeShort(0x7FE0 | 0x10).writeByte(3).writeShort(312).writeBytes(hex("f8aabb")); // start trim
        pes.writeShort(0x7FE0 | 0x08 | 0x04).writeByte(0xFF).writeByte(1); // 256 bytes, end trim, extension
        pes.writeShort(5).writeByte(2).writeShort(0xEEEE);
        pes.writeByte(0xf8).writeZero(255);
        List<ByteBuf> packets = OpusPesReader.packets(pes);
        assertThat(packets).hasSize(2);
        assertThat(ByteBufUtil.hexDump(packets.get(0))).isEqualTo("f8aabb");
        assertThat(packets.get(1).readableBytes()).isEqualTo(256);
        assertThat((int) packets.get(1).getUnsignedByte(packets.get(1).readerIndex())).isEqualTo(0xf8);
        assertThatThrownBy(() -> OpusPesReader.packets(hex("7fe0 05 f8aa"))).isInstanceOf(TsFormatException.class)
                .hasMessage("Opus au_size 5 with 2 bytes left in the PES");
        assertThatThrownBy(() -> OpusPesReader.packets(hex("1234 05 f8aa"))).isInstanceOf(TsFormatException.class)
                .hasMessage("no opus_control_header at byte 0 of the PES");
    }

    @Test
    void audioClockCountsSamplesAndResyncsOnlyOnJumps() {
        AudioClock c = new AudioClock(44_100, 44_100);
        assertThat(c.started()).isFalse();
        c.sync(90_000, 1024);
        assertThat(c.next(1024)).isEqualTo(44_100);
        assertThat(c.next(1024)).isEqualTo(45_124);
        c.sync(90_000 + 4180, 1024); // PTS rounded: 2048 samples = 4179.6 ticks, within two frames
        assertThat(c.next(1024)).isEqualTo(46_148);
        c.sync(180_000, 1024); // a jump: resync
        assertThat(c.next(1024)).isEqualTo(88_200);

        AudioClock mpa = new AudioClock(44_100, 90_000);
        mpa.sync(0, 1152);
        assertThat(List.of(mpa.next(1152), mpa.next(1152), mpa.next(1152))).containsExactly(0L, 2351L, 4702L);
    }

    @Test
    void ptsUnwrapsAcrossThe33BitWrapBothWays() {
        PtsUnwrapper u = new PtsUnwrapper();
        long max = (1L << 33) - 1;
        assertThat(u.unwrap(max - 3600)).isEqualTo(max - 3600);
        assertThat(u.unwrap(100)).isEqualTo(max + 101);
        assertThat(u.unwrap(max - 1000)).as("a B-frame from before the wrap").isEqualTo(max - 1000);
        assertThat(u.unwrap(7300)).isEqualTo(max + 7301);
    }
}
