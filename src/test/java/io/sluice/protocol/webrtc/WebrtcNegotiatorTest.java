package io.sluice.protocol.webrtc;

import static io.sluice.protocol.webrtc.WebrtcSessionTest.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebrtcNegotiatorTest {
    static final LocalEndpoint LOCAL = new LocalEndpoint(new IceParams("sluU", "sluicepasswordsluicepass"),
            new DtlsFingerprint("sha-256", "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9"),
            DtlsSetup.PASSIVE, List.of(new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 8189, "host", null)),
            "sluice-test");
    static final LocalEndpoint LOCAL_OFFERER = new LocalEndpoint(LOCAL.ice(), LOCAL.fingerprint(), DtlsSetup.ACTPASS,
            LOCAL.candidates(), LOCAL.cname());

    /** An RTSP publisher's stream (ffmpeg/x264 constrained baseline + AAC). */
    static final StreamDesc RTSP_H264_AAC = new StreamDesc(List.of(
            new MediaDesc(MediaType.VIDEO, "streamid=0", List.of(new Format(96, Codec.H264, "H264", 90000, 0,
                    "packetization-mode=1; sprop-parameter-sets=Z0LAHtkDxWhAAAADAEAAAA8jxYuS,aMuMsg==; "
                            + "profile-level-id=42C01E"))),
            new MediaDesc(MediaType.AUDIO, "streamid=1", List.of(new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic",
                    44100, 2, "profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;"
                            + "config=1210")))));

    static WebrtcSession parse(String capture) throws SdpException {
        return WebrtcSession.parse(capture(capture));
    }

    /** Every SDP Sluice writes must parse back, with Sluice's transport on every accepted section. */
    static WebrtcSession reparse(String sdp) throws SdpException {
        assertThat(sdp).startsWith("v=0\r\no=- ").endsWith("\r\n").doesNotContain("ice-lite").doesNotContain("\n\n");
        assertThat(sdp.replace("\r\n", "")).doesNotContain("\n");
        WebrtcSession s = WebrtcSession.parse(sdp);
        for (WebrtcMedia m : s.medias()) {
            if (!m.rejected()) {
                assertThat(m.ice()).isEqualTo(LOCAL.ice());
                assertThat(m.fingerprint()).isEqualTo(LOCAL.fingerprint());
                assertThat(m.rtcpMux()).isTrue();
                assertThat(m.candidates()).isEqualTo(LOCAL.candidates());
            }
        }
        return s;
    }

    @Test
    void webrtcbinPublishGivesH264AndOpus() throws Exception {
        Ingest in = WebrtcNegotiator.answerPublish(parse("webrtcbin-publish-h264-opus.sdp"), LOCAL);
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264, Codec.OPUS);
        assertThat(in.desc().medias()).extracting(MediaDesc::control).containsExactly("video0", "audio1");
        Format h264 = in.desc().medias().get(0).format();
        assertThat(h264.payloadType()).isEqualTo(96);
        assertThat(h264.fmtp()).contains("sprop-parameter-sets=Z0LAHtoCgL/lwFqDAwNSgAAAAwCAAAAeR4sXUA==,aM48gA==");
        assertThat(in.desc().medias().get(1).format()).isEqualTo(new Format(111, Codec.OPUS, "OPUS", 48000, 2,
                "sprop-stereo=1;sprop-maxcapturerate=48000"));
        assertThat(in.tracks()).containsExactly(
                new IngestTrack(0, "video0", 96, 4081531745L, -1, -1, false, true, true, -1),
                new IngestTrack(1, "audio1", 111, 2745337022L, -1, -1, false, false, false, -1));
        WebrtcSession answer = reparse(in.answerSdp());
        assertThat(answer.bundleMids()).containsExactly("video0", "audio1");
        assertThat(answer.setup()).isEqualTo(DtlsSetup.PASSIVE);
        assertThat(answer.medias()).extracting(WebrtcMedia::direction).containsOnly(Direction.RECVONLY);
        assertThat(answer.medias().get(0).codecs()).singleElement()
                .satisfies(c -> assertThat(c.rtcpFb()).as("transport-cc offered without its header extension: "
                        + "Sluice could not send it").containsExactly("nack pli", "ccm fir"));
        assertThat(in.feedback()).isEqualTo(IngestFeedback.NONE);
        assertThat(in.answerSdp()).contains("a=rtpmap:111 OPUS/48000/2\r\n").doesNotContain("a=ssrc:");
    }

    @Test
    void chromiumPublishKeepsRtxMidExtensionAndRejectsNothing() throws Exception {
        Ingest in = WebrtcNegotiator.answerPublish(parse("chromium-publish-any.sdp"), LOCAL);
        // offer order is preference: audio first, then VP8 is Chromium's first video codec
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.OPUS, Codec.VP8);
        assertThat(in.tracks().get(0)).isEqualTo(new IngestTrack(0, "0", 111, 2747263243L, -1, -1, false, false,
                false, 4));
        assertThat(in.tracks().get(1)).isEqualTo(new IngestTrack(1, "1", 96, 1909759892L, 97, 2330126396L, true,
                true, true, 4));
        WebrtcSession answer = reparse(in.answerSdp());
        WebrtcMedia video = answer.medias().get(1);
        assertThat(video.codecs()).singleElement().satisfies(c -> {
            assertThat(c.payloadType()).isEqualTo(96);
            assertThat(c.rtxPayloadType()).isEqualTo(97);
            // Sluice sends transport-cc feedback, so it offers no REMB (nor abs-send-time, which only REMB uses)
            assertThat(c.rtcpFb()).containsExactly("transport-cc", "ccm fir", "nack", "nack pli");
        });
        assertThat(video.extmaps()).containsExactly(new Extmap(3, Extmap.TRANSPORT_WIDE_CC),
                new Extmap(4, Extmap.SDES_MID));
        assertThat(in.feedback()).isEqualTo(new IngestFeedback(3, false, -1));
        assertThat(answer.medias().get(0).extmaps()).extracting(Extmap::uri).doesNotContain(
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
    }

    @Test
    void chromiumH264PublishPicksTheFirstMode1Profile() throws Exception {
        Ingest in = WebrtcNegotiator.answerPublish(parse("chromium-publish-h264.sdp"), LOCAL);
        assertThat(in.desc().medias().get(1).format().payloadType()).isEqualTo(108);
        assertThat(in.desc().medias().get(1).format().fmtpParam("profile-level-id")).isEqualTo("42e01f");
        reparse(in.answerSdp());
    }

    @Test
    void firefoxPublishPrefersVp8AndDropsUnknownAudio() throws Exception {
        Ingest in = WebrtcNegotiator.answerPublish(parse("firefox-publish-opus-vp8-h264.sdp"), LOCAL);
        assertThat(in.desc().medias()).extracting(m -> m.format().payloadType()).containsExactly(109, 120);
        assertThat(in.tracks().get(1).rtxPayloadType()).isEqualTo(124);
        assertThat(in.tracks().get(1).rtxSsrc()).isEqualTo(3742981087L); // a=ssrc-group:FID
        assertThat(in.feedback()).isEqualTo(new IngestFeedback(7, false, -1));
        WebrtcSession answer = reparse(in.answerSdp());
        assertThat(answer.medias().get(1).codecs().getFirst().rtcpFb()).contains("transport-cc")
                .doesNotContain("goog-remb");
    }

    @Test
    void obsGetsRembWhereItOffersNoTransportCc() throws Exception {
        Ingest in = WebrtcNegotiator.answerPublish(parse("obs30-publish-opus-h264.sdp"), LOCAL);
        assertThat(in.feedback()).isEqualTo(new IngestFeedback(-1, true, -1));
        assertThat(reparse(in.answerSdp()).medias().get(1).codecs().getFirst().rtcpFb()).contains("goog-remb");
        // with abs-send-time offered, the REMB estimate gets its delay signal from it
        String withAbs = capture("obs30-publish-opus-h264.sdp").replace("a=rtcp-fb:96 goog-remb\r\n",
                "a=rtcp-fb:96 goog-remb\r\na=extmap:9 " + Extmap.ABS_SEND_TIME + "\r\n");
        Ingest abs = WebrtcNegotiator.answerPublish(WebrtcSession.parse(withAbs), LOCAL);
        assertThat(abs.feedback()).isEqualTo(new IngestFeedback(-1, true, 9));
        assertThat(reparse(abs.answerSdp()).medias().get(1).extmaps()).contains(new Extmap(9, Extmap.ABS_SEND_TIME));
    }

    @Test
    void unsupportedVideoIsRejectedInPlace() throws Exception {
        String offer = capture("obs30-publish-opus-h264.sdp").replace("H264/90000", "H263/90000");
        Ingest in = WebrtcNegotiator.answerPublish(WebrtcSession.parse(offer), LOCAL);
        assertThat(in.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.OPUS);
        WebrtcSession answer = reparse(in.answerSdp());
        assertThat(answer.medias()).extracting(WebrtcMedia::mid).containsExactly("0", "1");
        assertThat(answer.medias().get(1).rejected()).isTrue();
        assertThat(answer.medias().get(1).direction()).isEqualTo(Direction.INACTIVE);
        assertThat(answer.bundleMids()).containsExactly("0");
        assertThat(in.answerSdp()).contains("m=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n"
                + "a=inactive\r\n");
    }

    @Test
    void noCommonCodecNamesTheOfferedOnes() throws Exception {
        String offer = capture("obs30-publish-opus-h264.sdp").replace("H264/90000", "H263/90000")
                .replace("opus/48000/2", "speex/16000");
        assertThatThrownBy(() -> WebrtcNegotiator.answerPublish(WebrtcSession.parse(offer), LOCAL))
                .isInstanceOfSatisfying(WebrtcNegotiationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_COMMON_CODEC))
                .hasMessage("no common codec: offered speex/16000, H263/90000; Sluice takes H264, H265, VP8, VP9, "
                        + "AV1, opus, PCMU, PCMA, G722");
    }

    @Test
    void aRecvonlyOfferPublishesNothing() {
        assertThatThrownBy(() -> WebrtcNegotiator.answerPublish(parse("chromium-whep-recvonly.sdp"), LOCAL))
                .isInstanceOfSatisfying(WebrtcNegotiationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_MEDIA))
                .hasMessageContaining("the offer sends no audio or video (mid 0 video recvonly, mid 1 audio recvonly)");
    }

    @Test
    void whepReadOfAnRtspStreamMatchesConstrainedBaselineAndSkipsAac() throws Exception {
        Egress out = WebrtcNegotiator.answerRead(parse("chromium-whep-recvonly.sdp"), RTSP_H264_AAC, LOCAL);
        assertThat(out.tracks()).singleElement().satisfies(t -> {
            assertThat(t.streamMedia()).isZero();
            assertThat(t.mid()).isEqualTo("0");
            assertThat(t.payloadType()).isEqualTo(108); // 42e01f mode 1; 42001f (PT 102) is plain Baseline
            assertThat(t.ssrc()).isBetween(1L, 0xFFFF_FFFFL);
            assertThat(t.format()).isEqualTo(RTSP_H264_AAC.medias().get(0).format());
            assertThat(List.of(t.nack(), t.pli(), t.fir())).containsOnly(true);
        });
        assertThat(out.skipped()).containsExactly(new SkippedMedia(1, "AAC", "AAC cannot be carried by WebRTC"));
        WebrtcSession answer = reparse(out.sdp());
        assertThat(answer.bundleMids()).containsExactly("0");
        WebrtcMedia video = answer.medias().get(0);
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.ssrcs()).containsExactly(out.tracks().getFirst().ssrc());
        assertThat(video.cname()).isEqualTo("sluice-test");
        assertThat(video.codecs()).singleElement().satisfies(c -> {
            assertThat(c.fmtp()).isEqualTo("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
            assertThat(c.rtcpFb()).containsExactly("ccm fir", "nack", "nack pli");
            assertThat(c.rtxPayloadType()).isEqualTo(-1);
        });
        assertThat(out.sdp()).contains("a=msid:sluice-test video0\r\n");
        assertThat(answer.medias().get(1).rejected()).isTrue();
    }

    static StreamDesc h264(String profileLevelId) {
        return new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "", List.of(new Format(96, Codec.H264, "H264",
                90000, 0, "packetization-mode=1;profile-level-id=" + profileLevelId)))));
    }

    @Test
    void highProfileStreamGoesToConstrainedHighOrHigher() throws Exception {
        Egress desktop = WebrtcNegotiator.answerRead(parse("chrome-desktop-whep-recvonly.sdp"), h264("640028"), LOCAL);
        assertThat(desktop.tracks().getFirst().payloadType()).isEqualTo(112);
        assertThat(reparse(desktop.sdp()).medias().get(0).codecs().getFirst().fmtp()).endsWith("profile-level-id=640c1f");
        // Debian's Chromium offers no 64xxxx but decodes High: High 4:4:4 Predictive decoders must
        Egress linux = WebrtcNegotiator.answerRead(parse("chromium-whep-recvonly.sdp"), h264("64001f"), LOCAL);
        assertThat(linux.tracks().getFirst().payloadType()).isEqualTo(41);
        // Main goes to Main (4d001f mode 1), never to a Baseline PT
        Egress main = WebrtcNegotiator.answerRead(parse("chromium-whep-recvonly.sdp"), h264("4d001f"), LOCAL);
        assertThat(main.tracks().getFirst().payloadType()).isEqualTo(116);
    }

    @Test
    void mainProfileAgainstABaselineOnlyReaderIsSkippedWithItsProfile() throws Exception {
        String offer = capture("chromium-whep-recvonly.sdp");
        for (String p : List.of("4d001f", "f4001f")) {
            offer = offer.replace("profile-level-id=" + p, "profile-level-id=42e01f");
        }
        StreamDesc stream = new StreamDesc(List.of(h264("4d001f").medias().getFirst(), new MediaDesc(MediaType.AUDIO,
                "", List.of(new Format(111, Codec.OPUS, "opus", 48000, 2, "")))));
        Egress out = WebrtcNegotiator.answerRead(WebrtcSession.parse(offer), stream, LOCAL);
        assertThat(out.skipped()).containsExactly(new SkippedMedia(0, "H264",
                "no offered video codec matches H264 profile 4d001f"));
        assertThat(out.tracks()).singleElement().satisfies(t -> {
            assertThat(t.mid()).isEqualTo("1");
            assertThat(t.payloadType()).isEqualTo(111);
            assertThat(List.of(t.nack(), t.pli(), t.fir())).containsOnly(false);
        });
        WebrtcSession answer = reparse(out.sdp());
        assertThat(answer.medias().get(0).rejected()).isTrue();
        assertThat(answer.bundleMids()).containsExactly("1");
    }

    @Test
    void spsGivesTheProfileWhenTheStreamHasNoProfileLevelId() throws Exception {
        // SPS of x264 Main 3.1 (4d401f): constraint_set1 set, so it is Main, not Constrained Baseline
        StreamDesc stream = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "", List.of(new Format(96, Codec.H264,
                "H264", 90000, 0, "packetization-mode=1;sprop-parameter-sets=Z01AH+2AUAW7ARAAAAMAEAAAAwPI8YMZoA==,aO88gA==")))));
        Egress out = WebrtcNegotiator.answerRead(parse("chromium-whep-recvonly.sdp"), stream, LOCAL);
        assertThat(out.tracks().getFirst().payloadType()).isEqualTo(116);
    }

    @Test
    void whepNoCommonCodecNamesBothSides() {
        // Chromium 156 on Debian offers no H265
        StreamDesc stream = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "", List.of(new Format(96, Codec.H265,
                "H265", 90000, 0, "sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA8lZgJ"))), RTSP_H264_AAC.medias().get(1)));
        assertThatThrownBy(() -> WebrtcNegotiator.answerRead(parse("chromium-whep-recvonly.sdp"), stream, LOCAL))
                .isInstanceOfSatisfying(WebrtcNegotiationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_COMMON_CODEC))
                .hasMessage("no common codec: the stream has H265/90000, mpeg4-generic/44100/2; offered video "
                        + "VP8/90000, VP9/90000, H264/90000 42001f, H264/90000 42e01f, H264/90000 4d001f, "
                        + "H264/90000 f4001f, AV1/90000, red/90000, ulpfec/90000, flexfec-03/90000; audio opus/48000/2, "
                        + "red/48000/2, G722/8000, PCMU/8000, PCMA/8000, CN/8000, telephone-event/48000, "
                        + "telephone-event/8000");
    }

    @Test
    void vp8OnlyReaderCannotReadH264() {
        String offer = capture("obs30-publish-opus-h264.sdp").replace("a=sendonly", "a=recvonly")
                .replace("H264/90000", "VP8/90000");
        assertThatThrownBy(() -> WebrtcNegotiator.answerRead(WebrtcSession.parse(offer), h264("42e01f"), LOCAL))
                .isInstanceOf(WebrtcNegotiationException.class)
                .hasMessage("no common codec: the stream has H264 profile 42e01f; offered video VP8/90000; "
                        + "audio opus/48000/2");
    }
}
