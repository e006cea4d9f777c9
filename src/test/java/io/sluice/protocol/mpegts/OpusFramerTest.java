package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpusFramerTest {

    /** Parses an opus_control_header: the packet size, after checking prefix and flags. */
    static int controlHeaderSize(byte[] b) {
        assertThat(((b[0] & 0xFF) << 8 | (b[1] & 0xFF)) >> 5).as("control_header_prefix").isEqualTo(0x3FF);
        assertThat(b[1] & 0x1C).as("no trim or extension flags").isZero();
        int size = 0;
        int i = 2;
        while ((b[i] & 0xFF) == 0xFF) {
            size += 255;
            i++;
        }
        return size + (b[i] & 0xFF);
    }

    @ParameterizedTest
    @CsvSource({"1, 3", "254, 3", "255, 4", "256, 4", "509, 4", "510, 5", "1275, 8"})
    void controlHeaderSaysTheSize(int size, int headerLength) {
        byte[] packet = new byte[size];
        Arrays.fill(packet, (byte) 0x78);
        AccessUnit au = new AccessUnit(0, List.of(Unpooled.wrappedBuffer(packet)), true);
        ByteBuf out = Unpooled.buffer();
        new OpusFramer().frame(au, out);
        byte[] b = ByteBufUtil.getBytes(out);
        assertThat(b).hasSize(headerLength + size);
        assertThat(controlHeaderSize(b)).isEqualTo(size);
        assertThat(Arrays.copyOfRange(b, headerLength, b.length)).isEqualTo(packet);
        au.release();
        out.release();
    }

    @ParameterizedTest
    @CsvSource({"1", "2"})
    void descriptorsRegisterOpusAndItsChannels(int channels) {
        assertThat(OpusFramer.descriptors(channels))
                .containsExactly(0x05, 4, 'O', 'p', 'u', 's', 0x7F, 2, 0x80, channels);
    }
}
