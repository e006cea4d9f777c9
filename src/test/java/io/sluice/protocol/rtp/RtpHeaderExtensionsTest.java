package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RtpHeaderExtensionsTest {
    private static final String FIXED = "906f1234" + "00000001" + "cafebabe";

    private static ByteBuf rtp(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    @Test
    void findsOneByteElements() {
        // RFC 8285 §4.2: 0xBEDE, 3 words; id 1 with 2 bytes (as transport-cc), a padding byte, id 3 with 3 bytes
        // (as abs-send-time), then padding to the word
        ByteBuf p = rtp(FIXED + "bede0003" + "11aabb" + "00" + "32112233" + "00000000" + "ff");
        assertThat(p.getUnsignedShort(RtpHeaderExtensions.find(p, 1, 2))).isEqualTo(0xaabb);
        assertThat(p.getUnsignedMedium(RtpHeaderExtensions.find(p, 3, 3))).isEqualTo(0x112233);
        assertThat(RtpHeaderExtensions.find(p, 2, 1)).isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(p, 1, 3)).as("too short").isEqualTo(-1);
    }

    @Test
    void findsTwoByteElements() {
        ByteBuf p = rtp(FIXED + "10000002" + "0502abcd" + "00000000" + "ff");
        assertThat(p.getUnsignedShort(RtpHeaderExtensions.find(p, 5, 2))).isEqualTo(0xabcd);
    }

    @Test
    void neverThrowsOnBadBlocks() {
        assertThat(RtpHeaderExtensions.find(rtp("806f1234" + "00000001" + "cafebabe" + "ff"), 1, 1)).isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(rtp(FIXED + "bede0009" + "10aabb00"), 1, 1)).as("runs past").isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(rtp(FIXED + "bede0001" + "3faabb00"), 3, 1)).as("element runs past")
                .isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(rtp(FIXED + "bede0001" + "f0aabb00"), 1, 1)).as("id 15 stops").isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(rtp(FIXED + "abcd0001" + "10aabb00"), 1, 1)).as("other profile")
                .isEqualTo(-1);
        assertThat(RtpHeaderExtensions.find(rtp("906f"), 1, 1)).isEqualTo(-1);
    }
}
