package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RtmpChunkCodecTest {

    static RtmpMessage msg(int csid, int type, long ts, int msid, int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return new RtmpMessage(csid, type, ts, msid, Unpooled.wrappedBuffer(b));
    }

    /** Message sequences that exercise every header form; each is encoded, then decoded back. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("single small", List.of(msg(3, 20, 0, 0, 50, 1))),
                Arguments.of("multi-chunk", List.of(msg(4, 9, 40, 1, 1000, 2))),
                Arguments.of("fmt 1/2/3 audio run", List.of(msg(4, 8, 0, 1, 10, 3), msg(4, 8, 23, 1, 10, 4),
                        msg(4, 8, 46, 1, 10, 5), msg(4, 8, 69, 1, 10, 6), msg(4, 8, 80, 1, 12, 7))),
                Arguments.of("interleaved chunk streams", List.of(msg(6, 9, 0, 1, 300, 8), msg(4, 8, 0, 1, 300, 9),
                        msg(6, 9, 33, 1, 300, 10), msg(4, 8, 21, 1, 300, 11))),
                Arguments.of("extended timestamps", List.of(msg(5, 9, 0xFFFFFF, 1, 400, 12),
                        msg(5, 9, 0x1000000, 1, 400, 13), msg(5, 9, 0x1000001, 1, 400, 14),
                        msg(5, 9, 0x1000002, 1, 400, 14), msg(5, 9, 0xFFFFFFFFL, 1, 300, 15))),
                Arguments.of("extended delta", List.of(msg(5, 9, 1, 1, 200, 16), msg(5, 9, 0x2000000, 1, 200, 17),
                        msg(5, 9, 0x3FFFFFF, 1, 200, 18), msg(5, 9, 0x5FFFFFE, 1, 200, 18))),
                Arguments.of("timestamp backwards", List.of(msg(7, 8, 1000, 1, 5, 19), msg(7, 8, 10, 1, 5, 20))),
                Arguments.of("2- and 3-byte csid", List.of(msg(64, 8, 0, 1, 200, 21), msg(319, 9, 5, 1, 200, 22),
                        msg(320, 9, 5, 1, 200, 23), msg(65599, 9, 7, 1, 200, 24), msg(65599, 9, 9, 1, 200, 25))),
                Arguments.of("empty message", List.of(msg(3, 20, 0, 0, 0, 26), msg(3, 20, 0, 0, 3, 27))),
                Arguments.of("chunk size change", List.of(msg(4, 9, 0, 1, 500, 28), RtmpMessage.setChunkSize(4096),
                        msg(4, 9, 33, 1, 5000, 29), RtmpMessage.setChunkSize(1), msg(4, 9, 66, 1, 10, 30))));
    }

    static ByteBuf encodeAll(List<RtmpMessage> messages) {
        EmbeddedChannel enc = new EmbeddedChannel(new RtmpChunkEncoder());
        for (RtmpMessage m : messages) {
            assertThat(enc.writeOutbound(m.retain())).isTrue();
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        assertThat(enc.finish()).isFalse();
        return all;
    }

    static List<RtmpMessage> decodeSplit(byte[] bytes, int splitEvery) {
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        for (int i = 0; i < bytes.length; i += splitEvery) {
            dec.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(splitEvery, bytes.length - i)));
        }
        List<RtmpMessage> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = dec.readInbound()) != null) {
            out.add(m);
        }
        dec.finishAndReleaseAll();
        return out;
    }

    static void assertSame(List<RtmpMessage> actual, List<RtmpMessage> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            RtmpMessage a = actual.get(i);
            RtmpMessage e = expected.get(i);
            assertThat(a.chunkStreamId()).as("csid %d", i).isEqualTo(e.chunkStreamId());
            assertThat(a.typeId()).as("type %d", i).isEqualTo(e.typeId());
            assertThat(a.timestamp()).as("timestamp %d", i).isEqualTo(e.timestamp());
            assertThat(a.messageStreamId()).as("msid %d", i).isEqualTo(e.messageStreamId());
            assertThat(ByteBufUtil.getBytes(a.payload())).as("payload %d", i)
                    .isEqualTo(ByteBufUtil.getBytes(e.payload()));
            assertThat(a.payload().capacity()).as("exact size %d", i).isEqualTo(a.payload().readableBytes());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void roundTripAtEverySplit(String name, List<RtmpMessage> messages) {
        ByteBuf wire = encodeAll(messages);
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        for (int split : new int[] {bytes.length, 1, 2, 3, 5, 7, 11, 13, 128, 129}) {
            List<RtmpMessage> decoded = decodeSplit(bytes, split);
            assertSame(decoded, messages);
            decoded.forEach(RtmpMessage::release);
        }
        // every single two-piece split
        for (int cut = 1; cut < bytes.length; cut += Math.max(1, bytes.length / 300)) {
            EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
            dec.writeInbound(Unpooled.wrappedBuffer(bytes, 0, cut));
            dec.writeInbound(Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut));
            List<RtmpMessage> out = new ArrayList<>();
            for (Object m; (m = dec.readInbound()) != null; ) {
                out.add((RtmpMessage) m);
            }
            assertSame(out, messages);
            out.forEach(RtmpMessage::release);
            assertThat(dec.finish()).isFalse();
        }
        messages.forEach(RtmpMessage::release);
    }

    @Test
    void headerCompressionUsesFmt3ForRepeatedDelta() {
        RtmpChunkEncoder enc = new RtmpChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        List<RtmpMessage> run = List.of(msg(4, 8, 0, 1, 10, 1), msg(4, 8, 20, 1, 10, 2), msg(4, 8, 40, 1, 10, 3),
                msg(4, 8, 60, 1, 10, 4));
        List<Integer> fmts = new ArrayList<>();
        for (RtmpMessage m : run) {
            int at = out.writerIndex();
            enc.write(m, out);
            fmts.add(out.getUnsignedByte(at) >>> 6);
            m.release();
        }
        // never fmt 3 right after fmt 0: decoders disagree on that delta
        assertThat(fmts).containsExactly(0, 2, 3, 3);
        assertThat(out.readableBytes()).isEqualTo(12 + 10 + 4 + 10 + 1 + 10 + 1 + 10);
        out.release();
    }

    @Test
    void extendedTimestampIsRepeatedInContinuationChunks() {
        RtmpChunkEncoder enc = new RtmpChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        RtmpMessage m = msg(4, 9, 0x01020304L, 1, 200, 1);
        enc.write(m, out);
        m.release();
        assertThat(out.getUnsignedMedium(1)).isEqualTo(0xFFFFFF);
        assertThat(out.getInt(12)).isEqualTo(0x01020304);
        int cont = 12 + 4 + 128;
        assertThat((int) out.getUnsignedByte(cont)).isEqualTo(0xC4);
        assertThat(out.getInt(cont + 1)).isEqualTo(0x01020304);
        assertThat(out.readableBytes()).isEqualTo(cont + 5 + 72);
        out.release();
    }

    @Test
    void fmt3AfterFmt0AddsTheFmt0TimestampAsFfmpegDoes() {
        // fmt 0 ts=23 len=1 type 8 msid 1, then fmt 3 (new message): FFmpeg's muxer means ts=46
        byte[] wire = {0x04, 0, 0, 23, 0, 0, 1, 8, 1, 0, 0, 0, 0x11, (byte) 0xC4, 0x22};
        List<RtmpMessage> out = decodeSplit(wire, wire.length);
        assertThat(out).extracting(RtmpMessage::timestamp).containsExactly(23L, 46L);
        out.forEach(RtmpMessage::release);
    }

    @Test
    void abortDiscardsPartialMessage() {
        RtmpChunkDecoder d = new RtmpChunkDecoder();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(new byte[] {0x04, 0, 0, 0, 0, 1, 0, 9, 1, 0, 0, 0}).writeZero(128); // 128 of 256
        in.writeBytes(new byte[] {0x02, 0, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 0, 0, 0, 4}); // ABORT csid 4
        in.writeBytes(new byte[] {0x04, 0, 0, 0, 0, 0, 2, 9, 1, 0, 0, 0, 7, 7});
        List<RtmpMessage> out = new ArrayList<>();
        try {
            d.readMessages(UnpooledByteBufAllocator.DEFAULT, in, out);
        } catch (RtmpProtocolException e) {
            throw new AssertionError(e);
        }
        assertThat(out).extracting(RtmpMessage::typeId).containsExactly(RtmpMessageType.ABORT, RtmpMessageType.VIDEO);
        assertThat(out.get(1).payload().readableBytes()).isEqualTo(2);
        assertThat(d.bytesReceived()).isEqualTo(12 + 128 + 16 + 14);
        out.forEach(RtmpMessage::release);
        in.release();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("fmt 1 on unseen csid", "44000000000001 09", "chunk type 1 on chunk stream 4"),
                Arguments.of("fmt 3 on unseen csid", "c5", "chunk type 3 on chunk stream 5 that has no previous header, at offset 0"),
                Arguments.of("chunk size 0", "02000000000004010000000000000000", "chunk size 0 in chunk at offset 0"),
                Arguments.of("chunk size too big", "02000000000004010000000001000001",
                        "chunk size 16777217 in chunk at offset 0 out of range"),
                Arguments.of("message too long", "040000008000010901000000", "message length 8388609 on chunk stream 4 at offset 0"),
                Arguments.of("short set chunk size", "020000000000020100000000 0000",
                        "SET_CHUNK_SIZE(1) payload of 2 bytes"),
                Arguments.of("fmt 0 inside a message", "040000000001000901000000" + "00".repeat(128)
                        + "040000000000010901000000ff", "chunk type 0 on chunk stream 4 at offset 140 interrupts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputThrowsTypedException(String name, String hex, String expected) {
        byte[] bytes = ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        assertThatThrownBy(() -> dec.writeInbound(Unpooled.wrappedBuffer(bytes)))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(RtmpProtocolException.class).hasMessageContaining(expected);
        // after a failure further input is discarded, not decoded out of sync
        assertThat(dec.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 0, 0, 0, 1, 20, 0, 0, 0, 0, 5})))
                .isFalse();
        dec.finishAndReleaseAll();
    }

    @Test
    void tooManyChunkStreams() {
        ByteBuf in = Unpooled.buffer();
        for (int csid = 3; csid < 3 + RtmpChunkDecoder.MAX_CHUNK_STREAMS + 1; csid++) {
            in.writeByte(0).writeByte(csid).writeMedium(0).writeMedium(1).writeByte(8).writeIntLE(1).writeByte(0);
        }
        EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
        assertThatThrownBy(() -> dec.writeInbound(in)).cause().isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("exceeds 64 open chunk streams");
        dec.finishAndReleaseAll();
    }

    @Test
    void randomGarbageNeverThrowsAnythingElse() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(300)];
            r.nextBytes(b);
            EmbeddedChannel dec = new EmbeddedChannel(new RtmpChunkDecoder());
            try {
                dec.writeInbound(Unpooled.wrappedBuffer(b));
            } catch (DecoderException e) {
                assertThat(e.getCause()).isInstanceOf(RtmpProtocolException.class);
            }
            dec.finishAndReleaseAll();
        }
    }
}
