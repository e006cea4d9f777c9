package io.sluice.protocol.sdp;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * SdpStreamMapper maps between SDP and {@link StreamDesc}: the RTSP server uses it for ANNOUNCE
 * (SDP → stream) and DESCRIBE (stream → SDP), and the RTSP forwarder for its ANNOUNCE, so a remote
 * server and a local reader see the same description.
 *
 * <p>Codec parameters travel unchanged: {@link Format#fmtp()} is the publisher's {@code a=fmtp} text
 * and is written back verbatim, so an RTP passthrough target decodes exactly what was announced.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3551#section-6">RFC 3551 §6 (static payload types)</a>
 */
public final class SdpStreamMapper {

    private SdpStreamMapper() {
    }

    /** Static payload types of RFC 3551 Tables 4 and 5 that may appear without an rtpmap: name, clock, channels. */
    private record Static(String name, int clockRate, int channels) {
    }

    private static Static staticType(int pt) {
        return switch (pt) {
            case 0 -> new Static("PCMU", 8000, 1);
            case 3 -> new Static("GSM", 8000, 1);
            case 4 -> new Static("G723", 8000, 1);
            case 5 -> new Static("DVI4", 8000, 1);
            case 6 -> new Static("DVI4", 16000, 1);
            case 7 -> new Static("LPC", 8000, 1);
            case 8 -> new Static("PCMA", 8000, 1);
            // G722's RTP clock is 8000 although it samples at 16 kHz (RFC 3551 §4.5.2)
            case 9 -> new Static("G722", 8000, 1);
            case 10 -> new Static("L16", 44100, 2);
            case 11 -> new Static("L16", 44100, 1);
            case 12 -> new Static("QCELP", 8000, 1);
            case 13 -> new Static("CN", 8000, 1);
            case 14 -> new Static("MPA", 90000, 0);
            case 15 -> new Static("G728", 8000, 1);
            case 16 -> new Static("DVI4", 11025, 1);
            case 17 -> new Static("DVI4", 22050, 1);
            case 18 -> new Static("G729", 8000, 1);
            case 25 -> new Static("CelB", 90000, 0);
            case 26 -> new Static("JPEG", 90000, 0);
            case 28 -> new Static("nv", 90000, 0);
            case 31 -> new Static("H261", 90000, 0);
            case 32 -> new Static("MPV", 90000, 0);
            case 33 -> new Static("MP2T", 90000, 0);
            case 34 -> new Static("H263", 90000, 0);
            default -> null;
        };
    }

    /**
     * The stream a publisher announced. Each m= section becomes a {@link MediaDesc} whose control is
     * the raw {@code a=control} value; non-RTP formats (e.g. "webrtc-datachannel") are skipped.
     *
     * @throws SdpException when a dynamic payload type has no rtpmap, an rtpmap is malformed, or a
     *     media has no usable format
     */
    public static StreamDesc toStream(SessionDescription sdp) throws SdpException {
        List<MediaDesc> medias = new ArrayList<>(sdp.medias().size());
        for (int i = 0; i < sdp.medias().size(); i++) {
            MediaDescription m = sdp.medias().get(i);
            MediaType type = MediaType.fromSdp(m.media());
            List<Format> formats = new ArrayList<>();
            for (int pt : m.payloadTypes()) {
                formats.add(format(m, i, type, pt));
            }
            if (formats.isEmpty()) {
                throw new SdpException("media " + i + " (m=" + m.media() + " " + m.port() + " " + m.proto() + " "
                        + String.join(" ", m.formats()) + ") has no usable RTP payload format");
            }
            medias.add(new MediaDesc(type, m.control(), formats));
        }
        if (medias.isEmpty()) {
            throw new SdpException("SDP has no media (m=) sections");
        }
        return new StreamDesc(medias);
    }

    private static Format format(MediaDescription m, int index, MediaType type, int pt) throws SdpException {
        String rtpmap = paramFor(m, "rtpmap", pt);
        String fmtp = paramFor(m, "fmtp", pt);
        String name;
        int clock;
        int channels;
        if (rtpmap != null) {
            // encoding-name/clock-rate[/channels]
            String[] p = rtpmap.trim().split("/");
            if (p.length < 2 || p[0].isBlank()) {
                throw new SdpException("media " + index + ": invalid rtpmap \"" + pt + " " + rtpmap
                        + "\", expected <name>/<clock>[/<channels>]");
            }
            name = p[0].trim();
            try {
                clock = Integer.parseInt(p[1].trim());
                channels = p.length > 2 ? Integer.parseInt(p[2].trim()) : 0;
            } catch (NumberFormatException e) {
                throw new SdpException("media " + index + ": invalid rtpmap \"" + pt + " " + rtpmap
                        + "\", expected numeric clock rate and channels");
            }
            if (clock <= 0 || channels < 0) {
                throw new SdpException("media " + index + ": invalid rtpmap \"" + pt + " " + rtpmap + "\"");
            }
        } else {
            Static s = staticType(pt);
            if (s == null) {
                throw new SdpException("media " + index + " (" + m.media() + "): payload type " + pt
                        + " has no a=rtpmap and is not a static RTP/AVP payload type");
            }
            name = s.name();
            clock = s.clockRate();
            channels = s.channels();
        }
        Format probe = new Format(pt, Codec.OTHER, name, clock, channels, fmtp);
        return new Format(pt, codecOf(type, probe), name, clock, channels, fmtp);
    }

    /** The value after "<pt> " of the first {@code a=<attr>:<pt> value} line, "" for "a=fmtp:96", or null. */
    private static String paramFor(MediaDescription m, String attr, int pt) {
        for (String v : m.attributes(attr)) {
            int sp = 0;
            while (sp < v.length() && v.charAt(sp) != ' ' && v.charAt(sp) != '\t') {
                sp++;
            }
            Integer p = MediaDescription.parsePayloadType(v.substring(0, sp));
            if (p != null && p == pt) {
                return v.substring(sp).trim();
            }
        }
        return null;
    }

    /** The codec for an encoding name, case-insensitively, as peers write "opus", "OPUS", "mpeg4-generic". */
    static Codec codecOf(MediaType type, Format f) {
        return switch (f.encodingName().toUpperCase(Locale.ROOT)) {
            case "H264" -> Codec.H264;
            case "H265", "HEVC" -> Codec.H265;
            case "AV1" -> Codec.AV1;
            case "VP8" -> Codec.VP8;
            case "VP9" -> Codec.VP9;
            // MPEG4-GENERIC also carries video and CELP; only the AAC modes are AAC with AU headers
            case "MPEG4-GENERIC" -> type == MediaType.AUDIO && isAacMode(f.fmtpParam("mode"))
                    ? Codec.MPEG4_AUDIO : Codec.OTHER;
            case "MP4A-LATM" -> Codec.MPEG4_AUDIO_LATM;
            case "OPUS" -> Codec.OPUS;
            case "PCMU" -> Codec.G711_PCMU;
            case "PCMA" -> Codec.G711_PCMA;
            case "G722" -> Codec.G722;
            case "MPA" -> Codec.MPEG1_AUDIO;
            case "MP4V-ES" -> Codec.MPEG4_VIDEO;
            default -> Codec.OTHER;
        };
    }

    private static boolean isAacMode(String mode) {
        return mode != null && (mode.equalsIgnoreCase("AAC-hbr") || mode.equalsIgnoreCase("AAC-lbr"));
    }

    /**
     * The SDP that describes a stream to an RTSP reader (DESCRIBE) or a remote server (ANNOUNCE).
     *
     * <p>{@code toStream(parse(fromStream(d).format()))} equals {@code d} except for the controls,
     * provided each format's codec is the one its encoding name maps to.
     *
     * @param sessionName the s= value (e.g. the path name); "-" when blank
     * @param originAddress the IPv4 address for the o= line
     * @param controlForMedia the a=control value of the media with this index, e.g. "trackID=0"
     */
    public static SessionDescription fromStream(StreamDesc desc, String sessionName, String originAddress,
            Function<Integer, String> controlForMedia) {
        List<MediaDescription> medias = new ArrayList<>(desc.medias().size());
        for (int i = 0; i < desc.medias().size(); i++) {
            MediaDesc md = desc.medias().get(i);
            List<String> pts = new ArrayList<>(md.formats().size());
            List<SdpAttribute> attrs = new ArrayList<>();
            attrs.add(new SdpAttribute("control", controlForMedia.apply(i)));
            for (Format f : md.formats()) {
                pts.add(Integer.toString(f.payloadType()));
                // rtpmap is written for static types too: it is legal and spares readers the RFC 3551 table
                attrs.add(new SdpAttribute("rtpmap", f.payloadType() + " " + f.rtpmap()));
                if (!f.fmtp().isEmpty()) {
                    attrs.add(new SdpAttribute("fmtp", f.payloadType() + " " + f.fmtp()));
                }
            }
            medias.add(new MediaDescription(md.type().sdpName(), 0, "RTP/AVP", pts, attrs));
        }
        // The session id only has to be unique per origin; deriving it from the media text (String
        // hashes are stable, enum hashes are not) makes the output reproducible, and a changed
        // stream gets a different id.
        StringBuilder text = new StringBuilder();
        for (MediaDescription m : medias) {
            m.format(text);
        }
        String origin = "- " + Integer.toUnsignedString(text.toString().hashCode()) + " 1 IN IP4 " + originAddress;
        String name = sessionName == null || sessionName.isBlank() ? "-" : sessionName;
        return new SessionDescription(0, origin, name, null, "IN IP4 0.0.0.0", List.of(), List.of("0 0"),
                List.of(new SdpAttribute("tool", "Sluice"), new SdpAttribute("control", "*")),
                List.of(), medias);
    }
}
