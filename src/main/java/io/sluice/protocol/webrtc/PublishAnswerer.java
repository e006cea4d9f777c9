package io.sluice.protocol.webrtc;

import io.sluice.protocol.webrtc.WebrtcNegotiationException.Reason;
import io.sluice.protocol.webrtc.WebrtcSdpWriter.Section;
import io.sluice.stream.Codec;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * PublishAnswerer answers a WHIP publisher's offer: per sending m= section one codec Sluice can
 * forward, received (recvonly) on the one BUNDLE transport.
 */
final class PublishAnswerer {
    static final String TAKES = "H264, H265, VP8, VP9, AV1, opus, PCMU, PCMA, G722";
    /**
     * Feedback Sluice can act on or answer: retransmission, keyframe requests, and one kind of congestion
     * control feedback ({@link #congestionFeedback}).
     */
    private static final List<String> FEEDBACK = List.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");
    /**
     * sdes:mid is needed for BUNDLE demux before SSRCs are known; transport-wide-cc numbers the packets
     * transport-cc feedback describes; abs-send-time feeds the REMB estimate.
     */
    private static final List<String> EXTENSIONS = List.of(Extmap.ABS_SEND_TIME, Extmap.TRANSPORT_WIDE_CC,
            Extmap.SDES_MID);

    private PublishAnswerer() {
    }

    static Ingest answer(WebrtcSession offer, LocalEndpoint local, RandomGenerator random)
            throws WebrtcNegotiationException {
        List<Section> sections = new ArrayList<>();
        List<MediaDesc> medias = new ArrayList<>();
        List<IngestTrack> tracks = new ArrayList<>();
        List<String> bundle = new ArrayList<>();
        Set<String> offered = new LinkedHashSet<>();
        boolean anySending = false;
        IngestFeedback cc = congestionFeedback(offer);
        for (WebrtcMedia m : offer.medias()) {
            boolean av = m.type() == MediaType.VIDEO || m.type() == MediaType.AUDIO;
            if (m.rejected() || !av || !m.direction().sends()) {
                sections.add(Section.rejected(m));
                continue;
            }
            anySending = true;
            m.codecs().forEach(c -> offered.add(c.rtpmap()));
            // Sluice runs one transport: without a BUNDLE group only the first section can have it
            boolean shareable = offer.bundleMids().isEmpty() ? tracks.isEmpty() : offer.bundleMids().contains(m.mid());
            RtpCodec c = shareable && m.rtcpMux() ? choose(m) : null;
            if (c == null) {
                sections.add(Section.rejected(m));
                continue;
            }
            List<String> fb = c.rtcpFb().stream().filter(FEEDBACK::contains)
                    .filter(f -> !f.equals("transport-cc") || cc.transportCc())
                    .filter(f -> !f.equals("goog-remb") || cc.remb()).toList();
            boolean nack = fb.contains("nack");
            int rtxPt = nack ? c.rtxPayloadType() : -1;
            List<Extmap> ext = m.extmaps().stream().filter(e -> EXTENSIONS.contains(e.uri()))
                    .filter(e -> !e.uri().equals(Extmap.TRANSPORT_WIDE_CC) || e.id() == cc.transportCcExtId())
                    .filter(e -> !e.uri().equals(Extmap.ABS_SEND_TIME) || e.id() == cc.absSendTimeExtId())
                    .toList();
            sections.add(new Section(m.type(), m.mid(), null, Direction.RECVONLY, List.of(c.with(fb, rtxPt)), ext, -1,
                    null));
            long ssrc = m.ssrcs().isEmpty() ? -1 : m.ssrcs().getFirst();
            long rtxSsrc = rtxPt >= 0 && ssrc >= 0 ? m.rtxSsrcs().getOrDefault(ssrc, -1L) : -1;
            int midExt = -1;
            for (Extmap e : ext) {
                if (e.uri().equals(Extmap.SDES_MID)) {
                    midExt = e.id();
                }
            }
            tracks.add(new IngestTrack(medias.size(), m.mid(), c.payloadType(), ssrc, rtxPt, rtxSsrc, nack,
                    fb.contains("nack pli"), fb.contains("ccm fir"), midExt));
            medias.add(new MediaDesc(m.type(), m.mid(), List.of(c.toFormat())));
            if (!offer.bundleMids().isEmpty()) {
                bundle.add(m.mid());
            }
        }
        if (tracks.isEmpty()) {
            if (!anySending) {
                throw new WebrtcNegotiationException(Reason.NO_MEDIA, "the offer sends no audio or video ("
                        + WebrtcNegotiator.summary(offer) + "); a WHIP offer must have sendonly or sendrecv media");
            }
            throw new WebrtcNegotiationException(Reason.NO_COMMON_CODEC, "no common codec: offered "
                    + String.join(", ", offered) + "; Sluice takes " + TAKES);
        }
        DtlsSetup setup = local.setup().answering(offer.setup());
        String sdp = WebrtcSdpWriter.write(local, setup, bundle, sections, random);
        return new Ingest(sdp, new StreamDesc(medias), tracks, cc);
    }

