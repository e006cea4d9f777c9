package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.sluice.testing.TrackingAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RtmpFuzzTest feeds fuzzer bytes to the RTMP handshake, the chunk stream decoder and everything a
 * publisher's messages reach before the stream exists: AMF0 commands and metadata, FLV audio/video
 * tags (classic and Enhanced RTMP), avcC/hvcC and the probe that builds the stream description. The
 * contract: a value or an {@link RtmpProtocolException}, never another exception, no buffer leaked.
 */
class RtmpFuzzTest {

    @FuzzTest
    void handshake(byte[] data) {
        // both exact-length forms reach the digest search; the raw length checks the length error
        for (byte[] c0c1 : List.of(data, Arrays.copyOf(data, RtmpHandshake.C0C1_LENGTH))) {
            try {
                assertThat(RtmpHandshake.serverResponse(c0c1)).hasSize(RtmpHandshake.S0S1S2_LENGTH);
            } catch (RtmpProtocolException expected) {
                // the documented failure
            }
        }
        for (byte[] s0s1s2 : List.of(data, Arrays.copyOf(data, RtmpHandshake.S0S1S2_LENGTH))) {
            try {
                assertThat(RtmpHandshake.clientAck(s0s1s2)).hasSize(RtmpHandshake.C2_LENGTH);
            } catch (RtmpProtocolException expected) {
                // the documented failure
            }
        }
    }

    @FuzzTest
    void chunks(byte[] data) {
        TrackingAllocator alloc = new TrackingAllocator();
        List<RtmpMessage> messages = new ArrayList<>();
        // in a pipeline, as the connections use it: removing the decoder releases its partial messages
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new RtmpChunkDecoder());
        // two reads: the second sees the state (chunk size, partial messages) the first left
        int half = data.length / 2;
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(data, 0, half));
            ch.writeInbound(Unpooled.wrappedBuffer(data, half, data.length - half));
        } catch (DecoderException e) {
            if (!(e.getCause() instanceof RtmpProtocolException)) {
                throw e;
            }
        }
        for (Object m; (m = ch.readInbound()) != null; ) {
            messages.add((RtmpMessage) m);
        }
        ch.finishAndReleaseAll();
        try (RtmpToStream probe = new RtmpToStream(alloc)) {
            boolean probing = true;
            for (RtmpMessage m : messages) {
                body(m);
                if (probing) {
                    try {
                        if (probe.probe(m)) {
                            probing = false;
                            probe.desc();
                        }
                    } catch (RtmpProtocolException expected) {
                        probing = false;
                    }
                }
            }
            probe.takeProbed().forEach(RtmpMessage::release);
        } finally {
            messages.forEach(RtmpMessage::release);
        }
        alloc.assertAllReleased();
    }

    @FuzzTest
    void amf0(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        try {
            Amf0.decodeAll(in.duplicate());
        } catch (RtmpProtocolException expected) {
            // the documented failure
        }
        try {
            AmfMetadata.parse(in);
        } catch (RtmpProtocolException expected) {
            // the documented failure
        }
        for (int type : new int[] {RtmpMessageType.COMMAND_AMF0, RtmpMessageType.COMMAND_AMF3}) {
            RtmpMessage m = new RtmpMessage(3, type, 0, 0, in.retainedDuplicate());
            try {
                RtmpCommand.decode(m);
            } catch (RtmpProtocolException expected) {
                // the documented failure
            } finally {
                m.release();
            }
        }
        assertThat(in.readerIndex()).isZero();
        assertThat(in.refCnt()).isEqualTo(1);
        in.release();
    }

    /** The per-message parsers a connection applies, by message type. */
    private static void body(RtmpMessage m) {
        ByteBuf p = m.payload();
        int before = p.readerIndex();
        try {
            switch (m.typeId()) {
                case RtmpMessageType.COMMAND_AMF0, RtmpMessageType.COMMAND_AMF3 -> RtmpCommand.decode(m);
                case RtmpMessageType.DATA_AMF0 -> AmfMetadata.parse(p);
                case RtmpMessageType.VIDEO -> {
                    FlvVideoTag t = FlvVideoTag.parse(p);
                    if (t.type() == PacketType.SEQUENCE_START && t.codec() == VideoCodec.H264) {
                        AvcDecoderConfig.parse(t.body());
                    } else if (t.type() == PacketType.SEQUENCE_START && t.codec() == VideoCodec.H265) {
                        HevcDecoderConfig.parse(t.body());
                    }
                }
                case RtmpMessageType.AUDIO -> FlvAudioTag.parse(p);
                default -> {
                }
            }
        } catch (RtmpProtocolException expected) {
            // the documented failure
        }
        assertThat(p.readerIndex()).as("parsers do not move the payload's reader index").isEqualTo(before);
    }
}
