package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.SdpException;
import java.util.Locale;
import java.util.Objects;

/**
 * IceCandidate is one {@code a=candidate} value (RFC 8839 §5.1): foundation, component, transport,
 * priority, address, port, type and, for TCP, the tcptype.
 *
 * <p>The related address ({@code raddr}/{@code rport}) and extensions such as Chromium's
 * {@code generation}, {@code network-id} and {@code network-cost} are parsed over and dropped: an ICE
 * agent does not need them to pair candidates.
 *
 * @param transport as written, "udp" or "tcp" in any case
 * @param type host, srflx, prflx or relay
 * @param tcpType active, passive or so, or null when absent (UDP)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8839#section-5.1">RFC 8839 §5.1</a>
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
        int port, String type, String tcpType) {

    public IceCandidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
    }

    /** Parses a candidate value, with or without a leading "candidate:" (or "a=candidate:"). */
    public static IceCandidate parse(String value) throws SdpException {
        String v = value == null ? "" : value.trim();
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.regionMatches(true, 0, "candidate:", 0, 10)) {
            v = v.substring(10);
        }
        String[] p = v.split("\\s+");
        if (p.length < 8 || !p[6].equalsIgnoreCase("typ")) {
            throw bad(value, "expected <foundation> <component> <transport> <priority> <address> <port> typ <type>");
        }
        if (p[0].isEmpty() || p[0].length() > 32) {
            throw bad(value, "foundation \"" + p[0] + "\" must be 1 to 32 characters");
        }
        int component = (int) number(value, "component", p[1], 1, 256);
        String transport = p[2];
        if (!transport.equalsIgnoreCase("udp") && !transport.equalsIgnoreCase("tcp")) {
            throw bad(value, "unsupported transport \"" + transport + "\", expected UDP or TCP");
        }
        long priority = number(value, "priority", p[3], 0, 0xFFFF_FFFFL);
        int port = (int) number(value, "port", p[5], 0, 65535);
        String type = p[7].toLowerCase(Locale.ROOT);
        if (!type.equals("host") && !type.equals("srflx") && !type.equals("prflx") && !type.equals("relay")) {
            throw bad(value, "unknown candidate type \"" + p[7] + "\", expected host, srflx, prflx or relay");
        }
        String tcpType = null;
        for (int i = 8; i + 1 < p.length; i += 2) {
            switch (p[i].toLowerCase(Locale.ROOT)) {
                case "rport" -> number(value, "rport", p[i + 1], 0, 65535);
                case "tcptype" -> tcpType = p[i + 1].toLowerCase(Locale.ROOT);
                default -> {
                    // raddr and extension attributes: not needed to pair candidates
                }
            }
        }
        if ((p.length - 8) % 2 != 0) {
            throw bad(value, "extension \"" + p[p.length - 1] + "\" has no value");
        }
        return new IceCandidate(p[0], component, transport, priority, p[4], port, type, tcpType);
    }

    private static long number(String value, String what, String text, long min, long max) throws SdpException {
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole candidate
        }
        throw bad(value, what + " \"" + text + "\" is not a number in " + min + ".." + max);
    }

    private static SdpException bad(String value, String why) {
        return new SdpException("malformed candidate \"" + value + "\": " + why);
    }

    /**
     * The candidate value without the "candidate:" prefix. Non-host candidates get
     * "raddr 0.0.0.0 rport 0": RFC 8839 requires a related address for them, and this one (as
     * libwebrtc writes it) does not reveal the private address it came from.
     */
    public String sdp() {
        StringBuilder sb = new StringBuilder(96).append(foundation).append(' ').append(component).append(' ')
                .append(transport).append(' ').append(priority).append(' ').append(address).append(' ')
                .append(port).append(" typ ").append(type);
        if (!type.equals("host")) {
            sb.append(" raddr 0.0.0.0 rport 0");
        }
        if (tcpType != null) {
            sb.append(" tcptype ").append(tcpType);
        }
        return sb.toString();
    }
}