    /**
     * The congestion feedback Sluice will send, offered only where it is sent: transport-cc when some
     * sending section offers both the rtcp-fb and the transport-wide sequence number extension (one id
     * for the whole BUNDLE transport, RFC 8843 §9.2), else REMB when some offers goog-remb (then with
     * abs-send-time for its delay signal, when offered).
     */
    private static IngestFeedback congestionFeedback(WebrtcSession offer) {
        int twccId = -1;
        int absId = -1;
        boolean remb = false;
        for (WebrtcMedia m : offer.medias()) {
            if (m.rejected() || !m.direction().sends()) {
                continue;
            }
            boolean twccFb = m.codecs().stream().anyMatch(c -> c.rtcpFb().contains("transport-cc"));
            remb |= m.codecs().stream().anyMatch(c -> c.rtcpFb().contains("goog-remb"));
            for (Extmap e : m.extmaps()) {
                if (twccFb && twccId < 0 && e.uri().equals(Extmap.TRANSPORT_WIDE_CC)) {
                    twccId = e.id();
                }
                if (absId < 0 && e.uri().equals(Extmap.ABS_SEND_TIME)) {
                    absId = e.id();
                }
            }
        }
        if (twccId > 0) {
            return new IngestFeedback(twccId, false, -1);
        }
        return remb ? new IngestFeedback(-1, true, absId) : IngestFeedback.NONE;
    }

    /**
     * The first offered payload format Sluice can forward (offer order is the publisher's
     * preference), except that an H264 packetization-mode 0 format loses to any mode-1 one: mode 1
     * lets the publisher fragment large NAL units.
     */
    private static RtpCodec choose(WebrtcMedia m) {
        boolean mode1 = m.codecs().stream().anyMatch(c -> ingestible(c, m.type()) && c.codec() == Codec.H264
                && CodecMatcher.packetizationMode(c.fmtpParam("packetization-mode")) == 1);
        for (RtpCodec c : m.codecs()) {
            if (ingestible(c, m.type()) && !(mode1 && c.codec() == Codec.H264
                    && CodecMatcher.packetizationMode(c.fmtpParam("packetization-mode")) != 1)) {
                return c;
            }
        }
        return null;
    }

    private static boolean ingestible(RtpCodec c, MediaType type) {
        Codec codec = c.codec();
        if (!CodecMatcher.webrtcCarries(codec) || CodecMatcher.mediaType(codec) != type
                || c.clockRate() != CodecMatcher.clockRate(codec)) {
            return false;
        }
        int mode = CodecMatcher.packetizationMode(c.fmtpParam("packetization-mode"));
        // mode 2 (interleaved) needs DON reordering, which Sluice does not do
        return codec != Codec.H264 || mode == 0 || mode == 1;
    }
}
