package io.sluice.protocol.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.sdp.SdpException;
import io.sluice.stream.Codec;
import io.sluice.stream.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebrtcSessionTest {

    static String capture(String name) {
        try (InputStream in = WebrtcSessionTest.class.getResourceAsStream("/captures/webrtc/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("missing capture " + name, e);
        }
    }

    static Stream<String> captures() {
        return Stream.of("webrtcbin-publish-h264-opus.sdp", "chromium-publish-h264.sdp", "chromium-publish-any.sdp",
                "chromium-whep-recvonly.sdp", "chrome-desktop-whep-recvonly.sdp", "firefox-publish-opus-vp8-h264.sdp",
                "obs30-publish-opus-h264.sdp", "mediamtx-answer-forward-h264-opus.sdp",
                "webrtcbin-whep-answer-h264-opus.sdp", "webrtcbin-whep-answer-vp8-opus.sdp");
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyCaptureParsesWithTransportOnEverySection(String name) throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture(name));
        assertThat(s.medias()).hasSize(2);
        assertThat(s.bundleMids()).hasSize(2);
        assertThat(s.iceLite()).isFalse();
        for (WebrtcMedia m : s.medias()) {
            assertThat(m.rejected()).as(m.mid()).isFalse();
            assertThat(m.ice()).isEqualTo(s.ice());
            assertThat(m.fingerprint()).isEqualTo(s.fingerprint());
            assertThat(m.fingerprint().algorithm()).isEqualTo("sha-256");
            assertThat(m.rtcpMux()).isTrue();
            assertThat(m.codecs()).isNotEmpty();
        }
    }

    @Test
    void webrtcbinBundleOnlyAudioSharesTheVideoTransport() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("webrtcbin-publish-h264-opus.sdp"));
        assertThat(s.bundleMids()).containsExactly("video0", "audio1");
        WebrtcMedia video = s.medias().get(0);
        WebrtcMedia audio = s.medias().get(1);
        assertThat(video.type()).isEqualTo(MediaType.VIDEO);
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.codecs()).extracting(RtpCodec::payloadType, RtpCodec::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(96, "H264"));
        RtpCodec h264 = video.codecs().getFirst();
        assertThat(h264.fmtp()).contains("packetization-mode=1", "profile-level-id=42c01e");
        assertThat(h264.rtcpFb()).containsExactly("nack pli", "ccm fir", "transport-cc");
        assertThat(h264.hasFeedback("nack")).isFalse();
        assertThat(h264.hasFeedback("nack pli")).isTrue();
        assertThat(video.ssrcs()).containsExactly(4081531745L);
        assertThat(video.cname()).isEqualTo("user2567011035@host-6ceee69");
        assertThat(video.candidates()).hasSize(3);
        // port 0 + a=bundle-only means "on the BUNDLE transport", not rejected (RFC 8843 §6)
        assertThat(audio.port()).isEqualTo(video.port());
        assertThat(audio.rejected()).isFalse();
        assertThat(audio.codecs().getFirst().codec()).isEqualTo(Codec.OPUS);
        assertThat(audio.codecs().getFirst().channels()).isEqualTo(2);
        assertThat(s.ice()).isEqualTo(new IceParams("c8NT8C2KFu+YmvXICJ750e7nj4GOE38H",
                "0P44IkmcwqXwAb5IqPje9PLRY+dODbGS"));
        assertThat(s.setup()).isEqualTo(DtlsSetup.ACTPASS);
        assertThat(s.fingerprint().value()).startsWith("65:61:08:2E");
        assertThat(s.candidates()).containsExactly(
                new IceCandidate("1", 1, "UDP", 2015364095L, "127.0.0.1", 37859, "host", null),
                new IceCandidate("2", 1, "TCP", 1015022591L, "127.0.0.1", 9, "host", "active"),
                new IceCandidate("3", 1, "TCP", 1010828287L, "127.0.0.1", 38545, "host", "passive"));
    }

    @Test
    void chromiumAnyCodecOfferFoldsRtxAndFid() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("chromium-publish-any.sdp"));
        assertThat(s.bundleMids()).containsExactly("0", "1");
        WebrtcMedia audio = s.medias().get(0);
        assertThat(audio.codecs()).extracting(RtpCodec::payloadType).containsExactly(111, 63, 9, 0, 8, 13, 110, 126);
        assertThat(audio.codecs()).extracting(RtpCodec::codec).startsWith(Codec.OPUS, Codec.OTHER, Codec.G722,
                Codec.G711_PCMU, Codec.G711_PCMA);
        assertThat(audio.extmapId(Extmap.SDES_MID)).isEqualTo(4);
        WebrtcMedia video = s.medias().get(1);
        assertThat(video.codecs()).extracting(RtpCodec::payloadType)
                .containsExactly(96, 102, 104, 108, 114, 116, 39, 45, 98, 100, 118, 120);
        assertThat(video.codec(96).rtxPayloadType()).isEqualTo(97);
        assertThat(video.codec(108).rtxPayloadType()).isEqualTo(109);
        assertThat(video.codec(39).rtxPayloadType()).isEqualTo(40);
        assertThat(video.codec(118).rtxPayloadType()).isEqualTo(119);
        assertThat(video.codec(120).rtxPayloadType()).isEqualTo(-1);
        assertThat(video.codec(45).codec()).isEqualTo(Codec.AV1);
        assertThat(video.codec(100).fmtp()).isEqualTo("profile-id=2");
        assertThat(video.ssrcs()).containsExactly(1909759892L);
        assertThat(video.rtxSsrcs()).isEqualTo(Map.of(1909759892L, 2330126396L));
        assertThat(video.cname()).isEqualTo("O63l2SBUoAusQjOe");
        assertThat(video.extmaps()).hasSize(11);
        assertThat(s.candidates()).isEmpty();
    }

    @Test
    void chromiumWhepOfferIsRecvonlyWithoutSsrcs() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("chromium-whep-recvonly.sdp"));
        assertThat(s.medias()).extracting(WebrtcMedia::type).containsExactly(MediaType.VIDEO, MediaType.AUDIO);
        assertThat(s.medias()).extracting(WebrtcMedia::direction).containsOnly(Direction.RECVONLY);
        assertThat(s.medias()).allSatisfy(m -> assertThat(m.ssrcs()).isEmpty());
        // Chromium repeats its candidates in no section but the first; extension fields are dropped
        assertThat(s.candidates()).containsExactly(
                new IceCandidate("2037151141", 1, "udp", 2113937151L, "192.0.2.2", 39293, "host", null),
                new IceCandidate("2115901717", 1, "udp", 2113942271L, "fd00::2", 34110, "host", null));
    }

    @Test
    void firefoxSessionLevelFingerprintAndDirectionalExtmap() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("firefox-publish-opus-vp8-h264.sdp"));
        WebrtcMedia audio = s.medias().get(0);
        assertThat(audio.direction()).isEqualTo(Direction.SENDONLY); // media level overrides session sendrecv
        assertThat(audio.extmaps()).contains(new Extmap(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level"));
        assertThat(audio.codec(9).channels()).isEqualTo(1);
        WebrtcMedia video = s.medias().get(1);
        assertThat(video.codecs()).extracting(RtpCodec::payloadType).containsExactly(120, 121, 126, 97, 123, 122);
        assertThat(video.codec(126).rtxPayloadType()).isEqualTo(127);
        assertThat(video.codec(123).rtxPayloadType()).isEqualTo(119);
        assertThat(video.rtxSsrcs()).containsEntry(2869113462L, 3742981087L);
        assertThat(video.ssrcs()).containsExactly(2869113462L);
        assertThat(s.candidates()).hasSize(3);
        assertThat(s.candidates().get(2).type()).isEqualTo("srflx");
    }

    @Test
    void obsSessionLevelFingerprintAndSharedCandidates() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("obs30-publish-opus-h264.sdp"));
        assertThat(s.medias()).extracting(WebrtcMedia::mid).containsExactly("0", "1");
        assertThat(s.medias().get(1).candidates()).isEmpty();
        assertThat(s.candidates()).hasSize(2);
        assertThat(s.ice().ufrag()).isEqualTo("qR7v");
    }

    @Test
    void mediamtxAnswerIsActiveRecvonly() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(capture("mediamtx-answer-forward-h264-opus.sdp"));
        assertThat(s.setup()).isEqualTo(DtlsSetup.ACTIVE);
        assertThat(s.medias()).extracting(WebrtcMedia::direction).containsOnly(Direction.RECVONLY);
        assertThat(s.candidates()).extracting(IceCandidate::component).containsExactly(1, 2);
    }

    @Test
    void candidateRoundTripAndPrefixes() throws SdpException {
        IceCandidate c = IceCandidate.parse("candidate:842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx "
                + "raddr 0.0.0.0 rport 0 generation 0 ufrag EsAw network-cost 999");
        assertThat(c).isEqualTo(new IceCandidate("842163049", 1, "udp", 1677729535L, "203.0.113.9", 46154, "srflx",
                null));
        assertThat(c.sdp()).isEqualTo("842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 0.0.0.0 rport 0");
        assertThat(IceCandidate.parse("a=candidate:" + c.sdp())).isEqualTo(c);
        IceCandidate tcp = IceCandidate.parse("2 1 TCP 1015022591 127.0.0.1 9 typ host tcptype active");
        assertThat(IceCandidate.parse(tcp.sdp())).isEqualTo(tcp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1 1 udp 2 127.0.0.1 5000 host", "1 1 sctp 2 127.0.0.1 5000 typ host",
            "1 1 udp x 127.0.0.1 5000 typ host", "1 1 udp 2 127.0.0.1 70000 typ host", "1 0 udp 2 ::1 1 typ host",
            "1 1 udp 2 127.0.0.1 5000 typ lan", "1 1 udp 2 127.0.0.1 5000 typ host generation"})
    void malformedCandidatesAreRejected(String value) {
        assertThatThrownBy(() -> IceCandidate.parse(value)).isInstanceOf(SdpException.class)
                .hasMessageStartingWith("malformed candidate \"" + value + "\"");
    }

    @Test
    void fingerprintAndSetup() throws SdpException {
        DtlsFingerprint f = DtlsFingerprint.parse("SHA-256 ab:0c");
        assertThat(f.sdp()).isEqualTo("sha-256 AB:0C");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256 AB:XY")).hasMessageContaining("\"XY\" is not a hex byte");
        assertThatThrownBy(() -> DtlsFingerprint.parse("sha-256")).hasMessageContaining("expected <hash-func>");
        assertThat(DtlsSetup.parse("ActPass")).isEqualTo(DtlsSetup.ACTPASS);
        assertThatThrownBy(() -> DtlsSetup.parse("holdconn")).hasMessageContaining("unknown a=setup value \"holdconn\"");
        assertThat(DtlsSetup.PASSIVE.answering(DtlsSetup.PASSIVE)).isEqualTo(DtlsSetup.ACTIVE);
        assertThat(DtlsSetup.ACTPASS.answering(DtlsSetup.ACTPASS)).isEqualTo(DtlsSetup.PASSIVE);
        assertThat(DtlsSetup.ACTIVE.answering(DtlsSetup.ACTPASS)).isEqualTo(DtlsSetup.ACTIVE);
    }

    @Test
    void dataChannelOnlySessionHasNoCodecs() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(sdp("m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
                "a=mid:0", "a=sctp-port:5000"));
        assertThat(s.medias().getFirst().type()).isEqualTo(MediaType.APPLICATION);
        assertThat(s.medias().getFirst().codecs()).isEmpty();
    }

    static String sdp(String... mediaLines) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "a=group:BUNDLE 0\r\na=ice-ufrag:u\r\na=ice-pwd:pppppppppppppppppppppp\r\n"
                + "a=fingerprint:sha-256 AB:CD\r\n");
        for (String l : mediaLines) {
            sb.append(l).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void errorsNameTheBadValue() {
        assertThatThrownBy(() -> WebrtcSession.parse("hello")).isInstanceOf(SdpException.class)
                .hasMessageContaining("expected <letter>=<value>");
        assertThatThrownBy(() -> WebrtcSession.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"))
                .hasMessage("SDP has no media (m=) section");
        String noFp = capture("chromium-publish-h264.sdp").replaceAll("a=fingerprint:[^\r]*\r\n", "");
        assertThatThrownBy(() -> WebrtcSession.parse(noFp))
                .hasMessageStartingWith("media 0 (m=audio, mid 0): missing a=fingerprint");
        String noPwd = capture("obs30-publish-opus-h264.sdp").replaceAll("a=ice-pwd:[^\r]*\r\n", "");
        assertThatThrownBy(() -> WebrtcSession.parse(noPwd)).hasMessageContaining("missing a=ice-pwd");
        assertThatThrownBy(() -> WebrtcSession.parse(sdp("m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0",
                "a=setup:sometimes", "a=rtpmap:96 VP8/90000")))
                .hasMessageContaining("unknown a=setup value \"sometimes\"");
        assertThatThrownBy(() -> WebrtcSession.parse(sdp("m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0",
                "a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000")))
                .hasMessageContaining("a=rtpmap:97 rtx/90000 is for payload type 97, which is not on the m= line (96)");
        assertThatThrownBy(() -> WebrtcSession.parse(sdp("m=video 9 UDP/TLS/RTP/SAVPF vp8", "a=mid:0")))
                .hasMessageContaining("non-numeric payload type \"vp8\"");
        assertThatThrownBy(() -> WebrtcSession.parse(sdp("m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0",
                "a=rtpmap:96 VP8/90000", "a=candidate:1 1 udp 1 127.0.0.1 9 typ")))
                .hasMessageContaining("media 0 (m=video, mid 0): malformed candidate");
        assertThatThrownBy(() -> WebrtcSession.parse(sdp("m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:0")))
                .hasMessageContaining("payload type 96 has no a=rtpmap");
    }

    @Test
    void unknownAttributesAreIgnored() throws SdpException {
        WebrtcSession s = WebrtcSession.parse(sdp("m=audio 9 UDP/TLS/RTP/SAVPF 0", "a=mid:0", "a=x-whatever:1 2",
                "a=rtcp-mux", "a=framerate:30"));
        assertThat(s.medias().getFirst().codecs()).extracting(RtpCodec::name).isEqualTo(List.of("PCMU"));
    }
}
