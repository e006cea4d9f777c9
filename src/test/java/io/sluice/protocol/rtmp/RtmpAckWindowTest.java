package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class RtmpAckWindowTest {

    /** Chunk-encodes what the peer sends and feeds it to the channel's real decoder (which counts bytes). */
    private static RtmpMessage received(EmbeddedChannel ch, RtmpMessage m) {
        EmbeddedChannel enc = new EmbeddedChannel(new RtmpChunkEncoder());
        enc.writeOutbound(m);
        for (Object o; (o = enc.readOutbound()) != null; ) {
            ch.writeInbound(o);
        }
        enc.finishAndReleaseAll();
        return ch.readInbound();
    }

    @Test
    void acknowledgesEachTimeTheAnnouncedWindowIsUsedUp() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkDecoder());
        RtmpAckWindow w = new RtmpAckWindow();
        RtmpMessage win = received(ch, RtmpMessage.windowAckSize(1000));
        assertThat(w.onMessage(win, ch.pipeline())).as("nothing due right after the window size").isNull();
        win.release();
        java.util.List<Long> acks = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RtmpMessage media = received(ch, new RtmpMessage(4, RtmpMessageType.AUDIO, i, 1,
                    Unpooled.wrappedBuffer(new byte[300])));
            RtmpMessage reply = w.onMessage(media, ch.pipeline());
            media.release();
            if (reply != null) {
                assertThat(reply.typeId()).isEqualTo(RtmpMessageType.ACK);
                acks.add(reply.payload().getUnsignedInt(0));
                reply.release();
            }
        }
        // ~3.1 KB arrive; each ACK carries the byte count and comes a full window after the last one
        long total = ((RtmpChunkDecoder) ch.pipeline().first()).bytesReceived();
        assertThat(acks).hasSize(2);
        assertThat(acks.get(0)).isGreaterThanOrEqualTo(1000);
        assertThat(acks.get(1) - acks.get(0)).isGreaterThanOrEqualTo(1000);
        assertThat(total - acks.get(1)).isLessThan(1000);
        ch.finishAndReleaseAll();
    }

    @Test
    void answersAPingRequestWithItsTimestamp() {
        EmbeddedChannel ch = new EmbeddedChannel(new RtmpChunkDecoder());
        RtmpMessage ping = RtmpMessage.userControl(RtmpMessage.EVENT_PING_REQUEST, Unpooled.buffer(4).writeInt(77));
        RtmpMessage reply = new RtmpAckWindow().onMessage(ping, ch.pipeline());
        ping.release();
        assertThat(reply.typeId()).isEqualTo(RtmpMessageType.USER_CONTROL);
        assertThat(reply.payload().getUnsignedShort(0)).isEqualTo(RtmpMessage.EVENT_PING_RESPONSE);
        assertThat(reply.payload().getUnsignedInt(2)).isEqualTo(77);
        reply.release();
        ch.finishAndReleaseAll();
    }
}
