package io.sluice.protocol.webrtc;

import io.sluice.stream.MediaType;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * WebrtcSdpWriter writes the SDP Sluice sends: one BUNDLE transport with rtcp-mux, full ICE (never
 * {@code a=ice-lite}: Sluice runs a full ice4j agent), trickle-capable, and DTLS-SRTP.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8829#section-5.2.1">RFC 8829 §5.2.1 (initial offers)</a>
 */
final class WebrtcSdpWriter {
    private static final String PROTO = "UDP/TLS/RTP/SAVPF";

    private WebrtcSdpWriter() {
    }

    /**
     * One m= section to write.
     *
     * @param rejectedFormat non-null for a rejected section: the fmt to put on its m= line
     * @param codecs the payload formats with the rtcp-fb values and RTX payload type to write
     * @param ssrc Sluice's SSRC when it sends in this section, else -1
     * @param trackId the {@code a=msid} track id when sending
     */
    record Section(MediaType type, String mid, String rejectedFormat, Direction direction, List<RtpCodec> codecs,
            List<Extmap> extmaps, long ssrc, String trackId) {

        /** The port-0 answer to an offered section Sluice does not use (RFC 8829 §5.3.1). */
        static Section rejected(WebrtcMedia offered) {
            String fmt;
            if (offered.codecs().isEmpty()) {
                fmt = offered.type() == MediaType.APPLICATION ? "webrtc-datachannel" : "0";
            } else {
                fmt = Integer.toString(offered.codecs().getFirst().payloadType());
            }
            return new Section(offered.type(), offered.mid(), fmt, Direction.INACTIVE, List.of(), List.of(), -1, null);
        }
    }

    static String write(LocalEndpoint local, DtlsSetup setup, List<String> bundleMids, List<Section> sections,
            RandomGenerator random) {
        StringBuilder sb = new StringBuilder(2048);
        line(sb, "v=0");
        // o= session id: random, 63 bits so it stays positive (RFC 8829 §5.2.1)
        line(sb, "o=- " + (random.nextLong() & Long.MAX_VALUE) + " 2 IN IP4 127.0.0.1");
        line(sb, "s=-");
        line(sb, "t=0 0");
        if (!bundleMids.isEmpty()) {
            line(sb, "a=group:BUNDLE " + String.join(" ", bundleMids));
        }
        line(sb, "a=msid-semantic: WMS *");
        for (Section s : sections) {
            if (s.rejectedFormat() != null) {
                boolean data = s.rejectedFormat().equals("webrtc-datachannel");
                line(sb, "m=" + s.type().sdpName() + " 0 " + (data ? "UDP/DTLS/SCTP" : PROTO) + " " + s.rejectedFormat());
                line(sb, "c=IN IP4 0.0.0.0");
                if (!s.mid().isEmpty()) {
                    line(sb, "a=mid:" + s.mid());
                }
                line(sb, "a=inactive");
                continue;
            }
            writeSection(sb, local, setup, s);
        }
        return sb.toString();
    }

    private static void writeSection(StringBuilder sb, LocalEndpoint local, DtlsSetup setup, Section s) {
        StringBuilder pts = new StringBuilder();
        for (RtpCodec c : s.codecs()) {
            pts.append(' ').append(c.payloadType());
            if (c.rtxPayloadType() >= 0) {
                pts.append(' ').append(c.rtxPayloadType());
            }
        }
        line(sb, "m=" + s.type().sdpName() + " 9 " + PROTO + pts);
        line(sb, "c=IN IP4 0.0.0.0");
        line(sb, "a=rtcp:9 IN IP4 0.0.0.0");
        line(sb, "a=ice-ufrag:" + local.ice().ufrag());
        line(sb, "a=ice-pwd:" + local.ice().pwd());
        line(sb, "a=ice-options:trickle");
        line(sb, "a=fingerprint:" + local.fingerprint().sdp());
        line(sb, "a=setup:" + setup.sdp());
        if (!s.mid().isEmpty()) {
            line(sb, "a=mid:" + s.mid());
        }
        for (Extmap e : s.extmaps()) {
            line(sb, "a=extmap:" + e.id() + " " + e.uri());
        }
        line(sb, "a=" + s.direction().sdp());
        if (s.ssrc() >= 0) {
            line(sb, "a=msid:" + local.cname() + " " + s.trackId());
        }
        // a=rtcp-rsize is never written: WebrtcMedia does not say whether it was offered, and
        // without it both sides send compound RTCP, which is always valid (RFC 5506 §5)
        line(sb, "a=rtcp-mux");
        for (RtpCodec c : s.codecs()) {
            line(sb, "a=rtpmap:" + c.payloadType() + " " + c.rtpmap());
            for (String fb : c.rtcpFb()) {
                line(sb, "a=rtcp-fb:" + c.payloadType() + " " + fb);
            }
            if (!c.fmtp().isEmpty()) {
                line(sb, "a=fmtp:" + c.payloadType() + " " + c.fmtp());
            }
            if (c.rtxPayloadType() >= 0) {
                line(sb, "a=rtpmap:" + c.rtxPayloadType() + " rtx/" + c.clockRate());
                line(sb, "a=fmtp:" + c.rtxPayloadType() + " apt=" + c.payloadType());
            }
        }
        if (s.ssrc() >= 0) {
            line(sb, "a=ssrc:" + s.ssrc() + " cname:" + local.cname());
        }
        for (IceCandidate c : local.candidates()) {
            line(sb, "a=candidate:" + c.sdp());
        }
        // an empty list means candidates will trickle, so their end is not announced yet
        if (!local.candidates().isEmpty()) {
            line(sb, "a=end-of-candidates");
        }
    }

    private static void line(StringBuilder sb, String text) {
        sb.append(text).append("\r\n");
    }

    /** A random SSRC, non-zero (some stacks treat 0 as unset) and not in {@code taken}. */
    static long ssrc(RandomGenerator random, List<Long> taken) {
        long v;
        do {
            v = random.nextLong() & 0xFFFF_FFFFL;
        } while (v == 0 || taken.contains(v));
        return v;
    }
}
