package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtmpHandshakeTest {

    static byte[] capture(String name) {
        try (InputStream in = RtmpHandshakeTest.class.getResourceAsStream("/captures/rtmp/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing capture " + name, e);
        }
    }

    static byte[] part(byte[] b, int from, int length) {
        return Arrays.copyOfRange(b, from, from + length);
    }

    static byte[] digestAt(byte[] packet, int schema) {
        int off = RtmpHandshakeDigest.digestOffset(packet, schema);
        return part(packet, off, 32);
    }

    static void assertDigestResponse(byte[] s0s1s2, byte[] c1, int schema) {
        byte[] s1 = part(s0s1s2, 1, 1536);
        byte[] s2 = part(s0s1s2, 1537, 1536);
        assertThat(RtmpHandshakeDigest.findDigest(s1, RtmpHandshakeDigest.SERVER_KEY, 36)).isEqualTo(schema);
        assertThat(part(s2, 1504, 32)).isEqualTo(
                RtmpHandshakeDigest.responseDigest(s2, digestAt(c1, schema), RtmpHandshakeDigest.SERVER_KEY));
    }

    @Test
    void ffmpegDigestC1GetsADigestResponse() throws RtmpProtocolException {
        byte[] c0c1 = capture("ffmpeg51-publish-c0c1.bin");
        byte[] c1 = part(c0c1, 1, 1536);
        assertThat(RtmpHandshakeDigest.findDigest(c1, RtmpHandshakeDigest.CLIENT_KEY, 30)).isZero();
        byte[] response = RtmpHandshake.serverResponse(c0c1);
        assertThat(response).hasSize(3073);
        assertThat(response[0]).isEqualTo((byte) 3);
        assertThat(part(response, 5, 4)).isNotEqualTo(new byte[4]);
        assertDigestResponse(response, c1, 0);
    }

    /** Real nginx-rtmp bytes check our keys and formulas, including the full-key S2 derivation. */
    @Test
    void capturedNginxResponseVerifiesWithOurKeys() {
        byte[] c1 = part(capture("ffmpeg51-publish-c0c1.bin"), 1, 1536);
        byte[] nginx = capture("nginx-rtmp-s0s1s2.bin");
        assertDigestResponse(nginx, c1, 0);
        // FFmpeg signs C2 only when playing; when publishing it echoes S1, digest or not
        assertThat(capture("ffmpeg51-publish-c2.bin")).isEqualTo(part(nginx, 1, 1536));
    }

    @Test
    void clientDigestResponseRoundTrip() {
        byte[] s1 = part(capture("nginx-rtmp-s0s1s2.bin"), 1, 1536);
        byte[] c2 = new byte[1536];
        new Random(3).nextBytes(c2);
        RtmpHandshakeDigest.signResponse(c2, digestAt(s1, 0), RtmpHandshakeDigest.CLIENT_KEY);
        assertThat(part(c2, 1504, 32)).isEqualTo(
                RtmpHandshakeDigest.responseDigest(c2, digestAt(s1, 0), RtmpHandshakeDigest.CLIENT_KEY));
    }

    @Test
    void schema1DigestIsFoundAndAnsweredInSchema1() throws RtmpProtocolException {
        byte[] c1 = new byte[1536];
        new Random(1).nextBytes(c1);
        c1[4] = 10;
        RtmpHandshakeDigest.sign(c1, 1, RtmpHandshakeDigest.CLIENT_KEY, 30);
        assertThat(RtmpHandshakeDigest.findDigest(c1, RtmpHandshakeDigest.CLIENT_KEY, 30)).isEqualTo(1);
        byte[] c0c1 = new byte[1537];
        c0c1[0] = 3;
        System.arraycopy(c1, 0, c0c1, 1, 1536);
        assertDigestResponse(RtmpHandshake.serverResponse(c0c1), c1, 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void plainOrBadDigestC1GetsAnEcho(boolean zeroVersion) throws RtmpProtocolException {
        byte[] c0c1 = capture("ffmpeg51-publish-c0c1.bin");
        if (zeroVersion) {
            Arrays.fill(c0c1, 5, 9, (byte) 0);
        } else {
            c0c1[100] ^= 1; // breaks the schema 0 digest
        }
        byte[] response = RtmpHandshake.serverResponse(c0c1);
        assertThat(part(response, 5, 4)).isEqualTo(new byte[4]);
        assertThat(part(response, 1537, 1536)).isEqualTo(part(c0c1, 1, 1536));
    }

    @Test
    void wrongVersionOrLengthIsRejected() {
        byte[] c0c1 = RtmpHandshake.clientHello();
        c0c1[0] = 6;
        assertThatThrownBy(() -> RtmpHandshake.serverResponse(c0c1)).isInstanceOf(RtmpProtocolException.class)
                .hasMessage("C0 version 6 at offset 0, expected 3 (6 would be RTMPE, or this is not RTMP)");
        assertThatThrownBy(() -> RtmpHandshake.serverResponse(new byte[10]))
                .isInstanceOf(RtmpProtocolException.class).hasMessage("C0+C1 of 10 bytes, expected 1537");
        assertThatThrownBy(() -> RtmpHandshake.clientAck(new byte[3073]))
                .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("S0 version 0");
    }

    @Test
    void clientHelloIsPlainAndClientAckEchoesS1() throws RtmpProtocolException {
        byte[] hello = RtmpHandshake.clientHello();
        assertThat(hello).hasSize(1537);
        assertThat(part(hello, 0, 9)).isEqualTo(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0});
        byte[] nginx = capture("nginx-rtmp-s0s1s2.bin");
        assertThat(RtmpHandshake.clientAck(nginx)).isEqualTo(part(nginx, 1, 1536));
    }

    /** Records user events and inbound messages after the handshaker. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<RtmpMessage> messages = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            assertThat(events).as("COMPLETE comes before any message").containsExactly(RtmpHandshake.COMPLETE);
            messages.add((RtmpMessage) msg);
        }
    }

    static byte[] drain(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            all.writeBytes(b);
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    @Test
    void handshakersTalkToEachOtherAndPassOnLeftoverBytes() {
        Recorder serverSide = new Recorder();
        Recorder clientSide = new Recorder();
        EmbeddedChannel server = new EmbeddedChannel(new RtmpChunkEncoder(), new RtmpServerHandshaker(), serverSide);
        EmbeddedChannel client = new EmbeddedChannel(new RtmpChunkEncoder(), new RtmpClientHandshaker(), clientSide);
        byte[] c0c1 = drain(client);
        assertThat(c0c1).hasSize(1537);
        server.writeInbound(Unpooled.wrappedBuffer(c0c1));
        byte[] s0s1s2 = drain(server);
        assertThat(s0s1s2).hasSize(3073);
        // S0S1S2 and the server's first chunks arrive in one read: the chunks must reach the decoder
        server.writeOutbound(RtmpMessage.setChunkSize(4096));
        byte[] serverChunks = drain(server);
        assertThat(server.pipeline().get(RtmpServerHandshaker.class)).isNotNull();
        client.writeInbound(Unpooled.wrappedBuffer(s0s1s2, serverChunks));
        assertThat(client.pipeline().get(RtmpHandshake.DECODER_NAME)).isInstanceOf(RtmpChunkDecoder.class);
        assertThat(clientSide.messages).extracting(RtmpMessage::typeId).containsExactly(RtmpMessageType.SET_CHUNK_SIZE);
        byte[] c2 = drain(client);
        assertThat(c2).isEqualTo(part(s0s1s2, 1, 1536));
        // C2 split across reads, followed by a command
        client.writeOutbound(new RtmpMessage(3, RtmpMessageType.COMMAND_AMF0, 0, 0, Unpooled.wrappedBuffer(new byte[5])));
        byte[] cmd = drain(client);
        server.writeInbound(Unpooled.wrappedBuffer(c2, 0, 1000));
        assertThat(serverSide.events).isEmpty();
        server.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(c2, 1000, 536), Unpooled.wrappedBuffer(cmd)));
        assertThat(serverSide.events).containsExactly(RtmpHandshake.COMPLETE);
        assertThat(serverSide.messages).extracting(RtmpMessage::typeId).containsExactly(RtmpMessageType.COMMAND_AMF0);
        RtmpChunkDecoder decoder = (RtmpChunkDecoder) server.pipeline().get(RtmpHandshake.DECODER_NAME);
        assertThat(decoder.bytesReceived()).isEqualTo(1537 + 1536 + cmd.length);
        serverSide.messages.forEach(RtmpMessage::release);
        clientSide.messages.forEach(RtmpMessage::release);
        assertThat(server.finish()).isFalse();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void serverHandshakerFailsFastOnHttp() {
        EmbeddedChannel server = new EmbeddedChannel(new RtmpServerHandshaker());
        assertThatThrownBy(() -> server.writeInbound(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n".getBytes())))
                .isInstanceOf(DecoderException.class).cause().isInstanceOf(RtmpProtocolException.class)
                .hasMessageStartingWith("C0 version 71 at offset 0");
        server.finishAndReleaseAll();
    }
}
