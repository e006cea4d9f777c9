package io.sluice.conf;

import java.util.Locale;

/**
 * SourceUrlParser reads a path's {@code source:} value into a {@link SourceUrl}: remote URLs go through the
 * target URL parser (one set of rules for hosts, ports, credentials and SRT options), the MPEG-TS listener is
 * parsed here, and mediamtx's sources that Sluice does not have are refused by name rather than as unknown.
 */
final class SourceUrlParser {

    private SourceUrlParser() {
    }

    static SourceUrl parse(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty() || v.equals("publisher")) {
            return new SourceUrl.Publisher();
        }
        switch (v) {
            case "redirect" -> throw new BadValue("source 'redirect': Sluice does not redirect readers to another"
                    + " server (sourceRedirect)", SourceUrl.ACCEPTED);
            case "rpiCamera" -> throw new BadValue("source 'rpiCamera': Sluice has no Raspberry Pi camera source;"
                    + " publish it with rpicam-vid piped to ffmpeg", SourceUrl.ACCEPTED);
            default -> {
            }
        }
        int sep = v.indexOf("://");
        String scheme = sep <= 0 ? "" : v.substring(0, sep).toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "udp+mpegts", "udp" -> udpMpegts(v, v.substring(sep + 3));
            case "udp+rtp" -> throw new BadValue("source '" + Redact.url(v) + "': Sluice has no RTP-over-UDP source"
                    + " (udp+rtp with rtpSDP)", SourceUrl.ACCEPTED);
            default -> new SourceUrl.Remote(DestUrlParser.parse(v, true));
        };
    }

    /** {@code udp+mpegts://HOST:PORT[?source=IP]} (mediamtx's older form {@code udp://HOST:PORT} too). */
    private static SourceUrl.UdpMpegts udpMpegts(String raw, String rest) {
        String accepted = "udp+mpegts://HOST:PORT[?source=IP], HOST a local or multicast address";
        int q = rest.indexOf('?');
        String authority = q < 0 ? rest : rest.substring(0, q);
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        String source = "";
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.startsWith("source=")) {
                    source = pair.substring("source=".length());
                    if (!Addresses.isIpLiteral(source)) {
                        throw new BadValue("source=" + source + " in '" + raw + "' is not an IP address", accepted);
                    }
                } else if (!pair.isEmpty()) {
                    throw new BadValue("unknown option '" + pair + "' in '" + raw + "'", accepted);
                }
            }
        }
        if (authority.isEmpty() || authority.startsWith(":")) {
            throw new BadValue("missing host in '" + raw + "'", accepted);
        }
        try {
            Addresses.check(authority);
        } catch (BadValue e) {
            throw new BadValue(e.what() + " in '" + raw + "'", accepted);
        }
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(authority.substring(colon + 1));
        if (port == 0) {
            throw new BadValue("port 0 in '" + raw + "'", accepted);
        }
        return new SourceUrl.UdpMpegts(raw, host, port, source);
    }
}
