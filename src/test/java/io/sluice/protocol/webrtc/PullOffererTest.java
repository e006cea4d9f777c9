package io.sluice.protocol.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.sdp.SdpException;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WHEP pull offer, and real WHEP servers' answers to it. */
class PullOffererTest {

    private static PullOffer offer() {
        return WebrtcNegotiator.offerPull(WebrtcNegotiatorTest.LOCAL_OFFERER);
    }

    private static PullIngest accept(String answerSdp) throws Exception {
        return WebrtcNegotiator.acceptPull(offer(), WebrtcSession.parse(answerSdp));
    }

    @Test
    void offerReceivesVideoAndAudioWithEveryCarriedCodecOnOneBundle() throws SdpException {
        PullOffer o = offer();
        WebrtcSession s = WebrtcSession.parse(o.sdp());
        assertThat(s.bundleMids()).containsExactly("0", "1");
        assertThat(s.medias()).hasSize(2);
        WebrtcMedia video = s.medias().get(0);
        WebrtcMedia audio = s.medias().get(1);
        assertThat(video.type()).isEqualTo(MediaType.VIDEO);
        assertThat(audio.type()).isEqualTo(MediaType.AUDIO);
        for (WebrtcMedia m : s.medias()) {
            assertThat(m.direction()).as(m.mid()).isEqualTo(Direction.RECVONLY);
            assertThat(m.rtcpMux()).isTrue();
            assertThat(m.setup()).isEqualTo(DtlsSetup.ACTPASS);
            assertThat(m.ssrcs()).as("a receiver announces no SSRC").isEmpty();
            assertThat(m.candidates()).isEqualTo(WebrtcNegotiatorTest.LOCAL_OFFERER.candidates());
        }
        assertThat(video.codecs()).extracting(RtpCodec::codec)
                .containsExactly(Codec.H264, Codec.H264, Codec.H264, Codec.VP8, Codec.VP9, Codec.AV1, Codec.H265);
        assertThat(video.codecs()).extracting(c -> c.fmtpParam("profile-level-id"))
                .startsWith("42e01f", "4d001f", "64001f");
        for (RtpCodec c : video.codecs()) {
            assertThat(c.rtxPayloadType()).as(c.rtpmap() + " has RTX").isGreaterThanOrEqualTo(0);
            assertThat(c.rtcpFb()).containsExactly("nack", "nack pli", "ccm fir");
            if (c.codec() == Codec.H264) {
                assertThat(c.fmtpParam("packetization-mode")).isEqualTo("1");
            }
        }
        assertThat(audio.codecs()).extracting(RtpCodec::codec)
                .containsExactly(Codec.OPUS, Codec.G722, Codec.G711_PCMU, Codec.G711_PCMA);
        // only feedback Sluice sends: no congestion control it would never answer
        assertThat(o.sdp()).doesNotContain("transport-cc", "goog-remb", "a=extmap", "a=ssrc", "a=msid:");
    }

    @Test
    void webrtcbinAnswerGivesH264AndOpus() throws Exception {
        PullIngest in = accept(WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp"));
        assertThat(in.skipped()).isEmpty();
        assertThat(in.desc().medias()).hasSize(2);
        Format v = in.desc().medias().get(0).format();
        Format a = in.desc().medias().get(1).format();
        assertThat(v.codec()).isEqualTo(Codec.H264);
        assertThat(v.payloadType()).isEqualTo(96);
        assertThat(v.fmtpParam("packetization-mode")).isEqualTo("1");
        assertThat(a.codec()).isEqualTo(Codec.OPUS);
        assertThat(a.clockRate()).isEqualTo(48000);
        assertThat(a.channels()).isEqualTo(2);
        assertThat(in.desc().medias()).extracting(m -> m.control()).containsExactly("0", "1");
        IngestTrack vt = in.tracks().get(0);
        assertThat(vt.media()).isEqualTo(0);
        assertThat(vt.payloadType()).isEqualTo(96);
        assertThat(vt.ssrc()).as("webrtcbin announces no SSRC: demux by payload type").isEqualTo(-1);
        assertThat(vt.rtxPayloadType()).as("webrtcbin answered no RTX").isEqualTo(-1);
        assertThat(vt.nack()).as("answered nack pli, not nack").isFalse();
        assertThat(vt.pli()).isTrue();
        assertThat(vt.fir()).isTrue();
        IngestTrack at = in.tracks().get(1);
        assertThat(at.media()).isEqualTo(1);
        assertThat(at.payloadType()).isEqualTo(111);
        assertThat(at.pli()).isFalse();
    }

    @Test
    void webrtcbinVp8Answer() throws Exception {
        PullIngest in = accept(WebrtcSessionTest.capture("webrtcbin-whep-answer-vp8-opus.sdp"));
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.VP8, Codec.OPUS);
        assertThat(in.tracks().get(0).payloadType()).isEqualTo(102);
    }

