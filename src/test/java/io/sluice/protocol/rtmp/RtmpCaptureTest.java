package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real bytes: FFmpeg 5.1 publishing H.264 + AAC (publish-rtmp.sh) to nginx-rtmp on 127.0.0.1, the
 * first 64 KiB of the client's chunk stream after the handshake (see captures/rtmp/README.md).
 */
class RtmpCaptureTest {
    private static final byte[] CHUNKS = RtmpHandshakeTest.capture("ffmpeg51-publish-chunks.bin");
    private List<RtmpMessage> messages;

    static List<RtmpMessage> decode(byte[] bytes, int splitEvery) {
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        for (int i = 0; i < bytes.length; i += splitEvery) {
            dec.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(splitEvery, bytes.length - i)));
        }
        List<RtmpMessage> out = new ArrayList<>();
        for (RtmpMessage m; (m = dec.readInbound()) != null; ) {
            out.add(m);
        }
        dec.finishAndReleaseAll();
        return out;
    }

    @BeforeEach
    void decodeCapture() {
        messages = decode(CHUNKS, CHUNKS.length);
    }

    @AfterEach
    void release() {
        messages.forEach(RtmpMessage::release);
    }

    private String command(int i) throws RtmpProtocolException {
        return (String) Amf0.decode(messages.get(i).payload().duplicate());
    }

    @Test
    void commandSequenceOfAnFfmpegPublish() throws RtmpProtocolException {
        assertThat(messages).hasSize(39);
        List<Object> connect = Amf0.decodeAll(messages.get(0).payload().duplicate());
        assertThat(connect).hasSize(3).startsWith("connect", 1.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) connect.get(2);
        assertThat(props).containsEntry("app", "live")
                .containsEntry("flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)")
                .containsEntry("tcUrl", "rtmp://127.0.0.1:19351/live");
        assertThat(messages.get(1).typeId()).isEqualTo(RtmpMessageType.SET_CHUNK_SIZE);
        assertThat(messages.get(1).payload().getInt(0)).isEqualTo(4096);
        assertThat(List.of(command(2), command(3), command(4), command(5)))
                .containsExactly("releaseStream", "FCPublish", "createStream", "publish");
        assertThat(Amf0.decodeAll(messages.get(5).payload().duplicate())).containsExactly("publish", 5.0, null, "x", "live");
        assertThat(messages.get(5).messageStreamId()).isEqualTo(1);
        assertThat(messages.subList(6, 39)).allSatisfy(m -> assertThat(m.messageStreamId()).isEqualTo(1));
    }

    @Test
    void setDataFrameMetadata() throws RtmpProtocolException {
        RtmpMessage data = messages.get(6);
        assertThat(data.typeId()).isEqualTo(RtmpMessageType.DATA_AMF0);
        Map<String, Object> meta = AmfMetadata.parse(data.payload());
        assertThat(meta).containsEntry("width", 640.0).containsEntry("height", 360.0)
                .containsEntry("videocodecid", 7.0).containsEntry("audiocodecid", 10.0)
                .containsEntry("encoder", "Lavf59.27.100");
        // re-sent to players without @setDataFrame, as an ECMA array
        ByteBuf forPlayers = AmfMetadata.onMetaData(UnpooledByteBufAllocator.DEFAULT, meta);
        assertThat(Amf0.decodeAll(forPlayers.duplicate())).containsExactly("onMetaData", meta);
        assertThat(forPlayers.getByte(13)).isEqualTo((byte) 0x08);
        assertThat(AmfMetadata.parse(forPlayers)).isEqualTo(meta);
        forPlayers.release();
    }

    @Test
    void avcSequenceHeaderAndKeyframe() throws RtmpProtocolException {
        FlvVideoTag seq = FlvVideoTag.parse(messages.get(7).payload());
        assertThat(seq.codec()).isEqualTo(VideoCodec.H264);
        assertThat(seq.type()).isEqualTo(PacketType.SEQUENCE_START);
        AvcDecoderConfig avcc = AvcDecoderConfig.parse(seq.body());
        assertThat(avcc.nalLengthSize()).isEqualTo(4);
        assertThat(avcc.sps()).hasSize(1);
        assertThat(avcc.pps()).hasSize(1);
        byte[] sps = avcc.sps().get(0);
        assertThat(sps[0] & 0x1f).isEqualTo(7);
        assertThat(sps[1] & 0xff).as("constrained baseline").isEqualTo(66);
        ByteBuf rebuilt = AvcDecoderConfig.build(UnpooledByteBufAllocator.DEFAULT, sps, avcc.pps().get(0));
        assertThat(ByteBufUtil.getBytes(rebuilt)).isEqualTo(ByteBufUtil.getBytes(seq.body()));
        rebuilt.release();

        FlvVideoTag key = FlvVideoTag.parse(messages.get(10).payload());
        assertThat(key.keyframe()).isTrue();
        assertThat(key.type()).isEqualTo(PacketType.CODED_FRAMES);
        assertThat(key.compositionTimeMs()).isZero();
        List<ByteBuf> nalus = AvcDecoderConfig.splitLengthPrefixed(key.body(), avcc.nalLengthSize());
        assertThat(nalus).extracting(n -> n.getByte(0) & 0x1f).containsExactly(6, 5, 5); // SEI, then 2 slices (x264 zerolatency = sliced threads)
        FlvVideoTag inter = FlvVideoTag.parse(messages.get(13).payload());
        assertThat(inter.keyframe()).isFalse();
        assertThat(AvcDecoderConfig.splitLengthPrefixed(inter.body(), 4)).extracting(n -> n.getByte(0) & 0x1f)
                .containsExactly(1, 1);
    }

    @Test
    void aacSequenceHeader() throws RtmpProtocolException {
        FlvAudioTag seq = FlvAudioTag.parse(messages.get(8).payload());
        assertThat(seq.codec()).isEqualTo(AudioCodec.AAC);
        assertThat(seq.type()).isEqualTo(PacketType.SEQUENCE_START);
        // AudioSpecificConfig: AAC-LC, 48 kHz, mono (FFmpeg appends a 3-byte sync extension)
        assertThat(ByteBufUtil.hexDump(seq.body())).isEqualTo("118856e500");
        assertThat(messages.stream().filter(m -> m.typeId() == RtmpMessageType.AUDIO).skip(1))
                .allSatisfy(m -> assertThat(FlvAudioTag.parse(m.payload()).type()).isEqualTo(PacketType.CODED_FRAMES));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 1000, 4096, 4097})
    void sameMessagesAtAnySplit(int split) {
        List<RtmpMessage> again = decode(CHUNKS, split);
        RtmpChunkCodecTest.assertSame(again, messages);
        again.forEach(RtmpMessage::release);
    }

    @Test
    void reencodedWithCompressionDecodesToTheSameMessages() {
        ByteBuf wire = RtmpChunkCodecTest.encodeAll(messages);
        List<RtmpMessage> again = decode(ByteBufUtil.getBytes(wire), wire.readableBytes());
        RtmpChunkCodecTest.assertSame(again, messages);
        again.forEach(RtmpMessage::release);
        wire.release();
    }
}
