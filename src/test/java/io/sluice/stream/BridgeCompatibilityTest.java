package io.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeCompatibilityTest {

    private static StreamDesc video(String encoding, Codec codec, int pt, String fmtp) {
        return new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "trackID=0",
                List.of(new Format(pt, codec, encoding, 90000, 0, fmtp)))));
    }

    @Test
    void sameCodecsAndParametersMatchWhateverThePayloadTypesControlsAndParameterOrder() {
        StreamDesc a = video("H264", Codec.H264, 96, "packetization-mode=1; sprop-parameter-sets=Z0LAHg==,aM4G4g==");
        StreamDesc b = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "streamid=0", List.of(
                new Format(97, Codec.H264, "h264", 90000, 0, "sprop-parameter-sets=Z0LAHg==,aM4G4g==;packetization-mode=1")))));
        assertThat(BridgeCompatibility.mismatch(a, b)).isEmpty();
        assertThat(BridgeCompatibility.mismatch(RtpContinuityTest.desc(96, 97), RtpContinuityTest.desc(98, 99)))
                .isEmpty();
    }

    @Test
    void anotherCodecResolutionOrTrackListDoesNot() {
        StreamDesc h264 = video("H264", Codec.H264, 96, "packetization-mode=1; sprop-parameter-sets=Z0LAHg==,aM4G4g==");
        assertThat(BridgeCompatibility.mismatch(h264, video("H265", Codec.H265, 96, "")))
                .isEqualTo("media 0: H264 → H265");
        // another resolution shows as other parameter sets
        assertThat(BridgeCompatibility.mismatch(h264,
                video("H264", Codec.H264, 96, "packetization-mode=1; sprop-parameter-sets=Z0LAKA==,aM4G4g==")))
                .startsWith("media 0: H264 parameters");
        assertThat(BridgeCompatibility.mismatch(RtpContinuityTest.desc(96, 97), h264)).isEqualTo("2 medias → 1");
        StreamDesc mono = new StreamDesc(List.of(RtpContinuityTest.desc(96, 97).medias().get(0),
                new MediaDesc(MediaType.AUDIO, "", List.of(new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic", 48000,
                        1, "config=1190")))));
        assertThat(BridgeCompatibility.mismatch(RtpContinuityTest.desc(96, 97), mono))
                .isEqualTo("media 1: mpeg4-generic/48000/2 → mpeg4-generic/48000/1");
    }
}
