package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sluice.protocol.rtp.PacketizerRun.marker;
import static io.sluice.protocol.rtp.PacketizerRun.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpusPacketizerTest {

    @Test
    void realOpusPacketsAreCarriedOnePerRtpPacketWithMarkerZero() {
        List<byte[]> captured = Captures.rtp("ffmpeg51-opus-udp");
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.opus(111, 2, alloc));
        assertThat(run.packetizer.format().rtpmap()).isEqualTo(Captures.format("ffmpeg51-opus-udp", Codec.OPUS).rtpmap());
        for (byte[] c : captured) {
            ByteBuf in = Captures.buf(c);
            byte[] opus = payload(c);
            assertThat(run.pushBytes(List.of(opus), RtpHeader.timestamp(in))).singleElement().satisfies(p -> {
                assertThat(payload(p)).isEqualTo(opus);
                assertThat(marker(p)).isFalse();
            });
        }
        assertThat(run.packets).hasSameSizeAs(captured);
        alloc.assertAllReleased();
    }

    @Test
    void inputSliceIsReadAtItsReaderIndex() {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf whole = Unpooled.wrappedBuffer(new byte[] {9, 9, 1, 2, 3});
        whole.skipBytes(2);
        PacketizerRun run = new PacketizerRun(Packetizer.opus(111, 1, alloc));
        assertThat(run.push(List.of(whole), 960)).singleElement()
                .satisfies(p -> assertThat(payload(p)).containsExactly(1, 2, 3));
        whole.release();
        alloc.assertAllReleased();
    }

    @Test
    void opusPacketsThatCannotBeFragmentedMustFitOnePacket() {
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.opus(111, 2, alloc);
        assertThat(new PacketizerRun(p).pushBytes(List.of(new byte[Packetizer.MAX_PAYLOAD_SIZE]), 0)).hasSize(1);
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[Packetizer.MAX_PAYLOAD_SIZE + 1]), 0))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("1401 bytes");
        alloc.assertAllReleased();
    }

    @Test
    void g711SplitsLongUnitsOnSampleBoundariesAndAdvancesTheTimestamp() {
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.forFormat(RtpFormats.pcma(), alloc));
        byte[] samples = new byte[3000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) i;
        }
        List<byte[]> packets = run.pushBytes(List.of(samples), 8000);
        assertThat(packets).extracting(p -> p.length - 12).containsExactly(1400, 1400, 200);
        assertThat(packets).extracting(p -> RtpHeader.timestamp(Captures.buf(p))).containsExactly(8000L, 9400L, 10800L);
        assertThat(packets).extracting(PacketizerRun::payloadType).containsOnly(8);
        assertThat(payload(packets.get(1))[0]).isEqualTo((byte) 1400);
        alloc.assertAllReleased();
    }
}
