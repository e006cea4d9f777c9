package io.sluice.protocol.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtspCodecTest {

    static byte[] capture(String name) {
        try (InputStream in = RtspCodecTest.class.getResourceAsStream("/captures/rtsp/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing capture " + name, e);
        }
    }

    /** capture, expected start lines (method or status) of its text messages, interleaved frame count. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ffmpeg51-record-h264-aac-tcp-requests.txt",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD", "TEARDOWN"), 0),
                Arguments.of("ffmpeg51-record-h264-aac-udp-requests.txt",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD", "TEARDOWN"), 0),
                Arguments.of("ffmpeg51-record-h265-opus-tcp-requests.txt",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD", "TEARDOWN"), 0),
                Arguments.of("ffmpeg51-play-udp-requests.txt",
                        List.of("OPTIONS", "DESCRIBE", "SETUP", "SETUP", "PLAY", "TEARDOWN"), 0),
                Arguments.of("gstreamer122-rtspclientsink-h264-opus-tcp-requests.txt",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD"), 0),
                Arguments.of("gstreamer122-rtspclientsink-h264-opus-udp-requests.txt",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD"), 0),
                Arguments.of("gstreamer122-rtspsrc-play-udp-requests.txt",
                        List.of("OPTIONS", "DESCRIBE", "SETUP", "SETUP", "PLAY"), 0),
                Arguments.of("gstreamer122-rtspserver-play-udp-responses.txt",
                        List.of("200", "200", "200", "200", "200", "200"), 0),
                Arguments.of("ffmpeg51-record-h264-aac-tcp-stream.bin",
                        List.of("OPTIONS", "ANNOUNCE", "SETUP", "SETUP", "RECORD", "TEARDOWN"), 82),
                Arguments.of("gstreamer122-rtspserver-play-tcp-stream.bin",
                        List.of("200", "200", "200", "200", "200"), 40));
    }

    private static String startOf(RtspMessage m) {
        return switch (m) {
            case RtspRequest r -> r.method();
            case RtspResponse r -> Integer.toString(r.status());
            case InterleavedFrame f -> "$" + f.channel();
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesAndReencodesCapturesByteForByte(String capture, List<String> starts, int frames) {
        byte[] bytes = capture(capture);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        List<RtspMessage> msgs = RtspDecoder.decodeAll(in);
        assertThat(in.isReadable()).isFalse();
        assertThat(msgs.stream().filter(m -> !(m instanceof InterleavedFrame)).map(RtspCodecTest::startOf))
                .containsExactlyElementsOf(starts);
        assertThat(msgs.stream().filter(m -> m instanceof InterleavedFrame)).hasSize(frames);

        EmbeddedChannel ch = new EmbeddedChannel(new RtspEncoder());
        for (RtspMessage m : msgs) {
            ch.writeOutbound(m);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            b.release();
            out.writeBytes(chunk);
        }
        assertThat(out.toByteArray()).isEqualTo(bytes);
        // every frame was a slice of `in`, and the encoder released them all
        assertThat(in.refCnt()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
        in.release();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTheSameWhenSplitAtEveryByte(String capture, List<String> starts, int frames) {
        byte[] bytes = capture(capture);
        byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 1400));
        List<String> expected = decodeInPieces(head, head.length);
        for (int split = 1; split < head.length; split += 23) {
            assertThat(decodeInPieces(head, split)).as("split at %d", split).isEqualTo(expected);
        }
        assertThat(decodeOneByteAtATime(head)).isEqualTo(expected);
    }

    @Test
    void framesAndRequestSplitAtEveryByteBoundary() {
        byte[] req = "SETUP rtsp://h/x/streamid=1 RTSP/1.0\r\nTransport: RTP/AVP/TCP;unicast;interleaved=2-3\r\n"
                .concat("CSeq: 4\r\nContent-Length: 3\r\n\r\nabc").getBytes(StandardCharsets.UTF_8);
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(new byte[] {'$', 0, 0, 5, (byte) 0x80, 96, 1, 2, 3});
        all.writeBytes(req);
        all.writeBytes(new byte[] {'$', 1, 0, 0, '$', 2, 0, 1, 7});
        all.writeBytes(req);
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes).release();
        List<String> expected = decodeInPieces(bytes, bytes.length);
        assertThat(expected).hasSize(5);
        assertThat(expected.get(0)).isEqualTo("$0:8060010203");
        assertThat(expected.get(2)).isEqualTo("$1:");
        for (int split = 1; split < bytes.length; split++) {
            assertThat(decodeInPieces(bytes, split)).as("split at %d", split).isEqualTo(expected);
        }
        assertThat(decodeOneByteAtATime(bytes)).isEqualTo(expected);
    }

    private static List<String> decodeInPieces(byte[] bytes, int split) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
        if (split < bytes.length) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        }
        return drain(ch);
    }

    private static List<String> decodeOneByteAtATime(byte[] bytes) {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspDecoder());
        for (int i = 0; i < bytes.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        }
        return drain(ch);
    }

    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (RtspMessage m; (m = ch.readInbound()) != null; ) {
            out.add(switch (m) {
                case InterleavedFrame f -> {
                    String s = "$" + f.channel() + ":" + io.netty.buffer.ByteBufUtil.hexDump(f.payload());
                    f.release();
                    yield s;
                }
                default -> m.toString() + (m instanceof RtspRequest r ? r.bodyText() : ((RtspResponse) m).bodyText());
            });
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void interleavedPayloadsAreRetainedSlicesNotCopies() {
        ByteBuf in = Unpooled.buffer().writeBytes(new byte[] {'$', 0, 0, 3, 1, 2, 3, '$', 1, 0, 2, 9, 9});
        InterleavedFrame a = (InterleavedFrame) RtspDecoder.decodeOne(in);
        InterleavedFrame b = (InterleavedFrame) RtspDecoder.decodeOne(in);
        assertThat(a.channel()).isZero();
        assertThat(b.channel()).isEqualTo(1);
        assertThat(in.refCnt()).isEqualTo(3);
        // writes through the input show in the payload: same memory
        in.setByte(4, 42);
        assertThat(a.payload().getByte(0)).isEqualTo((byte) 42);
        assertThat(a.release()).isFalse();
        assertThat(b.release()).isFalse();
        assertThat(in.refCnt()).isEqualTo(1);
        in.release();
    }

    @Test
    void encoderWritesInterleavedPayloadWithoutCopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspEncoder());
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1});
        ch.writeOutbound(new InterleavedFrame(2, payload));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertThat(io.netty.buffer.ByteBufUtil.hexDump(header)).isEqualTo("24020004");
        assertThat(body).isSameAs(payload);
        assertThat(payload.refCnt()).isEqualTo(1);
        header.release();
        body.release();
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void toleratesLfOnlyAndKeepAliveLineEndings() {
        String text = "\r\n\nOPTIONS rtsp://h/x RTSP/1.0\nCSeq: 7\nUser-Agent: cam\n   v2\n\n"
                + "RTSP/1.0 200\nCSeq: 7\nContent-Length: 2\n\nhi";
        List<RtspMessage> msgs = RtspDecoder.decodeAll(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        RtspRequest req = (RtspRequest) msgs.get(0);
        assertThat(req.method()).isEqualTo("OPTIONS");
        assertThat(req.headers().cseq()).isEqualTo(7);
        assertThat(req.headers().get("user-agent")).isEqualTo("cam v2");
        RtspResponse res = (RtspResponse) msgs.get(1);
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.reason()).isEmpty();
        assertThat(res.bodyText()).isEqualTo("hi");
    }

    @Test
    void keepsRepeatedHeaders() {
        List<RtspMessage> msgs = RtspDecoder.decodeAll(Unpooled.wrappedBuffer(
                capture("gstreamer122-rtspsrc-play-udp-requests.txt")));
        RtspHeaders h = ((RtspRequest) msgs.getFirst()).headers();
        assertThat(h.getAll("USER-AGENT")).containsExactly("GStreamer/1.22.0",
                "RealMedia Player Version 6.0.9.1235 (linux-2.0-libc6-i386-gcc2.95)");
    }

    @Test
    void encoderSetsContentLength() {
        RtspRequest r = new RtspRequest("ANNOUNCE", "rtsp://h/x", new RtspHeaders().cseq(2)
                .set("Content-Length", "999").set("Content-Type", "application/sdp"), "v=0\r\n".getBytes());
        assertThat(new String(RtspEncoder.encode(r), StandardCharsets.UTF_8)).isEqualTo(
                "ANNOUNCE rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 5\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n");
        RtspResponse res = RtspResponse.to(r, RtspStatus.NOT_FOUND);
        assertThat(new String(RtspEncoder.encode(res), StandardCharsets.UTF_8))
                .isEqualTo("RTSP/1.0 404 Not Found\r\nCSeq: 2\r\n\r\n");
    }

    /** input, expected message fragment, expected status. */
    static Stream<Arguments> badCases() {
        return Stream.of(
                Arguments.of("HELLO\r\n\r\n", "invalid request line \"HELLO\"", 400),
                Arguments.of("GET / HTTP/1.1\r\n\r\n", "invalid protocol \"HTTP/1.1\"", 400),
                Arguments.of("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n", "unsupported version \"RTSP/2.0\"", 505),
                Arguments.of("\u0080\u0060garbage", "invalid byte 0x80", 400),
                Arguments.of("OPTIONS * RTSP/1.0\r\nno colon here\r\n\r\n", "invalid header line \"no colon here\"", 400),
                Arguments.of("OPTIONS * RTSP/1.0\r\nX: " + "a".repeat(9000), "header exceeds 8192", 400),
                Arguments.of("ANNOUNCE * RTSP/1.0\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length \"-1\"", 400),
                Arguments.of("ANNOUNCE * RTSP/1.0\r\nContent-Length: 99999999999\r\n\r\n", "exceeds limit of 65536", 413),
                Arguments.of("ANNOUNCE * RTSP/1.0\r\nContent-Length: 65537\r\n\r\n", "Content-Length 65537 exceeds", 413),
                Arguments.of("RTSP/1.0 2x0 OK\r\n\r\n", "invalid status code \"2x0\"", 400),
                Arguments.of("RTSP/1.0\r\n\r\n", "invalid status line", 400));
    }

    @ParameterizedTest
    @MethodSource("badCases")
    void rejectsBadInputWithProtocolException(String input, String message, int status) {
        ByteBuf in = Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> RtspDecoder.decodeAll(in))
                .isInstanceOfSatisfying(RtspProtocolException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContaining(message);
        in.release();
        EmbeddedChannel ch = new EmbeddedChannel(new RtspDecoder());
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1)))
                .isInstanceOf(RtspProtocolException.class);
        // after a violation the stream is out of sync: further input is discarded, not parsed
        assertThat(ch.writeInbound(Unpooled.copiedBuffer("OPTIONS * RTSP/1.0\r\n\r\n", StandardCharsets.UTF_8))).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsInterleavedFrameOverLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtspDecoder(1500, RtspDecoder.MAX_BODY_BYTES));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'$', 0, 0x05, (byte) 0xDD})))
                .isInstanceOf(RtspProtocolException.class)
                .hasMessage("interleaved frame on channel 0 has length 1501, expected at most 1500");
        ch.finishAndReleaseAll();
    }

    /** Mutated captures only ever decode or throw RtspProtocolException (a cheap fuzz over cases()). */
    @Test
    void mutatedInputNeverThrowsAnotherException() {
        Random rnd = new Random(42);
        List<byte[]> seeds = cases().map(a -> capture((String) a.get()[0])).toList();
        for (int round = 0; round < 3000; round++) {
            byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
            byte[] b = java.util.Arrays.copyOf(seed, Math.min(seed.length, 1 + rnd.nextInt(2000)));
            for (int k = rnd.nextInt(8); k >= 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            ByteBuf in = Unpooled.wrappedBuffer(b);
            try {
                for (RtspMessage m : RtspDecoder.decodeAll(in)) {
                    if (m instanceof InterleavedFrame f) {
                        f.release();
                    }
                }
            } catch (RtspProtocolException expected) {
                // the only allowed failure
            }
            assertThat(in.refCnt()).isEqualTo(1);
            in.release();
        }
    }
}
