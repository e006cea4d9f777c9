package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatmDepacketizerTest {

    static final String CAPTURE = "ffmpeg51-aac-latm-udp";

    @Test
    void captureGivesBackTheAdtsFrames() {
        Format f = Captures.format(CAPTURE, Codec.MPEG4_AUDIO_LATM);
        TrackingAllocator alloc = new TrackingAllocator();
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, Captures.rtp(CAPTURE), alloc);
        assertThat(Mpeg4AudioDepacketizerTest.frames(aus)).containsExactlyElementsOf(Mpeg4AudioDepacketizerTest.adtsFrames());
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void lengthsOf255AndMoreUseFfRuns() {
        Format f = Captures.format(CAPTURE, Codec.MPEG4_AUDIO_LATM);
        // the capture has frames of 255+ bytes, whose PayloadLengthInfo starts with 0xFF
        assertThat(Captures.rtp(CAPTURE)).anySatisfy(p -> assertThat(p[12] & 0xff).isEqualTo(0xff));
        try (Depacketizer d = Depacketizer.forFormat(f)) {
            int[] payload = new int[2 + 255 + 1 + 2];
            payload[0] = 0xff;
            payload[1] = 0x00; // 255
            payload[257] = 2; // second subframe of 2 bytes
            List<AccessUnit> aus = d.push(H264DepacketizerTest.rtp(1, 1000, true, payload));
            assertThat(aus).extracting(AccessUnit::size).containsExactly(255, 2);
            assertThat(aus).extracting(AccessUnit::rtpTimestamp).containsExactly(1000L, 2024L);
            H264DepacketizerTest.releaseAll(aus);
        }
    }

    @Test
    void fragmentedElementIsReassembledAndLossDropsIt() {
        Format f = Captures.format(CAPTURE, Codec.MPEG4_AUDIO_LATM);
        TrackingAllocator alloc = new TrackingAllocator();
        try (Depacketizer d = Depacketizer.forFormat(f, alloc)) {
            assertThat(d.push(H264DepacketizerTest.rtp(1, 0, false, 4, 1, 2))).isEmpty();
            List<AccessUnit> aus = d.push(H264DepacketizerTest.rtp(2, 0, true, 3, 4));
            assertThat(aus).extracting(AccessUnit::size).containsExactly(4);
            H264DepacketizerTest.releaseAll(aus);
            assertThat(d.push(H264DepacketizerTest.rtp(3, 1024, false, 4, 1, 2))).isEmpty();
            // packet 4 lost
            List<AccessUnit> next = new ArrayList<>(d.push(H264DepacketizerTest.rtp(5, 2048, true, 1, 9)));
            assertThat(next).extracting(AccessUnit::rtpTimestamp).containsExactly(2048L);
            H264DepacketizerTest.releaseAll(next);
        }
        alloc.assertAllReleased();
    }

    @Test
    void inBandConfigurationIsRejected() {
        Format f = new Format(97, Codec.MPEG4_AUDIO_LATM, "MP4A-LATM", 48000, 2, "cpresent=1");
        assertThatThrownBy(() -> Depacketizer.forFormat(f)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("cpresent=1");
    }
}
