package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.MediaDescription;
import io.sluice.protocol.sdp.SdpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RtpCodecParser reads the payload formats of one m= section: rtpmap, fmtp and rtcp-fb per payload
 * type, with RTX formats (RFC 4588 §8.6) folded into the format their {@code apt=} names.
 */
final class RtpCodecParser {

    private RtpCodecParser() {
    }

    private record Rtpmap(String name, int clock, int channels) {
    }

    static List<RtpCodec> codecs(MediaDescription m, String where) throws SdpException {
        // data channels ("UDP/DTLS/SCTP webrtc-datachannel") have no payload types
        if (!m.proto().toUpperCase(Locale.ROOT).contains("RTP")) {
            return List.of();
        }
        List<Integer> pts = new ArrayList<>();
        for (String f : m.formats()) {
            Integer pt = payloadType(f);
            if (pt == null) {
                throw new SdpException(where + ": non-numeric payload type \"" + f + "\" on the m= line, expected 0..127");
            }
            pts.add(pt);
        }
        Map<Integer, Rtpmap> rtpmaps = new LinkedHashMap<>();
        for (String v : m.attributes("rtpmap")) {
            String[] p = v.trim().split("\\s+", 2);
            Integer pt = payloadType(p[0]);
            if (pt == null) {
                throw new SdpException(where + ": non-numeric payload type in a=rtpmap:" + v);
            }
            if (!pts.contains(pt)) {
                throw new SdpException(where + ": a=rtpmap:" + v + " is for payload type " + pt
                        + ", which is not on the m= line (" + String.join(" ", m.formats()) + ")");
            }
            rtpmaps.putIfAbsent(pt, rtpmap(p.length > 1 ? p[1] : "", v, where));
        }
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        for (String v : m.attributes("fmtp")) {
            String[] p = v.trim().split("\\s+", 2);
            Integer pt = payloadType(p[0]);
            if (pt != null) {
                fmtps.putIfAbsent(pt, p.length > 1 ? p[1] : "");
            }
        }
        Map<Integer, List<String>> feedback = new LinkedHashMap<>();
        List<String> wildcard = new ArrayList<>();
        for (String v : m.attributes("rtcp-fb")) {
            String[] p = v.trim().split("\\s+", 2);
            if (p.length < 2) {
                continue;
            }
            String fb = RtpCodec.normalizeFeedback(p[1]);
            if (p[0].equals("*")) {
                wildcard.add(fb); // RFC 4585 §4.2: applies to every payload type
            } else {
                Integer pt = payloadType(p[0]);
                if (pt != null) {
                    feedback.computeIfAbsent(pt, k -> new ArrayList<>()).add(fb);
                }
            }
        }
        Map<Integer, Integer> rtxFor = new LinkedHashMap<>(); // apt → rtx pt
        List<Integer> rtxPts = new ArrayList<>();
        for (int pt : pts) {
            Rtpmap r = rtpmaps.get(pt);
            if (r != null && r.name().equalsIgnoreCase("rtx")) {
                rtxPts.add(pt);
                Integer apt = payloadType(param(fmtps.get(pt), "apt"));
                if (apt != null) {
                    rtxFor.putIfAbsent(apt, pt);
                }
            }
        }
        List<RtpCodec> out = new ArrayList<>();
        for (int pt : pts) {
            if (rtxPts.contains(pt) || out.stream().anyMatch(c -> c.payloadType() == pt)) {
                continue;
            }
            Rtpmap r = rtpmaps.get(pt);
            if (r == null) {
                r = staticRtpmap(pt);
            }
            if (r == null && m.port() == 0) {
                continue; // a rejected section keeps one fmt on its m= line and nothing else (RFC 8829 §5.3.1)
            }
            if (r == null) {
                throw new SdpException(where + ": payload type " + pt
                        + " has no a=rtpmap and is not a static payload type WebRTC uses (0, 8, 9, 13)");
            }
            List<String> fb = new ArrayList<>(feedback.getOrDefault(pt, List.of()));
            for (String w : wildcard) {
                if (!fb.contains(w)) {
                    fb.add(w);
                }
            }
            out.add(new RtpCodec(pt, r.name(), r.clock(), r.channels(), fmtps.getOrDefault(pt, ""), fb,
                    rtxFor.getOrDefault(pt, -1)));
        }
        return out;
    }

    private static Rtpmap rtpmap(String text, String line, String where) throws SdpException {
        String[] p = text.trim().split("/");
        try {
            if (p.length >= 2 && p.length <= 3 && !p[0].isBlank()) {
                int clock = Integer.parseInt(p[1].trim());
                int channels = p.length > 2 ? Integer.parseInt(p[2].trim()) : 0;
                if (clock > 0 && channels >= 0) {
                    return new Rtpmap(p[0].trim(), clock, channels);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SdpException(where + ": invalid a=rtpmap:" + line + ", expected <pt> <name>/<clock>[/<channels>]");
    }

    /** RFC 3551 static types that browsers list without needing an rtpmap. */
    private static Rtpmap staticRtpmap(int pt) {
        return switch (pt) {
            case 0 -> new Rtpmap("PCMU", 8000, 0);
            case 8 -> new Rtpmap("PCMA", 8000, 0);
            case 9 -> new Rtpmap("G722", 8000, 0);
            case 13 -> new Rtpmap("CN", 8000, 0);
            default -> null;
        };
    }

    static Integer payloadType(String text) {
        if (text == null || text.isEmpty() || text.length() > 3) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        int v = Integer.parseInt(text);
        return v <= 127 ? v : null;
    }

    /** One "key=value" of an fmtp string, by case-insensitive key, or null. */
    static String param(String fmtp, String key) {
        if (fmtp == null) {
            return null;
        }
        for (String part : fmtp.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(key)) {
                return part.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
