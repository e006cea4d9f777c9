package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MpegAudioPayloadTest {

    /** MPEG-1 Layer II, 128 kbit/s, 48 kHz, no CRC: 144 * 128000 / 48000 = 384 bytes. */
    static byte[] layer2Frame() {
        byte[] f = new byte[384];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xFD;
        f[2] = (byte) 0x84;
        f[3] = (byte) 0x44;
        return f;
    }

    /** An RFC 2250 payload: MBZ, fragment offset, then the bytes. */
    static ByteBuf payload(int fragmentOffset, byte[]... frames) {
        ByteBuf b = Unpooled.buffer().writeShort(0).writeShort(fragmentOffset);
        for (byte[] f : frames) {
            b.writeBytes(f);
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({
        "FFFD8444, 384", // MPEG-1 L2 128k 48 kHz
        "FFFB9064, 417", // MPEG-1 L3 128k 44.1 kHz
        "FFFB9264, 418", // same with padding
        "FFF38044, 208", // MPEG-2 L3 64k 22.05 kHz: 576 samples per frame
        "FFFFC444, 384", // MPEG-1 L1 384k 48 kHz
        "FFFD0444, -1", // free format
        "FFFDF444, -1", // bad bit rate index
        "FFEB9064, -1", // reserved version
        "7FFB9064, -1", // no sync
    })
    void frameLengthFromTheHeader(String header, int length) {
        ByteBuf b = Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(header));
        assertThat(MpegAudioPayload.frameLength(b, 0)).isEqualTo(length);
        b.release();
    }

    @Test
    void wholeFramesArePassedOnAndFragmentsDropped() {
        ByteBuf two = payload(0, layer2Frame(), layer2Frame());
        ByteBuf frames = MpegAudioPayload.wholeFrames(two);
        assertThat(frames.readableBytes()).isEqualTo(768);
        assertThat(ByteBufUtil.getBytes(frames, 0, 4)).isEqualTo(java.util.Arrays.copyOf(layer2Frame(), 4));
        assertThat(two.refCnt()).as("a slice, not retained").isEqualTo(1);
        two.release();

        byte[] cut = java.util.Arrays.copyOf(layer2Frame(), 200);
        ByteBuf first = payload(0, cut);
        ByteBuf rest = payload(200, new byte[184]);
        assertThat(MpegAudioPayload.wholeFrames(first)).as("first fragment").isNull();
        assertThat(MpegAudioPayload.wholeFrames(rest)).as("later fragment").isNull();
        first.release();
        rest.release();
        ByteBuf empty = payload(0);
        assertThat(MpegAudioPayload.wholeFrames(empty)).isNull();
        empty.release();
    }
}