    /** A pion-style answer (mediamtx): SSRCs with an RTX FID group, H264 High, nack. */
    @Test
    void answeredRtxAndSsrcsAreKept() throws Exception {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 9 UDP/TLS/RTP/SAVPF 100 101")
                .replace("a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
                                + "a=fmtp:96 packetization-mode=1;level-asymmetry-allowed=1\r\n",
                        "a=rtpmap:100 H264/90000\r\na=rtcp-fb:100 nack\r\na=rtcp-fb:100 nack pli\r\n"
                                + "a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640028\r\n"
                                + "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n"
                                + "a=ssrc-group:FID 1111 2222\r\na=ssrc:1111 cname:pion\r\na=ssrc:2222 cname:pion\r\n");
        assertThat(sdp).contains("apt=100");
        PullIngest in = accept(sdp);
        IngestTrack vt = in.tracks().get(0);
        assertThat(vt.payloadType()).isEqualTo(100);
        assertThat(vt.ssrc()).isEqualTo(1111);
        assertThat(vt.rtxPayloadType()).isEqualTo(101);
        assertThat(vt.rtxSsrc()).isEqualTo(2222);
        assertThat(vt.nack()).isTrue();
        assertThat(in.desc().medias().get(0).format().fmtpParam("profile-level-id")).isEqualTo("640028");
    }

    @Test
    void rejectedAudioIsSkippedAndVideoKept() throws Exception {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 0 UDP/TLS/RTP/SAVPF 111");
        PullIngest in = accept(sdp);
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264);
        assertThat(in.skipped()).containsExactly("mid 1 audio: rejected by the remote");
    }

    @Test
    void inactiveVideoIsSkipped() throws Exception {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replaceFirst("a=sendonly", "a=inactive");
        PullIngest in = accept(sdp);
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.OPUS);
        assertThat(in.tracks().getFirst().media()).isZero();
        assertThat(in.tracks().getFirst().mid()).isEqualTo("1");
        assertThat(in.skipped()).containsExactly("mid 0 video: the remote does not send in it (inactive)");
    }

    @Test
    void nothingSentIsNoMedia() {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp").replace("a=sendonly", "a=inactive");
        assertThatThrownBy(() -> accept(sdp)).isInstanceOf(WebrtcNegotiationException.class)
                .hasMessageContaining("the remote sends nothing")
                .satisfies(e -> assertThat(((WebrtcNegotiationException) e).reason())
                        .isEqualTo(WebrtcNegotiationException.Reason.NO_MEDIA));
    }

    @Test
    void payloadTypeNotOfferedIsBadSdp() {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("SAVPF 96", "SAVPF 120").replace(":96 ", ":120 ");
        assertThatThrownBy(() -> accept(sdp)).isInstanceOf(WebrtcNegotiationException.class)
                .hasMessageContaining("payload type 120 H264/90000, which the offer did not have");
    }

    @Test
    void codecRenamedOnAnOfferedPayloadTypeIsBadSdp() {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("a=rtpmap:96 H264/90000", "a=rtpmap:96 VP8/90000");
        assertThatThrownBy(() -> accept(sdp)).hasMessageContaining("payload type 96 VP8/90000");
    }

    @Test
    void reorderedMidsAreBadSdp() {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("a=mid:0", "a=mid:X").replace("a=mid:1", "a=mid:0").replace("a=mid:X", "a=mid:1")
                .replace("BUNDLE 0 1", "BUNDLE 1 0");
        assertThatThrownBy(() -> accept(sdp)).hasMessageContaining("has mid \"1\" where the offer has mid \"0\"");
    }

    @Test
    void actpassAnswerIsBadSdp() {
        String sdp = WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp")
                .replace("a=setup:active", "a=setup:actpass");
        assertThatThrownBy(() -> accept(sdp)).hasMessageContaining("actpass");
    }

    @Test
    void offerForOneSectionAnswerForTwoIsBadSdp() throws Exception {
        PullOffer one = new PullOffer(offer().sdp(), List.of(offer().sections().getFirst()));
        WebrtcSession answer = WebrtcSession.parse(WebrtcSessionTest.capture("webrtcbin-whep-answer-h264-opus.sdp"));
        assertThatThrownBy(() -> WebrtcNegotiator.acceptPull(one, answer))
                .hasMessageContaining("the answer has 2 m= sections, the offer had 1");
    }
}
