package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RtmpCommandTest {

    @Test
    void roundTripsAConnectResult() throws Exception {
        Map<String, Object> info = RtmpCommand.status("status", "NetConnection.Connect.Success", "ok");
        RtmpMessage m = new RtmpCommand("_result", 1, Map.of("fmsVer", "FMS/3,0,1,123"), info)
                .encode(UnpooledByteBufAllocator.DEFAULT, 0);
        try {
            RtmpCommand c = RtmpCommand.decode(m);
            assertThat(c.name()).isEqualTo("_result");
            assertThat(c.transactionId()).isEqualTo(1.0);
            assertThat(c.args()).containsExactly(info);
            assertThat(m.chunkStreamId()).isEqualTo(RtmpCommand.CHUNK_STREAM);
        } finally {
            m.release();
        }
    }

    @Test
    void acceptsANoticeWithoutTransactionId() throws Exception {
        // ffmpeg 5.1 in -listen mode answers FCPublish with: "onFCPublish", {code...} (no number)
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, "onFCPublish", Map.of("code", "NetStream.Publish.Start"));
        RtmpMessage m = new RtmpMessage(3, RtmpMessageType.COMMAND_AMF0, 0, 0, b);
        try {
            RtmpCommand c = RtmpCommand.decode(m);
            assertThat(c.name()).isEqualTo("onFCPublish");
            assertThat(c.transactionId()).isZero();
            assertThat(c.args()).hasSize(1);
        } finally {
            m.release();
        }
    }

    @Test
    void refusesACommandWithoutName() {
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, 3.0, "x");
        RtmpMessage m = new RtmpMessage(3, RtmpMessageType.COMMAND_AMF0, 0, 0, b);
        try {
            assertThatThrownBy(() -> RtmpCommand.decode(m)).isInstanceOf(RtmpProtocolException.class)
                    .hasMessageContaining("without a name");
        } finally {
            m.release();
        }
    }
}
