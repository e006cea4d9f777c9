package io.sluice.protocol.webrtc;

import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.protocol.webrtc.WebrtcSdpWriter.Section;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * PullOfferer makes Sluice's offer for reading a remote WebRTC stream (a WHEP pull source): one recvonly
 * video and one recvonly audio section on one BUNDLE transport, each listing every payload format Sluice
 * carries, and reads the remote's answer into the stream it becomes. The offer asks only for feedback Sluice
 * sends (NACKs, PLIs, receiver reports), never transport-cc or goog-remb, so the remote does not wait for
 * bandwidth estimates that would not come.
 */
final class PullOfferer {
    /** What Sluice sends about video: NACKs for losses and PLIs (FIR for peers that want it) for keyframes. */
    static final List<String> VIDEO_FEEDBACK = List.of("nack", "nack pli", "ccm fir");
    private static final String H264_FMTP = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=";

    /**
     * Video formats in order of preference, each with its RTX format (RFC 4588): H264 first (what cameras,
     * mediamtx and GStreamer send and what every RTSP/RTMP reader plays), in the three common profiles
     * (constrained baseline, main, high: a remote picks the one it encodes), then VP8, VP9, AV1 and H265.
     */
    static final List<RtpCodec> VIDEO = List.of(
            new RtpCodec(96, "H264", 90000, 0, H264_FMTP + "42e01f", VIDEO_FEEDBACK, 97),
            new RtpCodec(98, "H264", 90000, 0, H264_FMTP + "4d001f", VIDEO_FEEDBACK, 99),
            new RtpCodec(100, "H264", 90000, 0, H264_FMTP + "64001f", VIDEO_FEEDBACK, 101),
            new RtpCodec(102, "VP8", 90000, 0, "", VIDEO_FEEDBACK, 103),
            new RtpCodec(104, "VP9", 90000, 0, "profile-id=0", VIDEO_FEEDBACK, 105),
            new RtpCodec(106, "AV1", 90000, 0, "", VIDEO_FEEDBACK, 107),
            new RtpCodec(108, "H265", 90000, 0, "", VIDEO_FEEDBACK, 109));
    /** Audio formats in order of preference: opus, then the G.7xx a camera's WebRTC stack may have. */
    static final List<RtpCodec> AUDIO = List.of(
            new RtpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1", List.of(), -1),
            new RtpCodec(9, "G722", 8000, 0, "", List.of(), -1),
            new RtpCodec(0, "PCMU", 8000, 0, "", List.of(), -1),
            new RtpCodec(8, "PCMA", 8000, 0, "", List.of(), -1));

    private PullOfferer() {
    }

    static PullOffer offer(LocalEndpoint local, RandomGenerator random) {
        List<PullOffer.Section> offered = List.of(new PullOffer.Section("0", MediaType.VIDEO, VIDEO),
                new PullOffer.Section("1", MediaType.AUDIO, AUDIO));
        List<Section> sections = new ArrayList<>();
        for (PullOffer.Section s : offered) {
            sections.add(new Section(s.type(), s.mid(), null, Direction.RECVONLY, s.codecs(), List.of(), -1, null));
        }
        return new PullOffer(WebrtcSdpWriter.write(local, local.setup(), List.of("0", "1"), sections, random),
                offered);
    }

    static PullIngest accept(PullOffer offer, WebrtcSession answer) throws WebrtcNegotiationException {
        List<PullOffer.Section> offered = offer.sections();
        if (answer.medias().size() != offered.size()) {
            throw bad("the answer has " + answer.medias().size() + " m= sections, the offer had " + offered.size());
        }
        if (answer.setup() == DtlsSetup.ACTPASS) {
            throw bad("the answer says a=setup:actpass, which only an offer may say (RFC 8842 §5.2)");
        }
        List<MediaDesc> medias = new ArrayList<>();
        List<IngestTrack> tracks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int k = 0; k < offered.size(); k++) {
            PullOffer.Section o = offered.get(k);
            WebrtcMedia a = answer.medias().get(k);
            if (!a.mid().equals(o.mid())) {
                throw bad("answer m= section " + k + " has mid \"" + a.mid() + "\" where the offer has mid \""
                        + o.mid() + "\" (an answer keeps the offer's sections in order, RFC 3264 §6)");
            }
            String name = "mid " + o.mid() + " " + o.type().sdpName();
            if (a.rejected()) {
                skipped.add(name + ": rejected by the remote");
                continue;
            }
            if (!a.direction().sends()) {
                skipped.add(name + ": the remote does not send in it (" + a.direction().sdp() + ")");
                continue;
            }
            if (a.codecs().isEmpty()) {
                throw bad("the answer for mid " + o.mid() + " has no payload type");
            }
            RtpCodec c = a.codecs().getFirst();
            RtpCodec ours = o.codec(c.payloadType());
            if (ours == null || !ours.name().equalsIgnoreCase(c.name()) || ours.clockRate() != c.clockRate()) {
                throw bad("the answer for mid " + o.mid() + " has payload type " + c.payloadType() + " " + c.rtpmap()
                        + ", which the offer did not have");
            }
            // the answer's fmtp says what the remote sends (its H264 profile); ours when it says nothing
            RtpCodec format = c.fmtp().isEmpty() ? ours : c;
            int rtxPt = c.rtxPayloadType() >= 0 && c.rtxPayloadType() == ours.rtxPayloadType() ? c.rtxPayloadType() : -1;
            long ssrc = a.ssrcs().isEmpty() ? -1 : a.ssrcs().getFirst();
            long rtxSsrc = rtxPt >= 0 && ssrc >= 0 ? a.rtxSsrcs().getOrDefault(ssrc, -1L) : -1;
            boolean video = o.type() == MediaType.VIDEO;
            tracks.add(new IngestTrack(medias.size(), o.mid(), c.payloadType(), ssrc, rtxPt, rtxSsrc,
                    c.hasFeedback("nack"), video, c.hasFeedback("ccm fir"), -1));
            medias.add(new MediaDesc(o.type(), o.mid(), List.of(format.toFormat())));
        }
        if (tracks.isEmpty()) {
            throw new WebrtcNegotiationException(Reason.NO_MEDIA, "the remote sends nothing: "
                    + String.join("; ", skipped));
        }
        return new PullIngest(new StreamDesc(medias), tracks, skipped);
    }

    private static WebrtcNegotiationException bad(String message) {
        return new WebrtcNegotiationException(Reason.BAD_SDP, message);
    }
}
