package io.sluice.protocol.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * SessionDescription is a parsed SDP document (RFC 8866, as used by RTSP in RFC 2326 §C): the
 * session-level lines and the media sections, kept in order so that {@link #format()} reproduces
 * what a peer sent.
 *
 * <p>The parser accepts what real peers send rather than only what the RFC allows: LF-only line
 * endings, trailing spaces, empty lines, and missing {@code s=}/{@code t=} lines (some IP cameras
 * omit them). {@link #format()} always writes CRLF and the mandatory lines.
 *
 * @param version the {@code v=} value (always 0 in practice)
 * @param origin the raw {@code o=} value, or null when absent
 * @param sessionName the {@code s=} value, or null when absent
 * @param information the session {@code i=} value, or null
 * @param connection the session {@code c=} value, or null
 * @param bandwidths the session {@code b=} values
 * @param times the {@code t=} values ("0 0" for RTSP)
 * @param attributes the session {@code a=} lines in order
 * @param otherLines other session lines ({@code u= e= p= r= z= k=}) as raw "x=value" text
 * @param medias the media sections in order
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8866#section-5">RFC 8866 §5</a>
 */
public record SessionDescription(int version, String origin, String sessionName, String information,
        String connection, List<String> bandwidths, List<String> times, List<SdpAttribute> attributes,
        List<String> otherLines, List<MediaDescription> medias) {

    /** Longest SDP accepted; an RTSP body is capped well below this anyway. */
    static final int MAX_LENGTH = 64 * 1024;

    public SessionDescription {
        bandwidths = List.copyOf(bandwidths);
        times = List.copyOf(times);
        attributes = List.copyOf(attributes);
        otherLines = List.copyOf(otherLines);
        medias = List.copyOf(medias);
    }

    /** Parses SDP text; throws {@link SdpException} naming the first line that cannot be understood. */
    public static SessionDescription parse(String text) throws SdpException {
        if (text.length() > MAX_LENGTH) {
            throw new SdpException("SDP of " + text.length() + " chars exceeds limit of " + MAX_LENGTH);
        }
        Integer version = null;
        String origin = null;
        String name = null;
        String info = null;
        String conn = null;
        List<String> bws = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<SdpAttribute> attrs = new ArrayList<>();
        List<String> others = new ArrayList<>();
        List<MediaDescription> medias = new ArrayList<>();
        MediaBuilder media = null;

        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int no = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException("expected <letter>=<value>", no, line);
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (version == null) {
                if (type != 'v') {
                    throw new SdpException("expected v=0 as first line", no, line);
                }
                try {
                    version = Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    throw new SdpException("invalid version", no, line);
                }
                continue;
            }
            if (type == 'm') {
                if (media != null) {
                    medias.add(media.build());
                }
                media = MediaBuilder.parse(value, no, line);
                continue;
            }
            if (media != null) {
                switch (type) {
                    case 'i' -> media.information = value;
                    case 'c' -> media.connection = value;
                    case 'b' -> media.bandwidths.add(value);
                    case 'a' -> media.attributes.add(SdpAttribute.parse(value));
                    // session-level lines misplaced inside a media section are kept, not rejected
                    default -> media.otherLines.add(line);
                }
                continue;
            }
            switch (type) {
                case 'o' -> origin = value;
                case 's' -> name = value;
                case 'i' -> info = value;
                case 'c' -> conn = value;
                case 'b' -> bws.add(value);
                case 't' -> times.add(value);
                case 'a' -> attrs.add(SdpAttribute.parse(value));
                case 'v' -> throw new SdpException("duplicate v= line", no, line);
                default -> others.add(line);
            }
        }
        if (version == null) {
            throw new SdpException("empty SDP: no v= line");
        }
        if (media != null) {
            medias.add(media.build());
        }
        return new SessionDescription(version, origin, name, info, conn, bws, times, attrs, others, medias);
    }

    /** The SDP text with CRLF line endings; a missing s= or t= is written as "s=-" / "t=0 0". */
    public String format() {
        StringBuilder sb = new StringBuilder(512);
        line(sb, 'v', Integer.toString(version));
        line(sb, 'o', origin);
        line(sb, 's', sessionName == null ? "-" : sessionName);
        line(sb, 'i', information);
        for (String o : otherLines) {
            if ("uep".indexOf(o.charAt(0)) >= 0) {
                sb.append(o).append("\r\n");
            }
        }
        line(sb, 'c', connection);
        for (String b : bandwidths) {
            line(sb, 'b', b);
        }
        if (times.isEmpty()) {
            line(sb, 't', "0 0");
        }
        for (String t : times) {
            line(sb, 't', t);
        }
        for (String o : otherLines) {
            if ("uep".indexOf(o.charAt(0)) < 0) {
                sb.append(o).append("\r\n");
            }
        }
        for (SdpAttribute a : attributes) {
            line(sb, 'a', a.format());
        }
        for (MediaDescription m : medias) {
            m.format(sb);
        }
        return sb.toString();
    }

    /** The value of the first session attribute with this name (case-insensitive), or null. */
    public String attribute(String name) {
        return firstValue(attributes, name);
    }

    /** The session-level {@code a=control} value, or "" when absent. */
    public String control() {
        String c = attribute("control");
        return c == null ? "" : c;
    }

    static void line(StringBuilder sb, char type, String value) {
        if (value != null) {
            sb.append(type).append('=').append(value).append("\r\n");
        }
    }

    static String firstValue(List<SdpAttribute> attributes, String name) {
        for (SdpAttribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    static List<String> allValues(List<SdpAttribute> attributes, String name) {
        List<String> out = new ArrayList<>();
        for (SdpAttribute a : attributes) {
            if (a.name().equalsIgnoreCase(name)) {
                out.add(a.value() == null ? "" : a.value());
            }
        }
        return out;
    }

    private static final class MediaBuilder {
        final String media;
        final int port;
        final int portCount;
        final String proto;
        final List<String> formats;
        String information;
        String connection;
        final List<String> bandwidths = new ArrayList<>();
        final List<SdpAttribute> attributes = new ArrayList<>();
        final List<String> otherLines = new ArrayList<>();

        private MediaBuilder(String media, int port, int portCount, String proto, List<String> formats) {
            this.media = media;
            this.port = port;
            this.portCount = portCount;
            this.proto = proto;
            this.formats = formats;
        }

        static MediaBuilder parse(String value, int no, String line) throws SdpException {
            String[] parts = value.trim().split(" +");
            if (parts.length < 3) {
                throw new SdpException("expected m=<media> <port> <proto> <fmt>...", no, line);
            }
            String portText = parts[1];
            int slash = portText.indexOf('/');
            int port;
            int count = 0;
            try {
                port = Integer.parseInt(slash < 0 ? portText : portText.substring(0, slash));
                if (slash >= 0) {
                    count = Integer.parseInt(portText.substring(slash + 1));
                }
            } catch (NumberFormatException e) {
                throw new SdpException("invalid port \"" + portText + "\"", no, line);
            }
            if (port < 0 || port > 65535 || count < 0) {
                throw new SdpException("invalid port \"" + portText + "\"", no, line);
            }
            List<String> fmts = new ArrayList<>(List.of(parts).subList(3, parts.length));
            return new MediaBuilder(parts[0], port, count, parts[2], fmts);
        }

        MediaDescription build() {
            return new MediaDescription(media, port, portCount, proto, formats, information, connection,
                    bandwidths, attributes, otherLines);
        }
    }
}
