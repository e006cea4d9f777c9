package io.sluice.protocol.webrtc;

import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.protocol.webrtc.WebrtcSdpWriter.Section;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * ForwardOfferer makes Sluice's WHIP offer for forwarding a stream (exactly the stream's codecs,
 * sendonly) and reads the remote's answer to it.
 *
 * <p>The offer asks for transport-wide congestion control feedback (the transport-wide sequence number
 * extension and rtcp-fb transport-cc on every format) and REMB on video, so that the remote tells the
 * target how its link is doing; the target reads it (see WhipDest's link stats).
 */
final class ForwardOfferer {
    private static final int FIRST_DYNAMIC_PT = 96;
    private static final int LAST_DYNAMIC_PT = 127;
    /** The id Sluice offers for the transport-wide sequence number extension (one id for the BUNDLE). */
    static final int TRANSPORT_CC_EXT_ID = 1;
    private static final List<Extmap> EXTMAPS = List.of(new Extmap(TRANSPORT_CC_EXT_ID, Extmap.TRANSPORT_WIDE_CC));

    private ForwardOfferer() {
    }

    static Offer offer(StreamDesc stream, LocalEndpoint local, RandomGenerator random) {
        List<Section> sections = new ArrayList<>();
        List<EgressTrack> tracks = new ArrayList<>();
        List<SkippedMedia> skipped = new ArrayList<>();
        List<Integer> pts = new ArrayList<>();
        List<Long> ssrcs = new ArrayList<>();
        for (int i = 0; i < stream.medias().size(); i++) {
            MediaDesc md = stream.medias().get(i);
            Format f = md.format();
            if (!CodecMatcher.webrtcCarries(f.codec())) {
                skipped.add(new SkippedMedia(i, CodecMatcher.label(f), CodecMatcher.notCarriedReason(f)));
                continue;
            }
            int pt = payloadType(f, pts);
            pts.add(pt);
            boolean video = f.codec().isVideo();
            List<String> fb = new ArrayList<>(video ? ReadAnswerer.FEEDBACK : List.of());
            fb.add("transport-cc");
            if (video) {
                fb.add("goog-remb");
            }
            RtpCodec c = new RtpCodec(pt, encodingName(f.codec()), CodecMatcher.clockRate(f.codec()),
                    f.codec() == Codec.OPUS ? 2 : 0, fmtp(f), fb, -1);
            String mid = Integer.toString(sections.size());
            long ssrc = WebrtcSdpWriter.ssrc(random, ssrcs);
            ssrcs.add(ssrc);
            MediaType type = CodecMatcher.mediaType(f.codec());
            sections.add(new Section(type, mid, null, Direction.SENDONLY, List.of(c), EXTMAPS, ssrc,
                    type.sdpName() + i));
            tracks.add(new EgressTrack(i, mid, pt, ssrc, f, video, video, video));
        }
        if (sections.isEmpty()) {
            return new Offer("", tracks, skipped);
        }
        List<String> mids = tracks.stream().map(EgressTrack::mid).toList();
        return new Offer(WebrtcSdpWriter.write(local, local.setup(), mids, sections, random), tracks, skipped);
    }

    /**
     * Static types keep their number; a dynamic stream PT is kept when free, so forwarded packets
     * usually need no rewrite; otherwise the lowest free dynamic PT.
     */
    private static int payloadType(Format f, List<Integer> taken) {
        switch (f.codec()) {
            case G711_PCMU -> {
                return 0;
            }
            case G711_PCMA -> {
                return 8;
            }
            case G722 -> {
                return 9;
            }
            default -> {
                int pt = f.payloadType();
                if (pt >= FIRST_DYNAMIC_PT && pt <= LAST_DYNAMIC_PT && !taken.contains(pt)) {
                    return pt;
                }
                for (pt = FIRST_DYNAMIC_PT; taken.contains(pt); pt++) {
                    // a stream has far fewer than 32 medias
                }
                return pt;
            }
        }
    }

    private static String encodingName(Codec c) {
        return switch (c) {
            case OPUS -> "opus";
            case G711_PCMU -> "PCMU";
            case G711_PCMA -> "PCMA";
            case H264, H265, AV1, VP8, VP9, G722, MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO, MPEG4_VIDEO, OTHER ->
                    c.name();
        };
    }

    /**
     * The fmtp Sluice offers. sprop-* parameter sets are never sent: a WebRTC receiver takes them
     * in-band, and browsers reject some of them in SDP.
     */
    static String fmtp(Format f) {
        return switch (f.codec()) {
            case H264 -> {
                H264ProfileLevel pl = H264ProfileLevel.of(f);
                yield "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id="
                        + (pl == null ? "42e01f" : pl.hex());
            }
            case OPUS -> "minptime=10;useinbandfec=1" + ("1".equals(f.fmtpParam("stereo")) ? ";stereo=1" : "")
                    + ("1".equals(f.fmtpParam("sprop-stereo")) ? ";sprop-stereo=1" : "");
            case VP9, AV1, H265 -> withoutSprop(f.fmtp());
            case VP8, G711_PCMU, G711_PCMA, G722, MPEG4_AUDIO, MPEG4_AUDIO_LATM, MPEG1_AUDIO, MPEG4_VIDEO, OTHER -> "";
        };
    }

    private static String withoutSprop(String fmtp) {
        List<String> keep = new ArrayList<>();
        for (String p : fmtp.split(";")) {
            String t = p.trim();
            if (!t.isEmpty() && !t.regionMatches(true, 0, "sprop-", 0, 6)) {
                keep.add(t);
            }
        }
        return String.join(";", keep);
    }

    static Egress accept(Offer offer, WebrtcSession answer) throws WebrtcNegotiationException {
        List<EgressTrack> offered = offer.tracks();
        if (offered.isEmpty()) {
            throw new WebrtcNegotiationException(Reason.NO_MEDIA, "the offer had no media to answer");
        }
        if (answer.medias().size() != offered.size()) {
            throw bad("the answer has " + answer.medias().size() + " m= sections, the offer had " + offered.size());
        }
        if (answer.setup() == DtlsSetup.ACTPASS) {
            throw bad("the answer says a=setup:actpass, which only an offer may say (RFC 8842 §5.2)");
        }
        List<EgressTrack> tracks = new ArrayList<>();
        List<SkippedMedia> skipped = new ArrayList<>(offer.skipped());
        for (int k = 0; k < offered.size(); k++) {
            EgressTrack t = offered.get(k);
            WebrtcMedia a = answer.medias().get(k);
            if (!a.mid().equals(t.mid())) {
                throw bad("answer m= section " + k + " has mid \"" + a.mid() + "\" where the offer has mid \""
                        + t.mid() + "\" (an answer keeps the offer's sections in order, RFC 3264 §6)");
            }
            String label = CodecMatcher.label(t.format());
            if (a.rejected()) {
                skipped.add(new SkippedMedia(t.streamMedia(), label, "rejected by the remote"));
                continue;
            }
            if (a.codecs().isEmpty()) {
                throw bad("the answer for mid " + t.mid() + " has no payload type");
            }
            for (RtpCodec c : a.codecs()) {
                if (c.payloadType() != t.payloadType() || c.rtxPayloadType() >= 0) {
                    int pt = c.payloadType() != t.payloadType() ? c.payloadType() : c.rtxPayloadType();
                    throw bad("the answer for mid " + t.mid() + " has payload type " + pt
                            + ", which the offer did not have (offered " + t.payloadType() + ")");
                }
            }
            if (a.direction() == Direction.SENDONLY) {
                throw bad("the answer for mid " + t.mid() + " is sendonly, but the offer only sends");
            }
            if (a.direction() == Direction.INACTIVE) {
                skipped.add(new SkippedMedia(t.streamMedia(), label, "inactive in the remote's answer"));
                continue;
            }
            RtpCodec c = a.codecs().getFirst();
            tracks.add(new EgressTrack(t.streamMedia(), t.mid(), c.payloadType(), t.ssrc(), t.format(),
                    c.hasFeedback("nack"), c.hasFeedback("nack pli"), c.hasFeedback("ccm fir")));
        }
        if (tracks.isEmpty()) {
            throw new WebrtcNegotiationException(Reason.NO_COMMON_CODEC, "the remote rejected every media: "
                    + String.join(", ", skipped.stream().map(s -> s.codec() + " (" + s.reason() + ")").toList()));
        }
        return new Egress(offer.sdp(), tracks, skipped);
    }

    private static WebrtcNegotiationException bad(String message) {
        return new WebrtcNegotiationException(Reason.BAD_SDP, message);
    }
}
