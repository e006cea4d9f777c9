package io.sluice.protocol.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionDescriptionTest {

    static String capture(String name) {
        try (InputStream in = SessionDescriptionTest.class.getResourceAsStream("/captures/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing capture " + name, e);
        }
    }

    /** name, SDP text, whether format() must reproduce the text byte for byte, media count. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ffmpeg51 h264+aac", capture("ffmpeg51-announce-h264-aac.sdp"), true, 2),
                Arguments.of("ffmpeg51 h265+opus", capture("ffmpeg51-announce-h265-opus.sdp"), true, 2),
                Arguments.of("gstreamer122 rtspclientsink", capture("gstreamer122-rtspclientsink-announce-h264-opus.sdp"), true, 2),
                Arguments.of("gstreamer122 rtspserver", capture("gstreamer122-rtspserver-describe-h264-aac.sdp"), true, 2),
                Arguments.of("hand-written Hikvision-style", capture("handwritten-hikvision-style-h264-pcma-metadata.sdp"), true, 3),
                Arguments.of("LF-only line endings", capture("ffmpeg51-announce-h264-aac.sdp").replace("\r\n", "\n"), false, 2),
                Arguments.of("trailing spaces and empty lines",
                        "v=0 \r\no=- 0 0 IN IP4 1.2.3.4\r\n\r\ns=x  \r\nt=0 0\r\nm=video 0 RTP/AVP 96  \r\n\r\na=rtpmap:96 H264/90000 \r\n", false, 1),
                Arguments.of("missing s= and t= (cheap IP cameras)",
                        "v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\nm=audio 0 RTP/AVP 0\r\na=control:trackID=1\r\n", false, 1),
                Arguments.of("webrtc datachannel and port count",
                        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9/2 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\n", true, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesAndFormats(String name, String text, boolean exact, int medias) throws SdpException {
        SessionDescription sdp = SessionDescription.parse(text);
        assertThat(sdp.medias()).hasSize(medias);
        String formatted = sdp.format();
        if (exact) {
            assertThat(formatted).isEqualTo(text);
        }
        assertThat(formatted).doesNotContain("\n\n").endsWith("\r\n").contains("s=").contains("t=");
        SessionDescription again = SessionDescription.parse(formatted);
        assertThat(again.medias()).isEqualTo(sdp.medias());
        assertThat(again.attributes()).isEqualTo(sdp.attributes());
        assertThat(again.format()).isEqualTo(formatted);
    }

    @Test
    void keepsLinesAndAttributesInOrder() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(capture("gstreamer122-rtspserver-describe-h264-aac.sdp"));
        assertThat(sdp.origin()).isEqualTo("- 8198951853647043984 1 IN IP4 127.0.0.1");
        assertThat(sdp.sessionName()).isEqualTo("Session streamed with GStreamer");
        assertThat(sdp.information()).isEqualTo("rtsp-server");
        assertThat(sdp.control()).isEqualTo("*");
        MediaDescription v = sdp.medias().get(0);
        assertThat(v.media()).isEqualTo("video");
        assertThat(v.proto()).isEqualTo("RTP/AVP");
        assertThat(v.payloadTypes()).containsExactly(96);
        assertThat(v.connection()).isEqualTo("IN IP4 0.0.0.0");
        assertThat(v.bandwidths()).containsExactly("AS:1024");
        assertThat(v.control()).isEqualTo("stream=0");
        assertThat(v.attributes()).extracting(SdpAttribute::name)
                .containsExactly("rtpmap", "framerate", "fmtp", "control", "ts-refclk", "mediaclk", "ssrc");
    }

    @Test
    void keepsAbsoluteControlsAndFlags() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(capture("handwritten-hikvision-style-h264-pcma-metadata.sdp"));
        assertThat(sdp.otherLines()).containsExactly("e=NONE");
        assertThat(sdp.medias().get(0).control())
                .isEqualTo("rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast");
        assertThat(sdp.medias().get(0).attributes()).contains(SdpAttribute.flag("recvonly"));
    }

    @Test
    void keepsNonNumericFormats() throws SdpException {
        SessionDescription sdp = SessionDescription.parse(
                "v=0\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assertThat(sdp.medias().getFirst().formats()).containsExactly("webrtc-datachannel");
        assertThat(sdp.medias().getFirst().payloadTypes()).isEmpty();
    }

    static Stream<Arguments> badCases() {
        return Stream.of(
                Arguments.of("v=0\r\ns=x\r\ngarbage\r\n", 3, "garbage"),
                Arguments.of("o=- 0 0 IN IP4 1.2.3.4\r\nv=0\r\n", 1, "expected v=0"),
                Arguments.of("v=zero\r\n", 1, "invalid version"),
                Arguments.of("v=0\r\nm=video abc RTP/AVP 96\r\n", 2, "invalid port \"abc\""),
                Arguments.of("v=0\r\nm=video 0\r\n", 2, "expected m="),
                Arguments.of("v=0\r\nV=0\r\n", 2, "V=0"),
                Arguments.of("\r\n\r\n", 0, "no v= line"));
    }

    @ParameterizedTest
    @MethodSource("badCases")
    void rejectsMalformedLinesNamingThem(String text, int line, String message) {
        assertThatThrownBy(() -> SessionDescription.parse(text))
                .isInstanceOfSatisfying(SdpException.class, e -> assertThat(e.lineNumber()).isEqualTo(line))
                .hasMessageContaining(message);
    }

    @Test
    void formatsMissingMandatoryLines() throws SdpException {
        SessionDescription sdp = SessionDescription.parse("v=0\nm=audio 0 RTP/AVP 0\n");
        assertThat(sdp.format()).isEqualTo("v=0\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n");
        assertThat(List.of(sdp.sessionName() == null, sdp.times().isEmpty())).containsOnly(true);
    }
}
