package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.MediaDescription;
import io.sluice.protocol.sdp.SdpAttribute;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.stream.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WebrtcSdpParser turns the generic {@link SessionDescription} into a {@link WebrtcSession}: it
 * resolves session-level and BUNDLE-inherited transport attributes and validates what WebRTC needs.
 */
final class WebrtcSdpParser {

    private WebrtcSdpParser() {
    }

    static WebrtcSession parse(String text) throws SdpException {
        SessionDescription sd = SessionDescription.parse(text);
        if (sd.medias().isEmpty()) {
            throw new SdpException("SDP has no media (m=) section");
        }
        List<String> bundle = bundleGroup(sd.attributes());
        Transport session = Transport.of(sd.attributes(), "session level");
        Direction sessionDirection = direction(sd.attributes());
        List<MediaDescription> raw = sd.medias();
        List<Transport> transports = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            transports.add(Transport.of(raw.get(i).attributes(), where(raw.get(i), i)));
        }
        // RFC 8843 §7.1.3 lets bundled sections other than the tagged (first) one omit the
        // transport attributes; they share the tagged section's transport.
        int tag = -1;
        for (int i = 0; i < raw.size() && !bundle.isEmpty(); i++) {
            if (bundle.getFirst().equals(raw.get(i).attribute("mid"))) {
                tag = i;
            }
        }
        List<WebrtcMedia> medias = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            MediaDescription m = raw.get(i);
            String mid = m.attribute("mid") == null ? "" : m.attribute("mid");
            boolean bundled = !mid.isEmpty() && bundle.contains(mid);
            int port = m.port();
            if (port == 0 && bundled && m.attribute("bundle-only") != null) {
                int tagPort = tag >= 0 ? raw.get(tag).port() : 0;
                port = tagPort != 0 ? tagPort : 9;
            }
            Transport t = transports.get(i).or(session);
            if (bundled && tag >= 0) {
                t = t.or(transports.get(tag)).or(session);
            }
            String where = where(m, i);
            if (port != 0) {
                if (t.ufrag == null || t.pwd == null) {
                    throw new SdpException(where + ": missing a=" + (t.ufrag == null ? "ice-ufrag" : "ice-pwd")
                            + " (neither in the section nor at session level)");
                }
                if (t.fingerprint == null) {
                    throw new SdpException(where + ": missing a=fingerprint (neither in the section nor at session"
                            + " level); WebRTC requires DTLS-SRTP");
                }
            }
            Direction d = direction(m.attributes());
            IceParams ice = t.ufrag != null && t.pwd != null ? new IceParams(t.ufrag, t.pwd) : null;
            SsrcInfo ssrc = SsrcInfo.parse(m, where);
            medias.add(new WebrtcMedia(mid, MediaType.fromSdp(m.media()), port,
                    d != null ? d : sessionDirection != null ? sessionDirection : Direction.SENDRECV,
                    RtpCodecParser.codecs(m, where), extmaps(m, where), ssrc.primaries(), ssrc.rtx(), ssrc.cname(),
                    ice, t.fingerprint, t.setup, candidates(m, where),
                    m.attribute("rtcp-mux") != null || m.attribute("rtcp-mux-only") != null));
        }
        return new WebrtcSession(bundle, medias, sessionAttr(sd.attributes(), "ice-lite") != null);
    }

    static String where(MediaDescription m, int index) {
        String mid = m.attribute("mid");
        return "media " + index + " (m=" + m.media() + (mid != null ? ", mid " + mid : "") + ")";
    }

    private static List<String> bundleGroup(List<SdpAttribute> attrs) {
        for (SdpAttribute a : attrs) {
            if (a.name().equalsIgnoreCase("group") && a.value() != null) {
                String[] p = a.value().trim().split("\\s+");
                if (p[0].equalsIgnoreCase("BUNDLE")) {
                    return List.of(p).subList(1, p.length);
                }
            }
        }
        return List.of();
    }

    private static Direction direction(List<SdpAttribute> attrs) {
        for (SdpAttribute a : attrs) {
            Direction d = Direction.fromAttribute(a.name());
            if (d != null && a.value() == null) {
                return d;
            }
        }
        return null;
    }

    static String sessionAttr(List<SdpAttribute> attrs, String name) {
        for (SdpAttribute a : attrs) {
            if (a.name().equalsIgnoreCase(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    private static List<Extmap> extmaps(MediaDescription m, String where) throws SdpException {
        List<Extmap> out = new ArrayList<>();
        for (String v : m.attributes("extmap")) {
            String[] p = v.trim().split("\\s+");
            String id = p[0];
            int slash = id.indexOf('/'); // "<id>/<direction>"
            if (slash >= 0) {
                id = id.substring(0, slash);
            }
            int n;
            try {
                n = Integer.parseInt(id);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 255 || p.length < 2) {
                throw new SdpException(where + ": invalid a=extmap:" + v + ", expected <id 1..255> <uri>");
            }
            out.add(new Extmap(n, p[1]));
        }
        return out;
    }

    private static List<IceCandidate> candidates(MediaDescription m, String where) throws SdpException {
        List<IceCandidate> out = new ArrayList<>();
        for (String v : m.attributes("candidate")) {
            try {
                out.add(IceCandidate.parse(v));
            } catch (SdpException e) {
                throw new SdpException(where + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Transport attributes of one level (session or media); null fields are absent. */
    private record Transport(String ufrag, String pwd, DtlsFingerprint fingerprint, DtlsSetup setup) {

        static Transport of(List<SdpAttribute> attrs, String where) throws SdpException {
            DtlsFingerprint fp = null;
            for (SdpAttribute a : attrs) {
                if (a.name().equalsIgnoreCase("fingerprint")) {
                    DtlsFingerprint f;
                    try {
                        f = DtlsFingerprint.parse(a.value());
                    } catch (SdpException e) {
                        throw new SdpException(where + ": " + e.getMessage());
                    }
                    // several hash functions may be offered; sha-256 is the one every stack checks
                    if (fp == null || f.algorithm().equals("sha-256") && !fp.algorithm().equals("sha-256")) {
                        fp = f;
                    }
                }
            }
            String setup = sessionAttr(attrs, "setup");
            DtlsSetup s = null;
            if (setup != null) {
                try {
                    s = DtlsSetup.parse(setup);
                } catch (SdpException e) {
                    throw new SdpException(where + ": " + e.getMessage());
                }
            }
            return new Transport(sessionAttr(attrs, "ice-ufrag"), sessionAttr(attrs, "ice-pwd"), fp, s);
        }

        /** These values, completed by {@code other}'s where absent. */
        Transport or(Transport other) {
            return new Transport(ufrag != null ? ufrag : other.ufrag, pwd != null ? pwd : other.pwd,
                    fingerprint != null ? fingerprint : other.fingerprint, setup != null ? setup : other.setup);
        }
    }

    /** The a=ssrc and a=ssrc-group lines of one section (RFC 5576). */
    private record SsrcInfo(List<Long> primaries, Map<Long, Long> rtx, String cname) {

        static SsrcInfo parse(MediaDescription m, String where) throws SdpException {
            List<Long> all = new ArrayList<>();
            String cname = "";
            for (String v : m.attributes("ssrc")) {
                String[] p = v.trim().split("\\s+", 2);
                long ssrc = ssrc(p[0], "a=ssrc:" + v, where);
                if (!all.contains(ssrc)) {
                    all.add(ssrc);
                }
                if (cname.isEmpty() && p.length > 1 && p[1].regionMatches(true, 0, "cname:", 0, 6)) {
                    cname = p[1].substring(6).trim();
                }
            }
            Map<Long, Long> rtx = new LinkedHashMap<>();
            List<Long> secondaries = new ArrayList<>();
            for (String v : m.attributes("ssrc-group")) {
                String[] p = v.trim().split("\\s+");
                // FID pairs a media SSRC with its RTX SSRC, FEC-FR with its FEC SSRC; SIM lists
                // simulcast layers, which are all primary
                if ((p[0].equalsIgnoreCase("FID") || p[0].equalsIgnoreCase("FEC-FR")) && p.length >= 3) {
                    long primary = ssrc(p[1], "a=ssrc-group:" + v, where);
                    long secondary = ssrc(p[2], "a=ssrc-group:" + v, where);
                    secondaries.add(secondary);
                    if (p[0].equalsIgnoreCase("FID")) {
                        rtx.put(primary, secondary);
                    }
                }
            }
            all.removeAll(secondaries);
            return new SsrcInfo(all, rtx, cname);
        }

        private static long ssrc(String text, String line, String where) throws SdpException {
            try {
                long v = Long.parseLong(text);
                if (v >= 0 && v <= 0xFFFF_FFFFL) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new SdpException(where + ": invalid SSRC \"" + text + "\" in " + line + ", expected 0..4294967295");
        }
    }
}
