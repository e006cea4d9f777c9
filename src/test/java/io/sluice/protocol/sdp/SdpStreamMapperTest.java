package io.sluice.protocol.sdp;

import static io.sluice.protocol.sdp.SessionDescriptionTest.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SdpStreamMapperTest {

    private static final String FFMPEG_H264_FMTP = "packetization-mode=1; sprop-parameter-sets="
            + "Z0LADdkBQfsBEAAAAwAQAAADA8jxQqSA,aMuDyyA=; profile-level-id=42C00D";

    /** capture, expected stream. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ffmpeg51-announce-h264-aac.sdp", new StreamDesc(List.of(
                        new MediaDesc(MediaType.VIDEO, "streamid=0", List.of(
                                new Format(96, Codec.H264, "H264", 90000, 0, FFMPEG_H264_FMTP))),
                        new MediaDesc(MediaType.AUDIO, "streamid=1", List.of(
                                new Format(97, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 44100, 1,
                                        "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
                                                + "indexdeltalength=3; config=120856E500")))))),
                Arguments.of("ffmpeg51-announce-h265-opus.sdp", new StreamDesc(List.of(
                        new MediaDesc(MediaType.VIDEO, "streamid=0", List.of(
                                new Format(96, Codec.H265, "H265", 90000, 0,
                                        "sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA8lZgJ; sprop-sps=QgEBAWAAAAMAkAAAAwAAAwA8oAoIDxZZWaSTK8BaAgAAAwACAAADADwQ; sprop-pps=RAHBcrRiQA=="))),
                        new MediaDesc(MediaType.AUDIO, "streamid=1", List.of(
                                new Format(97, Codec.OPUS, "opus", 48000, 2, "")))))),
                Arguments.of("gstreamer122-rtspclientsink-announce-h264-opus.sdp", new StreamDesc(List.of(
                        new MediaDesc(MediaType.AUDIO, "stream=1", List.of(
                                new Format(96, Codec.OPUS, "OPUS", 48000, 2, "sprop-stereo=0;sprop-maxcapturerate=48000"))),
                        new MediaDesc(MediaType.VIDEO, "stream=0", List.of(
                                new Format(99, Codec.H264, "H264", 90000, 0,
                                        "packetization-mode=1;sprop-parameter-sets=Z0LAFdkBQfsBagwMDUoAAAMAAgAAAwB5HixckA==,aMuMsg==;profile-level-id=42c015;level-asymmetry-allowed=1")))))),
                Arguments.of("gstreamer122-rtspserver-describe-h264-aac.sdp", new StreamDesc(List.of(
                        new MediaDesc(MediaType.VIDEO, "stream=0", List.of(
                                new Format(96, Codec.H264, "H264", 90000, 0,
                                        "packetization-mode=1;sprop-parameter-sets=Z0LAHtoCgL/lwFqDAwNSgAAAAwCAAAAeR4sXUA==,aM48gA==;profile-level-id=42c01e;level-asymmetry-allowed=1"))),
                        new MediaDesc(MediaType.AUDIO, "stream=1", List.of(
                                new Format(97, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 48000, 1,
                                        "streamtype=5;profile-level-id=2;mode=AAC-hbr;config=118856e500;sizelength=13;indexlength=3;indexdeltalength=3")))))),
                Arguments.of("handwritten-hikvision-style-h264-pcma-metadata.sdp", new StreamDesc(List.of(
                        new MediaDesc(MediaType.VIDEO, "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast", List.of(
                                new Format(96, Codec.H264, "H264", 90000, 0,
                                        "profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKpWoHgCJ+WbgICAoAAADAAgAAAMBlCA=,aO48gA=="))),
                        new MediaDesc(MediaType.AUDIO, "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast", List.of(
                                new Format(8, Codec.G711_PCMA, "PCMA", 8000, 0, ""))),
                        new MediaDesc(MediaType.APPLICATION, "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=4?transportmode=unicast", List.of(
                                new Format(107, Codec.OTHER, "isapi.metadata", 90000, 0, "")))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mapsCapturesToStreams(String capture, StreamDesc expected) throws SdpException {
        assertThat(SdpStreamMapper.toStream(SessionDescription.parse(capture(capture)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void roundTripsThroughFromStream(String capture, StreamDesc desc) throws SdpException {
        SessionDescription sdp = SdpStreamMapper.fromStream(desc, "live/x", "127.0.0.1", i -> "trackID=" + i);
        String text = sdp.format();
        StreamDesc back = SdpStreamMapper.toStream(SessionDescription.parse(text));
        List<MediaDesc> expected = new ArrayList<>();
        for (int i = 0; i < desc.medias().size(); i++) {
            MediaDesc m = desc.medias().get(i);
            expected.add(new MediaDesc(m.type(), "trackID=" + i, m.formats()));
        }
        assertThat(back).isEqualTo(new StreamDesc(expected));
        for (MediaDesc m : desc.medias()) {
            for (Format f : m.formats()) {
                if (!f.fmtp().isEmpty()) {
                    // passthrough: the publisher's fmtp text, unchanged
                    assertThat(text).contains("a=fmtp:" + f.payloadType() + " " + f.fmtp() + "\r\n");
                }
            }
        }
        // deterministic output: same description, same text
        assertThat(SdpStreamMapper.fromStream(desc, "live/x", "127.0.0.1", i -> "trackID=" + i).format()).isEqualTo(text);
    }

    @Test
    void generatesDescribeAnswer() {
        StreamDesc d = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "streamid=0",
                List.of(new Format(96, Codec.H264, "H264", 90000, 0, FFMPEG_H264_FMTP)))));
        String text = SdpStreamMapper.fromStream(d, "live/x", "10.0.0.1", i -> "trackID=" + i).format();
        assertThat(text).startsWith("v=0\r\no=- ").contains(" 1 IN IP4 10.0.0.1\r\ns=live/x\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
                + "a=tool:Sluice\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\n"
                + "a=rtpmap:96 H264/90000\r\na=fmtp:96 " + FFMPEG_H264_FMTP + "\r\n");
    }

    static Stream<Arguments> staticTypes() {
        return Stream.of(
                Arguments.of("audio", 0, Codec.G711_PCMU, "PCMU", 8000, 1),
                Arguments.of("audio", 8, Codec.G711_PCMA, "PCMA", 8000, 1),
                Arguments.of("audio", 9, Codec.G722, "G722", 8000, 1),
                Arguments.of("audio", 14, Codec.MPEG1_AUDIO, "MPA", 90000, 0),
                Arguments.of("video", 26, Codec.OTHER, "JPEG", 90000, 0),
                Arguments.of("video", 33, Codec.OTHER, "MP2T", 90000, 0));
    }

    @ParameterizedTest
    @MethodSource("staticTypes")
    void mapsStaticPayloadTypesWithoutRtpmap(String media, int pt, Codec codec, String name, int clock, int channels)
            throws SdpException {
        StreamDesc d = SdpStreamMapper.toStream(SessionDescription.parse(
                "v=0\r\nm=" + media + " 0 RTP/AVP " + pt + "\r\n"));
        assertThat(d.medias().getFirst().format()).isEqualTo(new Format(pt, codec, name, clock, channels, ""));
    }

    static Stream<Arguments> encodingNames() {
        return Stream.of(
                Arguments.of("video", "H264/90000", "", Codec.H264),
                Arguments.of("video", "h264/90000", "", Codec.H264),
                Arguments.of("video", "HEVC/90000", "", Codec.H265),
                Arguments.of("video", "H265/90000", "", Codec.H265),
                Arguments.of("video", "AV1/90000", "", Codec.AV1),
                Arguments.of("video", "VP8/90000", "", Codec.VP8),
                Arguments.of("video", "vp9/90000", "", Codec.VP9),
                Arguments.of("video", "MP4V-ES/90000", "profile-level-id=1", Codec.MPEG4_VIDEO),
                Arguments.of("audio", "mpeg4-generic/48000/2", "mode=AAC-hbr;config=1190", Codec.MPEG4_AUDIO),
                Arguments.of("audio", "MPEG4-GENERIC/16000", "mode=aac-lbr", Codec.MPEG4_AUDIO),
                Arguments.of("audio", "MPEG4-GENERIC/16000", "mode=CELP-cbr", Codec.OTHER),
                Arguments.of("video", "MPEG4-GENERIC/90000", "mode=AAC-hbr", Codec.OTHER),
                Arguments.of("audio", "MP4A-LATM/44100/2", "cpresent=0", Codec.MPEG4_AUDIO_LATM),
                Arguments.of("audio", "opus/48000/2", "", Codec.OPUS),
                Arguments.of("audio", "pcmu/8000", "", Codec.G711_PCMU),
                Arguments.of("audio", "L16/44100/2", "", Codec.OTHER));
    }

    @ParameterizedTest
    @MethodSource("encodingNames")
    void mapsEncodingNames(String media, String rtpmap, String fmtp, Codec codec) throws SdpException {
        String sdp = "v=0\nm=" + media + " 0 RTP/AVP 97\na=rtpmap:97 " + rtpmap + "\n"
                + (fmtp.isEmpty() ? "" : "a=fmtp:97 " + fmtp + "\n");
        Format f = SdpStreamMapper.toStream(SessionDescription.parse(sdp)).medias().getFirst().format();
        assertThat(f.codec()).isEqualTo(codec);
        assertThat(f.fmtp()).isEqualTo(fmtp);
    }

    static Stream<Arguments> badCases() {
        return Stream.of(
                Arguments.of("v=0\r\nm=video 0 RTP/AVP 96\r\n", "payload type 96 has no a=rtpmap"),
                Arguments.of("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264\r\n", "invalid rtpmap \"96 H264\""),
                Arguments.of("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/abc\r\n", "invalid rtpmap"),
                Arguments.of("v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n",
                        "media 0 (m=application 9 UDP/DTLS/SCTP webrtc-datachannel) has no usable"),
                Arguments.of("v=0\r\nm=video 0 RTP/AVP\r\n", "has no usable"),
                Arguments.of("v=0\r\ns=-\r\n", "no media"));
    }

    @ParameterizedTest
    @MethodSource("badCases")
    void rejectsUnusableMedia(String sdp, String message) {
        assertThatThrownBy(() -> SdpStreamMapper.toStream(SessionDescription.parse(sdp)))
                .isInstanceOf(SdpException.class).hasMessageContaining(message);
    }
}
