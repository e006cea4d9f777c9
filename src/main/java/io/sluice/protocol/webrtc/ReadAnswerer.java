package io.sluice.protocol.webrtc;

import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.protocol.webrtc.WebrtcSdpWriter.Section;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * ReadAnswerer answers a WHEP reader's offer: each stream media goes, sendonly, into an offered
 * receiving section of its type with a payload format that receives it unchanged.
 */
final class ReadAnswerer {
    /** Feedback Sluice answers for what it sends: retransmission from its cache and keyframe requests. */
    static final List<String> FEEDBACK = List.of("nack", "nack pli", "ccm fir");

    private ReadAnswerer() {
    }

    static Egress answer(WebrtcSession offer, StreamDesc stream, LocalEndpoint local, RandomGenerator random)
            throws WebrtcNegotiationException {
        List<WebrtcMedia> offered = offer.medias();
        Section[] sections = new Section[offered.size()];
        List<EgressTrack> tracks = new ArrayList<>();
        List<SkippedMedia> skipped = new ArrayList<>();
        List<Long> ssrcs = new ArrayList<>();
        for (int s = 0; s < stream.medias().size(); s++) {
            MediaDesc md = stream.medias().get(s);
            Format f = md.format();
            if (!CodecMatcher.webrtcCarries(f.codec())) {
                skipped.add(new SkippedMedia(s, CodecMatcher.label(f), CodecMatcher.notCarriedReason(f)));
                continue;
            }
            MediaType type = CodecMatcher.mediaType(f.codec());
            boolean anyMedia = false;
            int at = -1;
            RtpCodec chosen = null;
            for (int j = 0; j < offered.size() && chosen == null; j++) {
                WebrtcMedia m = offered.get(j);
                if (sections[j] != null || !receiving(m, type) || !shareable(offer, m, tracks)) {
                    continue;
                }
                anyMedia = true;
                chosen = CodecMatcher.best(f, m.codecs());
                at = j;
            }
            if (chosen == null) {
                skipped.add(new SkippedMedia(s, CodecMatcher.label(f), anyMedia
                        ? "no offered " + type.sdpName() + " codec matches " + CodecMatcher.describe(f)
                        : "the offer has no " + type.sdpName() + " section left to receive it"));
                continue;
            }
            WebrtcMedia m = offered.get(at);
            List<String> fb = chosen.rtcpFb().stream().filter(FEEDBACK::contains).toList();
            long ssrc = WebrtcSdpWriter.ssrc(random, ssrcs);
            ssrcs.add(ssrc);
            // the offered fmtp is echoed: it is the receiver's own line (for H264 its
            // profile-level-id and level-asymmetry-allowed), which it is sure to accept
            sections[at] = new Section(m.type(), m.mid(), null, Direction.SENDONLY, List.of(chosen.with(fb, -1)),
                    List.of(), ssrc, type.sdpName() + s);
            tracks.add(new EgressTrack(s, m.mid(), chosen.payloadType(), ssrc, f, fb.contains("nack"),
                    fb.contains("nack pli"), fb.contains("ccm fir")));
        }
        if (tracks.isEmpty()) {
            boolean receives = offered.stream().anyMatch(m -> receiving(m, MediaType.VIDEO) || receiving(m, MediaType.AUDIO));
            if (!receives) {
                throw new WebrtcNegotiationException(Reason.NO_MEDIA, "the offer receives no audio or video ("
                        + WebrtcNegotiator.summary(offer) + "); a WHEP offer must have recvonly or sendrecv media");
            }
            throw new WebrtcNegotiationException(Reason.NO_COMMON_CODEC, "no common codec: the stream has "
                    + streamCodecs(stream) + "; offered " + offeredCodecs(offer));
        }
        List<Section> all = new ArrayList<>(offered.size());
        List<String> bundle = new ArrayList<>();
        for (int j = 0; j < offered.size(); j++) {
            if (sections[j] == null) {
                all.add(Section.rejected(offered.get(j)));
            } else {
                all.add(sections[j]);
                if (!offer.bundleMids().isEmpty()) {
                    bundle.add(offered.get(j).mid());
                }
            }
        }
        DtlsSetup setup = local.setup().answering(offer.setup());
        return new Egress(WebrtcSdpWriter.write(local, setup, bundle, all, random), tracks, skipped);
    }

    private static boolean receiving(WebrtcMedia m, MediaType type) {
        return !m.rejected() && m.type() == type && m.direction().receives() && m.rtcpMux();
    }

    /** Sluice runs one transport: without a BUNDLE group only one section can have it. */
    private static boolean shareable(WebrtcSession offer, WebrtcMedia m, List<EgressTrack> tracks) {
        return offer.bundleMids().isEmpty() ? tracks.isEmpty() : offer.bundleMids().contains(m.mid());
    }

    private static String streamCodecs(StreamDesc stream) {
        List<String> out = new ArrayList<>();
        for (MediaDesc md : stream.medias()) {
            out.add(CodecMatcher.describe(md.format()));
        }
        return String.join(", ", out);
    }

    private static String offeredCodecs(WebrtcSession offer) {
        List<String> out = new ArrayList<>();
        for (MediaType t : List.of(MediaType.VIDEO, MediaType.AUDIO)) {
            Set<String> names = new LinkedHashSet<>();
            for (WebrtcMedia m : offer.medias()) {
                if (receiving(m, t)) {
                    for (RtpCodec c : m.codecs()) {
                        String pl = c.codec() == io.sluice.stream.Codec.H264 ? c.fmtpParam("profile-level-id") : null;
                        names.add(c.rtpmap() + (pl != null ? " " + pl.toLowerCase(java.util.Locale.ROOT) : ""));
                    }
                }
            }
            if (!names.isEmpty()) {
                out.add(t.sdpName() + " " + String.join(", ", names));
            }
        }
        return String.join("; ", out);
    }
}
