package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** FLV video/audio tag headers, classic and Enhanced RTMP (bytes from the E-RTMP v2 spec's layouts). */
class FlvTagTest {
    /** HEVC parameter sets of captures/rtp/ffmpeg51-h265.h265 (libx265 Main). */
    static final byte[] VPS = ByteBufUtil.decodeHexDump("40010c01ffff01600000030090000003000003003c928090");
    static final byte[] SPS = ByteBufUtil.decodeHexDump(
            "42010101600000030090000003000003003ca00a080f16592a4932bc05a020000003002000000303c1");
    static final byte[] PPS = ByteBufUtil.decodeHexDump("4401c172b46240");

    static ByteBuf hex(String h) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(h.replace(" ", "")));
    }

    /** payload hex, codec, type, keyframe, cts, body hex. */
    static Stream<Arguments> videoCases() {
        return Stream.of(
                Arguments.of("17 00 000000 0142", VideoCodec.H264, PacketType.SEQUENCE_START, true, 0, "0142"),
                Arguments.of("27 01 ffffdf aabb", VideoCodec.H264, PacketType.CODED_FRAMES, false, -33, "aabb"),
                Arguments.of("17 02 000000", VideoCodec.H264, PacketType.SEQUENCE_END, true, 0, ""),
                Arguments.of("1c 00 000000 01", VideoCodec.H265, PacketType.SEQUENCE_START, true, 0, "01"),
                Arguments.of("2c 01 000021 cc", VideoCodec.H265, PacketType.CODED_FRAMES, false, 33, "cc"),
                Arguments.of("90 68766331 01", VideoCodec.H265, PacketType.SEQUENCE_START, true, 0, "01"),
                Arguments.of("91 68766331 000042 dd", VideoCodec.H265, PacketType.CODED_FRAMES, true, 66, "dd"),
                Arguments.of("a3 68766331 ee", VideoCodec.H265, PacketType.CODED_FRAMES, false, 0, "ee"),
                Arguments.of("92 68766331", VideoCodec.H265, PacketType.SEQUENCE_END, true, 0, ""),
                Arguments.of("84 68766331 0200", VideoCodec.H265, PacketType.METADATA, false, 0, "0200"),
                Arguments.of("91 61766331 000010 11", VideoCodec.H264, PacketType.CODED_FRAMES, true, 16, "11"),
                Arguments.of("90 61763031 81", VideoCodec.AV1, PacketType.SEQUENCE_START, true, 0, "81"),
                Arguments.of("a1 61763031 12", VideoCodec.AV1, PacketType.CODED_FRAMES, false, 0, "12"),
                Arguments.of("91 76703039 82", VideoCodec.VP9, PacketType.CODED_FRAMES, true, 0, "82"),
                Arguments.of("95 76703039", VideoCodec.VP9, PacketType.OTHER, true, 0, ""),
                // ModEx TimestampOffsetNano (3 bytes) in front of CodedFrames
                Arguments.of("97 02 0001f4 01 68766331 000000 ab", VideoCodec.H265, PacketType.CODED_FRAMES, true, 0,
                        "ab"),
                Arguments.of("57 01", VideoCodec.H264, PacketType.OTHER, false, 0, "01"),
                Arguments.of("d0 01", null, PacketType.OTHER, false, 0, "01"));
    }

    @ParameterizedTest
    @MethodSource("videoCases")
    void parseVideo(String payloadHex, VideoCodec codec, PacketType type, boolean key, int cts, String body)
            throws RtmpProtocolException {
        ByteBuf p = hex(payloadHex);
        FlvVideoTag t = FlvVideoTag.parse(p);
        assertThat(t.codec()).isEqualTo(codec);
        assertThat(t.type()).isEqualTo(type);
        assertThat(t.keyframe()).isEqualTo(key);
        assertThat(t.compositionTimeMs()).isEqualTo(cts);
        assertThat(ByteBufUtil.hexDump(t.body())).isEqualTo(body);
        assertThat(p.readerIndex()).isZero();
        p.release();
    }

    static Stream<Arguments> videoWrites() {
        return Stream.of(
                Arguments.of(VideoCodec.H264, PacketType.SEQUENCE_START, true, 0, "1700000000"),
                Arguments.of(VideoCodec.H264, PacketType.CODED_FRAMES, false, -1, "2701ffffff"),
                Arguments.of(VideoCodec.H265, PacketType.SEQUENCE_START, true, 0, "9068766331"),
                Arguments.of(VideoCodec.H265, PacketType.CODED_FRAMES, true, 40, "9168766331000028"),
                Arguments.of(VideoCodec.H265, PacketType.CODED_FRAMES, false, 0, "a368766331"),
                Arguments.of(VideoCodec.AV1, PacketType.CODED_FRAMES, true, 0, "9161763031"),
                Arguments.of(VideoCodec.VP9, PacketType.SEQUENCE_END, false, 0, "a276703039"));
    }

    @ParameterizedTest
    @MethodSource("videoWrites")
    void writeVideoHeaderParsesBack(VideoCodec codec, PacketType type, boolean key, int cts, String hex)
            throws RtmpProtocolException {
        ByteBuf out = Unpooled.buffer();
        FlvVideoTag.writeHeader(out, codec, type, key, cts);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        out.writeByte(0x55);
        FlvVideoTag t = FlvVideoTag.parse(out);
        assertThat(t).extracting(FlvVideoTag::codec, FlvVideoTag::type, FlvVideoTag::keyframe,
                FlvVideoTag::compositionTimeMs).containsExactly(codec, type, key, cts);
        assertThat(ByteBufUtil.hexDump(t.body())).isEqualTo("55");
        out.release();
    }

    static Stream<Arguments> malformedVideo() {
        return Stream.of(
                Arguments.of("", "truncated video tag header at offset 0: need 1 bytes, have 0"),
                Arguments.of("1701", "truncated AVC video tag header at offset 0: need 5 bytes, have 2"),
                Arguments.of("12000000", "unsupported video codec id 2 at offset 0"),
                Arguments.of("17 05 000000", "unknown AVCPacketType 5 at offset 1"),
                Arguments.of("91 76703038", "unknown video FourCC 'vp08' at offset 1"),
                Arguments.of("91 00010203", "unknown video FourCC 0x00010203 at offset 1"),
                Arguments.of("91 6876", "truncated video FourCC at offset 1"),
                Arguments.of("91 68766331 00", "truncated composition time at offset 5"),
                Arguments.of("96 00 68766331", "E-RTMP multitrack video (packet type 6) at offset 0 is not supported"),
                Arguments.of("97 05 0001", "truncated video ModEx data at offset 2: need 7 bytes, have 2"),
                Arguments.of("98 68766331", "unknown E-RTMP video packet type 8 at offset 0"));
    }

    @ParameterizedTest
    @MethodSource("malformedVideo")
    void malformedVideoThrows(String hex, String message) {
        ByteBuf p = hex(hex);
        assertThatThrownBy(() -> FlvVideoTag.parse(p)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining(message);
        p.release();
    }

    /** payload hex, codec, type, body hex. */
    static Stream<Arguments> audioCases() {
        return Stream.of(
                Arguments.of("af 00 1190", AudioCodec.AAC, PacketType.SEQUENCE_START, "1190"),
                Arguments.of("ae 01 21", AudioCodec.AAC, PacketType.CODED_FRAMES, "21"),
                Arguments.of("2f fffb", AudioCodec.MP3, PacketType.CODED_FRAMES, "fffb"),
                Arguments.of("72 d5", AudioCodec.G711A, PacketType.CODED_FRAMES, "d5"),
                Arguments.of("82 ff", AudioCodec.G711U, PacketType.CODED_FRAMES, "ff"),
                Arguments.of("b2 00", AudioCodec.OTHER, PacketType.CODED_FRAMES, "00"),
                Arguments.of("90 4f707573 4f707573", AudioCodec.OPUS, PacketType.SEQUENCE_START, "4f707573"),
                Arguments.of("91 4f707573 fc", AudioCodec.OPUS, PacketType.CODED_FRAMES, "fc"),
                Arguments.of("90 6d703461 1190", AudioCodec.AAC, PacketType.SEQUENCE_START, "1190"),
                Arguments.of("91 2e6d7033 fffb", AudioCodec.MP3, PacketType.CODED_FRAMES, "fffb"),
                Arguments.of("92 664c6143", AudioCodec.FLAC, PacketType.SEQUENCE_END, ""),
                Arguments.of("94 61632d33 01", AudioCodec.AC3, PacketType.OTHER, "01"),
                Arguments.of("97 00 00 01 4f707573 fc", AudioCodec.OPUS, PacketType.CODED_FRAMES, "fc"));
    }

    @ParameterizedTest
    @MethodSource("audioCases")
    void parseAudio(String payloadHex, AudioCodec codec, PacketType type, String body) throws RtmpProtocolException {
        ByteBuf p = hex(payloadHex);
        FlvAudioTag t = FlvAudioTag.parse(p);
        assertThat(t.codec()).isEqualTo(codec);
        assertThat(t.type()).isEqualTo(type);
        assertThat(ByteBufUtil.hexDump(t.body())).isEqualTo(body);
        p.release();
    }

    @Test
    void writeAudioHeaders() throws RtmpProtocolException {
        record W(AudioCodec codec, PacketType type, int rate, int channels, String hex) {
        }
        for (W w : List.of(new W(AudioCodec.AAC, PacketType.SEQUENCE_START, 48000, 1, "af00"),
                new W(AudioCodec.AAC, PacketType.CODED_FRAMES, 44100, 2, "af01"),
                new W(AudioCodec.OPUS, PacketType.SEQUENCE_START, 48000, 2, "904f707573"),
                new W(AudioCodec.OPUS, PacketType.CODED_FRAMES, 48000, 2, "914f707573"),
                new W(AudioCodec.MP3, PacketType.CODED_FRAMES, 44100, 2, "2f"),
                new W(AudioCodec.MP3, PacketType.CODED_FRAMES, 48000, 2, "912e6d7033"),
                new W(AudioCodec.G711A, PacketType.CODED_FRAMES, 8000, 1, "72"),
                new W(AudioCodec.G711U, PacketType.CODED_FRAMES, 8000, 1, "82"))) {
            ByteBuf out = Unpooled.buffer();
            FlvAudioTag.writeHeader(out, w.codec(), w.type(), w.rate(), w.channels());
            assertThat(ByteBufUtil.hexDump(out)).as(w.toString()).isEqualTo(w.hex());
            FlvAudioTag t = FlvAudioTag.parse(out);
            assertThat(t.codec()).isEqualTo(w.codec());
            assertThat(t.type()).isEqualTo(w.type());
            out.release();
        }
        ByteBuf unused = Unpooled.buffer();
        assertThatThrownBy(() -> FlvAudioTag.writeHeader(unused, AudioCodec.OTHER, PacketType.CODED_FRAMES, 8000, 1))
                .isInstanceOf(IllegalArgumentException.class);
        unused.release();
    }

    @Test
    void malformedAudioThrows() {
        for (String[] c : new String[][] {
                {"", "truncated audio tag header at offset 0"},
                {"af", "truncated AAC audio tag header at offset 0: need 2 bytes, have 1"},
                {"af 02", "unknown AACPacketType 2 at offset 1"},
                {"91 56503038", "unknown audio FourCC 'VP08' at offset 1"},
                {"95 00 4f707573", "E-RTMP multitrack audio (packet type 5) at offset 0 is not supported"},
                {"93 4f707573", "unknown E-RTMP audio packet type 3 at offset 0"}}) {
            ByteBuf p = hex(c[0]);
            assertThatThrownBy(() -> FlvAudioTag.parse(p)).isInstanceOf(RtmpProtocolException.class)
                    .hasMessageContaining(c[1]);
            p.release();
        }
    }

    @Test
    void hevcConfigFromRealParameterSets() throws RtmpProtocolException {
        ByteBuf hvcc = HevcDecoderConfig.build(UnpooledByteBufAllocator.DEFAULT, VPS, SPS, PPS);
        // general PTL from the SPS without its emulation prevention bytes: Main, level 60 (2.0)
        assertThat(ByteBufUtil.hexDump(hvcc, 0, 13)).isEqualTo("01" + "01" + "60000000" + "900000000000" + "3c");
        assertThat(hvcc.getUnsignedByte(21) & 0xff).isEqualTo(0x0F);
        HevcDecoderConfig c = HevcDecoderConfig.parse(hvcc);
        assertThat(c.nalLengthSize()).isEqualTo(4);
        assertThat(c.vps()).containsExactly(VPS);
        assertThat(c.sps()).containsExactly(SPS);
        assertThat(c.pps()).containsExactly(PPS);
        // the E-RTMP sequence start a forwarder sends
        ByteBuf tag = Unpooled.buffer();
        FlvVideoTag.writeHeader(tag, VideoCodec.H265, PacketType.SEQUENCE_START, true, 0);
        tag.writeBytes(hvcc);
        FlvVideoTag t = FlvVideoTag.parse(tag);
        assertThat(HevcDecoderConfig.parse(t.body()).sps()).containsExactly(SPS);
        tag.release();
        hvcc.release();
        ByteBuf truncated = hex("01 01 60000000");
        assertThatThrownBy(() -> HevcDecoderConfig.parse(truncated)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("truncated hvcC header at offset 0");
        truncated.release();
    }

    @Test
    void lengthPrefixedRoundTripAndTruncation() throws RtmpProtocolException {
        for (int size : new int[] {1, 2, 4}) {
            ByteBuf out = Unpooled.buffer();
            List<ByteBuf> nalus = List.of(hex("65 8888"), hex("06 05"), hex(""));
            AvcDecoderConfig.writeLengthPrefixed(out, nalus, size);
            assertThat(AvcDecoderConfig.splitLengthPrefixed(out, size)).isEqualTo(nalus);
            out.release();
            nalus.forEach(ByteBuf::release);
        }
        ByteBuf bad = hex("00000010 65");
        assertThatThrownBy(() -> AvcDecoderConfig.splitLengthPrefixed(bad, 4)).isInstanceOf(RtmpProtocolException.class)
                .hasMessage("NAL unit length 16 at offset 0 exceeds the 1 bytes left");
        ByteBuf shortLen = hex("0000");
        assertThatThrownBy(() -> AvcDecoderConfig.splitLengthPrefixed(shortLen, 4))
                .hasMessageContaining("truncated NAL unit length at offset 0");
        ByteBuf avcc = hex("01 42c01e ff e1 0010 67");
        assertThatThrownBy(() -> AvcDecoderConfig.parse(avcc)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("truncated SPS at offset 8: need 16 bytes, have 1");
        ByteBuf v0 = hex("00 42c01e ff e1");
        assertThatThrownBy(() -> AvcDecoderConfig.parse(v0)).hasMessageContaining("avcC configurationVersion 0");
        List.of(bad, shortLen, avcc, v0).forEach(ByteBuf::release);
    }

    @Test
    void metadataParserAcceptsBothFormsAndIgnoresOtherData() throws RtmpProtocolException {
        java.util.Map<String, Object> meta = new java.util.LinkedHashMap<>();
        meta.put("width", 1920.0);
        ByteBuf withFrame = AmfMetadata.setDataFrame(UnpooledByteBufAllocator.DEFAULT, meta);
        assertThat(AmfMetadata.parse(withFrame)).isEqualTo(meta);
        withFrame.release();
        ByteBuf text = Unpooled.buffer();
        Amf0.encode(text, "onTextData", meta);
        assertThat(AmfMetadata.parse(text)).isNull();
        text.release();
        ByteBuf bad = Unpooled.buffer();
        Amf0.encode(bad, "onMetaData", 1.0);
        assertThatThrownBy(() -> AmfMetadata.parse(bad)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("onMetaData at value 1 is followed by 1.0");
        bad.release();
    }
}
