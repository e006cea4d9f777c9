package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import static io.sluice.protocol.rtp.PacketizerRun.marker;
import static io.sluice.protocol.rtp.PacketizerRun.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.stream.Codec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 2250 §3.5 "MPA" packets: the 4-byte MBZ + Frag_offset header, then the frame or a fragment of it. */
class MpegAudioPacketizerTest {

    private static byte[] frame(int size) {
        byte[] f = new byte[size];
        for (int i = 0; i < size; i++) {
            f[i] = (byte) (i * 31);
        }
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xFD;
        return f;
    }

    @Test
    void formatIsTheStaticMpaPayloadType() {
        assertThat(RtpFormats.mpegAudio()).satisfies(f -> {
            assertThat(f.payloadType()).isEqualTo(14);
            assertThat(f.codec()).isEqualTo(Codec.MPEG1_AUDIO);
            assertThat(f.rtpmap()).isEqualTo("MPA/90000");
        });
    }

    @Test
    void frameFitsOnePacketWithOffsetZero() {
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.forFormat(RtpFormats.mpegAudio(), alloc));
        byte[] f = frame(209);
        assertThat(run.pushBytes(List.of(f), 132_216)).singleElement().satisfies(p -> {
            byte[] payload = payload(p);
            assertThat(Arrays.copyOf(payload, 4)).containsExactly(0, 0, 0, 0);
            assertThat(Arrays.copyOfRange(payload, 4, payload.length)).isEqualTo(f);
            assertThat(marker(p)).isFalse();
            assertThat(PacketizerRun.payloadType(p)).isEqualTo(14);
            assertThat(RtpHeader.timestamp(Captures.buf(p))).isEqualTo(132_216);
        });
        alloc.assertAllReleased();
    }

    @Test
    void largeFrameIsFragmentedWithItsOffsets() {
        // layer II at 384 kbit/s and 32 kHz: 1728 bytes
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.forFormat(RtpFormats.mpegAudio(), alloc));
        byte[] f = frame(1728);
        List<byte[]> packets = run.pushBytes(List.of(f), 9000);
        assertThat(packets).hasSize(2);
        assertThat(packets).extracting(p -> RtpHeader.timestamp(Captures.buf(p))).containsOnly(9000L);
        byte[] second = payload(packets.get(1));
        assertThat(Arrays.copyOf(second, 4)).containsExactly(0, 0, (byte) (1396 >> 8), (byte) 1396);
        assertThat(Arrays.copyOfRange(second, 4, second.length)).isEqualTo(Arrays.copyOfRange(f, 1396, 1728));
        assertThat(payload(packets.get(0))).hasSize(1400);
        alloc.assertAllReleased();
    }

    @Test
    void emptyFrameIsRejected() {
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.forFormat(RtpFormats.mpegAudio(), alloc);
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[0]), 0))
                .isInstanceOf(RtpPacketException.class).hasMessage("MPEG audio frame of 0 bytes outside 1..65535");
        alloc.assertAllReleased();
    }
}
