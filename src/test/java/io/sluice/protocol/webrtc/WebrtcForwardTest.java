package io.sluice.protocol.webrtc;

import static io.sluice.protocol.webrtc.WebrtcNegotiatorTest.LOCAL_OFFERER;
import static io.sluice.protocol.webrtc.WebrtcNegotiatorTest.RTSP_H264_AAC;
import static io.sluice.protocol.webrtc.WebrtcNegotiatorTest.reparse;
import static io.sluice.protocol.webrtc.WebrtcSessionTest.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebrtcForwardTest {
    static final Format H264 = new Format(96, Codec.H264, "H264", 90000, 0,
            "packetization-mode=1; sprop-parameter-sets=Z0LAHtkDxWhAAAADAEAAAA8jxYuS,aMuMsg==; profile-level-id=42C01E");
    static final Format OPUS = new Format(111, Codec.OPUS, "opus", 48000, 2, "sprop-stereo=1");
    static final StreamDesc H264_OPUS = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "v", List.of(H264)),
            new MediaDesc(MediaType.AUDIO, "a", List.of(OPUS))));

    @Test
    void offerHasExactlyTheStreamCodecs() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(H264_OPUS, LOCAL_OFFERER);
        assertThat(offer.skipped()).isEmpty();
        assertThat(offer.tracks()).extracting(EgressTrack::mid, EgressTrack::payloadType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0", 96), org.assertj.core.groups.Tuple.tuple("1", 111));
        WebrtcSession s = reparse(offer.sdp());
        assertThat(s.bundleMids()).containsExactly("0", "1");
        assertThat(s.setup()).isEqualTo(DtlsSetup.ACTPASS);
        assertThat(s.medias()).extracting(WebrtcMedia::direction).containsOnly(Direction.SENDONLY);
        RtpCodec video = s.medias().get(0).codecs().getFirst();
        assertThat(video.rtpmap()).isEqualTo("H264/90000");
        assertThat(video.fmtp()).isEqualTo("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c01e");
        // transport-cc and REMB so the remote reports on the link (the target's link stats)
        assertThat(video.rtcpFb()).containsExactly("nack", "nack pli", "ccm fir", "transport-cc", "goog-remb");
        RtpCodec audio = s.medias().get(1).codecs().getFirst();
        assertThat(audio.rtpmap()).isEqualTo("opus/48000/2");
        assertThat(audio.fmtp()).isEqualTo("minptime=10;useinbandfec=1;sprop-stereo=1");
        assertThat(audio.rtcpFb()).containsExactly("transport-cc");
        for (int i = 0; i < 2; i++) {
            assertThat(s.medias().get(i).extmapId(Extmap.TRANSPORT_WIDE_CC)).isEqualTo(ForwardOfferer.TRANSPORT_CC_EXT_ID);
            assertThat(s.medias().get(i).ssrcs()).containsExactly(offer.tracks().get(i).ssrc());
        }
        assertThat(offer.sdp()).doesNotContain("sprop-parameter-sets");
    }

    @Test
    void payloadTypesAreReallocatedWhenNotDynamicOrTaken() throws Exception {
        StreamDesc stream = new StreamDesc(List.of(
                new MediaDesc(MediaType.VIDEO, "", List.of(new Format(35, Codec.VP9, "VP9", 90000, 0, "profile-id=2"))),
                new MediaDesc(MediaType.VIDEO, "", List.of(new Format(96, Codec.H264, "H264", 90000, 0,
                        "sprop-parameter-sets=Z01AH+2AUAW7ARAAAAMAEAAAAwPI8YMZoA==,aO88gA=="))),
                new MediaDesc(MediaType.VIDEO, "", List.of(new Format(96, Codec.AV1, "AV1", 90000, 0, ""))),
                new MediaDesc(MediaType.AUDIO, "", List.of(new Format(97, Codec.G711_PCMA, "PCMA", 8000, 1, ""))),
                new MediaDesc(MediaType.AUDIO, "", List.of(new Format(14, Codec.MPEG1_AUDIO, "MPA", 90000, 0, ""))),
                new MediaDesc(MediaType.VIDEO, "", List.of(new Format(98, Codec.H264, "H264", 90000, 0, "")))));
        Offer offer = WebrtcNegotiator.offerForward(stream, LOCAL_OFFERER);
        assertThat(offer.tracks()).extracting(EgressTrack::payloadType).containsExactly(96, 97, 98, 8, 99);
        assertThat(offer.tracks()).extracting(EgressTrack::streamMedia).containsExactly(0, 1, 2, 3, 5);
        assertThat(offer.skipped()).containsExactly(new SkippedMedia(4, "MPEG-1 audio",
                "MPEG-1 audio cannot be carried by WebRTC"));
        WebrtcSession s = reparse(offer.sdp());
        assertThat(s.medias().get(0).codecs().getFirst().fmtp()).isEqualTo("profile-id=2");
        // profile from the SPS, default 42e01f without any
        assertThat(s.medias().get(1).codecs().getFirst().fmtp()).endsWith("profile-level-id=4d401f");
        assertThat(s.medias().get(4).codecs().getFirst().fmtp()).endsWith("profile-level-id=42e01f");
        assertThat(s.medias().get(3).codecs().getFirst().rtpmap()).isEqualTo("PCMA/8000");
        assertThat(s.medias()).extracting(WebrtcMedia::mid).containsExactly("0", "1", "2", "3", "4");
    }

    @Test
    void mediamtxAnswerIsAccepted() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(H264_OPUS, LOCAL_OFFERER);
        Egress out = WebrtcNegotiator.acceptAnswer(offer, WebrtcSession.parse(
                capture("mediamtx-answer-forward-h264-opus.sdp")));
        assertThat(out.sdp()).isEqualTo(offer.sdp());
        assertThat(out.skipped()).isEmpty();
        assertThat(out.tracks()).containsExactly(
                new EgressTrack(0, "0", 96, offer.tracks().get(0).ssrc(), H264, true, true, true),
                new EgressTrack(1, "1", 111, offer.tracks().get(1).ssrc(), OPUS, false, false, false));
    }

    static String answer() {
        return capture("mediamtx-answer-forward-h264-opus.sdp");
    }

    @Test
    void rejectedAudioIsSkipped() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(H264_OPUS, LOCAL_OFFERER);
        String rejected = answer().replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 0 UDP/TLS/RTP/SAVPF 111");
        Egress out = WebrtcNegotiator.acceptAnswer(offer, WebrtcSession.parse(rejected));
        assertThat(out.tracks()).extracting(EgressTrack::mid).containsExactly("0");
        assertThat(out.skipped()).containsExactly(new SkippedMedia(1, "opus", "rejected by the remote"));
    }

    @Test
    void skippedStreamMediasCarryOverFromTheOffer() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(RTSP_H264_AAC, LOCAL_OFFERER);
        assertThat(offer.tracks()).hasSize(1);
        String videoOnly = answer().substring(0, answer().indexOf("m=audio")).replace("BUNDLE 0 1", "BUNDLE 0");
        Egress out = WebrtcNegotiator.acceptAnswer(offer, WebrtcSession.parse(videoOnly));
        assertThat(out.tracks()).hasSize(1);
        assertThat(out.skipped()).containsExactly(new SkippedMedia(1, "AAC", "AAC cannot be carried by WebRTC"));
    }

    @Test
    void allRejectedIsNoCommonCodec() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(H264_OPUS, LOCAL_OFFERER);
        String none = answer().replace(" 9 UDP/TLS/RTP/SAVPF", " 0 UDP/TLS/RTP/SAVPF");
        assertThatThrownBy(() -> WebrtcNegotiator.acceptAnswer(offer, WebrtcSession.parse(none)))
                .isInstanceOfSatisfying(WebrtcNegotiationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_COMMON_CODEC))
                .hasMessage("the remote rejected every media: H264 (rejected by the remote), opus (rejected by the remote)");
    }

    @Test
    void answerBreakingOfferAnswerRulesIsBadSdp() throws Exception {
        Offer offer = WebrtcNegotiator.offerForward(H264_OPUS, LOCAL_OFFERER);
        String unknownPt = answer().replace(" 96", " 102").replace(":96 ", ":102 ");
        assertBad(offer, unknownPt, "the answer for mid 0 has payload type 102, which the offer did not have (offered 96)");
        String oneSection = answer().substring(0, answer().indexOf("m=audio"));
        assertBad(offer, oneSection, "the answer has 1 m= sections, the offer had 2");
        String swapped = answer().replace("a=mid:0", "a=mid:X").replace("a=mid:1", "a=mid:0")
                .replace("a=mid:X", "a=mid:1").replace("BUNDLE 0 1", "BUNDLE 1 0");
        assertBad(offer, swapped, "answer m= section 0 has mid \"1\" where the offer has mid \"0\"");
        assertBad(offer, answer().replace("a=setup:active", "a=setup:actpass"), "a=setup:actpass");
    }

    private static void assertBad(Offer offer, String answer, String message) {
        assertThatThrownBy(() -> WebrtcNegotiator.acceptAnswer(offer, WebrtcSession.parse(answer)))
                .isInstanceOfSatisfying(WebrtcNegotiationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SDP))
                .hasMessageContaining(message);
    }

    @Test
    void nothingCarriableGivesAnEmptyOffer() {
        StreamDesc aac = new StreamDesc(List.of(RTSP_H264_AAC.medias().get(1)));
        Offer offer = WebrtcNegotiator.offerForward(aac, LOCAL_OFFERER);
        assertThat(offer.sdp()).isEmpty();
        assertThat(offer.tracks()).isEmpty();
        assertThat(offer.skipped()).extracting(SkippedMedia::codec).containsExactly("AAC");
    }
}
