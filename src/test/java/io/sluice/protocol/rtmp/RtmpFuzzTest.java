package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.fuzz.FuzzAllocator;
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
        FuzzAllocator alloc = new FuzzAllocator();
        ByteBuf in = Unpooled.wrappedBuffer(data);
        List<RtmpMessage> messages = new ArrayList<>();
        RtmpChunkDecoder decoder = new RtmpChunkDecoder();
        // two reads: the second sees the state (chunk size, partial messages) the first left
        int half = data.length / 2;
        try {
            decoder.readMessages(alloc, in.slice(0, half), messages);
            decoder.readMessages(alloc, in.slice(half, data.length - half), messages);
        } catch (RtmpProtocolException expected) {
            // the documented failure
        }
        assertThat(in.refCnt()).isEqualTo(1);
        in.release();
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
            try {
                RtmpCommand.decode(new RtmpMessage(3, type, 0, 0, in.retainedDuplicate()));
            } catch (RtmpProtocolException expected) {
                // the documented failure
            }
        }
        assertThat(in.readerIndex()).isZero();
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
