package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.StreamReader;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FLV in → stream → FLV out on the real FFmpeg publish capture: what an RTMP publisher sends must
 * reach an RTMP reader or target frame for frame, and RTP readers must get packets that depacketize
 * back to the same NAL units.
 */
class RtmpStreamMappersTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    private static Stream streamFrom(StreamDesc desc) {
        return new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        }, i -> Depacketizer.forFormat(desc.medias().get(i).format()));
    }

    @Test
    void ffmpegPublishRoundTripsThroughTheStream() throws Exception {
        List<RtmpMessage> in = RtmpCaptureTest.decode(RtmpHandshakeTest.capture("ffmpeg51-publish-chunks.bin"), 4096);
        RtmpToStream ingest = new RtmpToStream(ALLOC);
        List<byte[]> sentVideo = new ArrayList<>();
        int sentAudio = 0;
        boolean ready = false;
        List<RtmpMessage> live = new ArrayList<>();
        for (RtmpMessage m : in) {
            if (m.typeId() == RtmpMessageType.VIDEO) {
                FlvVideoTag t = FlvVideoTag.parse(m.payload());
                if (t.type() == PacketType.CODED_FRAMES) {
                    sentVideo.add(ByteBufUtil.getBytes(t.body()));
                }
            } else if (m.typeId() == RtmpMessageType.AUDIO
                    && FlvAudioTag.parse(m.payload()).type() == PacketType.CODED_FRAMES) {
                sentAudio++;
            }
            if (!ready) {
                ready = ingest.probe(m);
            } else {
                live.add(m);
            }
        }
        assertThat(ready).as("metadata + both sequence headers make the stream ready").isTrue();
        StreamDesc desc = ingest.desc();
        assertThat(desc.medias()).extracting(md -> md.format().codec()).containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(desc.medias().getFirst().format().fmtp()).contains("sprop-parameter-sets=");

        Stream stream = streamFrom(desc);
        List<RtmpMessage> out = new ArrayList<>();
        RtmpFromStream mapper = new RtmpFromStream(desc, 1);
        List<byte[]> rtpVideoAus = new ArrayList<>();
        stream.addReader(u -> mapper.onUnit(u, ALLOC, out::add), false, true);
        // an RTP reader that depacketizes on its own, to check the packets made once per stream
        Depacketizer h264 = Depacketizer.forFormat(desc.medias().getFirst().format());
        stream.addReader((StreamReader) (Unit u) -> {
            if (u.media() == 0) {
                for (AccessUnit au : h264.push(u.rtp())) {
                    rtpVideoAus.add(nalBytes(au));
                    au.release();
                }
            }
        }, false);
        List<RtmpMessage> probed = ingest.takeProbed();
        for (RtmpMessage m : probed) {
            ingest.write(stream, m, System.nanoTime());
            m.release();
        }
        for (RtmpMessage m : live) {
            ingest.write(stream, m, System.nanoTime());
        }
        in.forEach(RtmpMessage::release);
        ingest.close();

        List<byte[]> gotVideo = new ArrayList<>();
        int gotAudio = 0;
        boolean videoHeader = false;
        boolean audioHeader = false;
        for (RtmpMessage m : out) {
            if (m.typeId() == RtmpMessageType.VIDEO) {
                FlvVideoTag t = FlvVideoTag.parse(m.payload());
                if (t.type() == PacketType.SEQUENCE_START) {
                    videoHeader = true;
                } else {
                    gotVideo.add(ByteBufUtil.getBytes(t.body()));
                }
            } else if (m.typeId() == RtmpMessageType.AUDIO) {
                if (FlvAudioTag.parse(m.payload()).type() == PacketType.SEQUENCE_START) {
                    audioHeader = true;
                } else {
                    gotAudio++;
                }
            }
            m.release();
        }
        assertThat(videoHeader).isTrue();
        assertThat(audioHeader).isTrue();
        assertThat(sentVideo).isNotEmpty();
        // The last video frame completes only when the next one starts (RTP marks the end of a unit
        // by the marker bit, which the packetizer sets, so every frame is complete).
        assertThat(gotVideo).hasSize(sentVideo.size());
        for (int i = 0; i < sentVideo.size(); i++) {
            assertThat(gotVideo.get(i)).as("video frame %d", i).isEqualTo(stripParamSets(sentVideo.get(i)));
        }
        assertThat(gotAudio).isEqualTo(sentAudio);
        assertThat(rtpVideoAus).hasSize(sentVideo.size());
        stream.close();
        h264.close();
    }

    /** The AVCC body without SPS/PPS/AUD NAL units (FLV keeps parameter sets in the sequence header). */
    private static byte[] stripParamSets(byte[] avcc) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i + 4 <= avcc.length) {
            int len = ((avcc[i] & 0xff) << 24) | ((avcc[i + 1] & 0xff) << 16) | ((avcc[i + 2] & 0xff) << 8) | (avcc[i + 3] & 0xff);
            int type = avcc[i + 4] & 0x1f;
            if (type != 7 && type != 8 && type != 9) {
                o.write(avcc, i, 4 + len);
            }
            i += 4 + len;
        }
        return o.toByteArray();
    }

    private static byte[] nalBytes(AccessUnit au) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (ByteBuf b : au.units()) {
            o.writeBytes(ByteBufUtil.getBytes(b));
        }
        return o.toByteArray();
    }
}
