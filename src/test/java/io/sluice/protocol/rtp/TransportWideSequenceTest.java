package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The transport-wide sequence number extension against RFC 8285's one-byte layout, read back as ingest reads it. */
class TransportWideSequenceTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void insertsOneElementAfterTheFixedHeader() {
        ByteBuf in = Unpooled.wrappedBuffer(HEX.parseHex("80e0" + "1234" + "00000064" + "0a0b0c0d" + "c0ffee"));
        byte[] before = Arrays.copyOf(in.array(), in.array().length);
        byte[] out = new byte[64];
        int n = TransportWideSequence.copyWith(in, out, 3, 0xabcd);
        assertThat(n).isEqualTo(15 + TransportWideSequence.EXTRA_BYTES);
        // X set; BEDE, one word; element id 3, L=1, 0xabcd, one byte of padding; payload unchanged
        assertThat(HEX.formatHex(out, 0, n)).isEqualTo("90e0" + "1234" + "00000064" + "0a0b0c0d" + "bede0001"
                + "31abcd00" + "c0ffee");
        assertThat(in.array()).as("the input is not changed").isEqualTo(before);
        ByteBuf back = Unpooled.wrappedBuffer(out, 0, n);
        int at = RtpHeaderExtensions.find(back, 3, 2);
        assertThat(back.getUnsignedShort(at)).isEqualTo(0xabcd);
        assertThat(RtpHeader.payloadLength(back)).isEqualTo(3);
    }

    @Test
    void keepsCsrcsBeforeTheExtension() {
        ByteBuf in = Unpooled.wrappedBuffer(HEX.parseHex("8160" + "0001" + "00000000" + "00000001" + "00000002" + "ff"));
        byte[] out = new byte[64];
        int n = TransportWideSequence.copyWith(in, out, 14, 7);
        assertThat(HEX.formatHex(out, 0, n)).isEqualTo("9160" + "0001" + "00000000" + "00000001" + "00000002"
                + "bede0001" + "e1000700" + "ff");
    }

    @Test
    void leavesAPacketWithAnExtensionOrTooShortAlone() {
        byte[] out = new byte[64];
        assertThat(TransportWideSequence.copyWith(Unpooled.wrappedBuffer(HEX.parseHex("9060000100000000000000010000")),
                out, 1, 1)).isEqualTo(-1);
        assertThat(TransportWideSequence.copyWith(Unpooled.wrappedBuffer(HEX.parseHex("8060")), out, 1, 1))
                .isEqualTo(-1);
        assertThat(TransportWideSequence.copyWith(Unpooled.wrappedBuffer(HEX.parseHex("8f60000100000000000000")),
                out, 1, 1)).as("15 CSRCs announced, none there").isEqualTo(-1);
    }

    @Test
    void rejectsBadArguments() {
        ByteBuf in = Unpooled.wrappedBuffer(new byte[20]);
        assertThatThrownBy(() -> TransportWideSequence.copyWith(in, new byte[64], 15, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15");
        assertThatThrownBy(() -> TransportWideSequence.copyWith(in, new byte[64], 1, 65536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
        assertThatThrownBy(() -> TransportWideSequence.copyWith(in, new byte[27], 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("27");
    }
}
