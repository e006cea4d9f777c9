package io.sluice.protocol.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * RtspTransportHeader is one transport alternative of an RTSP {@code Transport:} header
 * (RFC 2326 §12.39), e.g. {@code RTP/AVP/TCP;unicast;interleaved=0-1;mode=record}.
 *
 * <p>Parsing accepts real-world variants: {@code RTP/AVP/UDP} and {@code RTP/AVP} alike, a quoted or
 * lower-case mode ({@code mode="PLAY"}, GStreamer), a missing unicast/multicast (unicast is the
 * default), a single port ({@code client_port=5000} means 5000-5001), and an ssrc padded with spaces
 * or shorter than 8 hex digits (Hikvision). {@link #format()} writes a canonical form.
 *
 * @param profile the transport protocol and profile, e.g. "RTP/AVP", "RTP/SAVP"
 * @param lower UDP or TCP (interleaved)
 * @param multicast true for multicast delivery
 * @param destination the destination parameter (value may be "" when given bare), or null
 * @param source the source parameter, or null
 * @param interleaved the interleaved channel pair, or null
 * @param clientPort the client RTP/RTCP ports, or null
 * @param serverPort the server RTP/RTCP ports, or null
 * @param ssrc the SSRC, or null
 * @param mode PLAY or RECORD, or null when absent (RFC default: PLAY)
 * @param otherParams unrecognised parameters (ttl, port, layers, append...) verbatim
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-12.39">RFC 2326 §12.39</a>
 */
public record RtspTransportHeader(String profile, Lower lower, boolean multicast, String destination,
        String source, PortRange interleaved, PortRange clientPort, PortRange serverPort, Long ssrc, Mode mode,
        List<String> otherParams) {

    /** Lower transport of RTP packets. */
    public enum Lower { UDP, TCP }

    /** Direction of the media. */
    public enum Mode { PLAY, RECORD }

    /**
     * PortRange is an RTP/RTCP pair of ports or interleaved channels.
     *
     * @param rtp the RTP port or channel
     * @param rtcp the RTCP port or channel
     */
    public record PortRange(int rtp, int rtcp) {
        @Override
        public String toString() {
            return rtp + "-" + rtcp;
        }
    }

    public RtspTransportHeader {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(lower, "lower");
        otherParams = List.copyOf(otherParams);
    }

    /** A unicast TCP-interleaved transport on channels {@code rtpChannel} and {@code rtpChannel + 1}. */
    public static RtspTransportHeader interleaved(int rtpChannel, Mode mode) {
        return new RtspTransportHeader("RTP/AVP", Lower.TCP, false, null, null,
                new PortRange(rtpChannel, rtpChannel + 1), null, null, null, mode, List.of());
    }

    /** A unicast UDP transport with these client ports. */
    public static RtspTransportHeader udp(PortRange clientPort, Mode mode) {
        return new RtspTransportHeader("RTP/AVP", Lower.UDP, false, null, null, null, clientPort, null, null,
                mode, List.of());
    }

    /** This transport with the server ports set (a server's SETUP answer). */
    public RtspTransportHeader withServerPort(PortRange ports) {
        return new RtspTransportHeader(profile, lower, multicast, destination, source, interleaved, clientPort,
                ports, ssrc, mode, otherParams);
    }

    /** This transport with the interleaved channels set (a server's choice when the client gave none). */
    public RtspTransportHeader withInterleaved(PortRange channels) {
        return new RtspTransportHeader(profile, lower, multicast, destination, source, channels, clientPort,
                serverPort, ssrc, mode, otherParams);
    }

    /** This transport with the ssrc set. */
    public RtspTransportHeader withSsrc(Long newSsrc) {
        return new RtspTransportHeader(profile, lower, multicast, destination, source, interleaved, clientPort,
                serverPort, newSsrc, mode, otherParams);
    }

    /** The mode, PLAY when absent (RFC 2326 §12.39 default). */
    public Mode modeOrDefault() {
        return mode == null ? Mode.PLAY : mode;
    }

    /**
     * All comma-separated alternatives of a Transport header value, in the client's preference order.
     *
     * @throws RtspProtocolException (status 461) naming the bad alternative or parameter
     */
    public static List<RtspTransportHeader> parseAll(String headerValue) {
        List<RtspTransportHeader> out = new ArrayList<>(1);
        for (String alt : splitOutsideQuotes(headerValue, ',')) {
            if (!alt.isBlank()) {
                out.add(parse(alt));
            }
        }
        if (out.isEmpty()) {
            throw new RtspProtocolException(RtspStatus.UNSUPPORTED_TRANSPORT, "empty Transport header");
        }
        return out;
    }

    /** Parses one alternative (no top-level commas). */
    public static RtspTransportHeader parse(String spec) {
        List<String> parts = splitOutsideQuotes(spec, ';');
        String transport = parts.getFirst().trim();
        String[] tp = transport.split("/");
        if (tp.length < 2 || tp.length > 3) {
            throw new RtspProtocolException(RtspStatus.UNSUPPORTED_TRANSPORT, "invalid transport \"" + transport
                    + "\" in \"" + spec.trim() + "\", expected RTP/AVP[/UDP|/TCP]");
        }
        String profile = tp[0].toUpperCase(Locale.ROOT) + "/" + tp[1].toUpperCase(Locale.ROOT);
        Lower lower = Lower.UDP;
        if (tp.length == 3) {
            lower = switch (tp[2].toUpperCase(Locale.ROOT)) {
                case "UDP" -> Lower.UDP;
                case "TCP" -> Lower.TCP;
                default -> throw new RtspProtocolException(RtspStatus.UNSUPPORTED_TRANSPORT, "invalid lower transport \""
                        + tp[2] + "\" in \"" + transport + "\", expected UDP or TCP");
            };
        }
        boolean multicast = false;
        String destination = null;
        String source = null;
        PortRange interleaved = null;
        PortRange clientPort = null;
        PortRange serverPort = null;
        Long ssrc = null;
        Mode mode = null;
        List<String> others = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : unquote(p.substring(eq + 1).trim());
            switch (key) {
                case "unicast" -> multicast = false;
                case "multicast" -> multicast = true;
                case "destination" -> destination = value;
                case "source" -> source = value;
                case "interleaved" -> interleaved = range(key, value, 255);
                case "client_port" -> clientPort = range(key, value, 65535);
                case "server_port" -> serverPort = range(key, value, 65535);
                case "ssrc" -> {
                    ssrc = parseSsrc(value);
                    if (ssrc == null) {
                        others.add(p); // an unreadable ssrc is informational only: keep it, do not fail SETUP
                    }
                }
                case "mode" -> mode = parseMode(value);
                default -> others.add(p);
            }
        }
        return new RtspTransportHeader(profile, lower, multicast, destination, source, interleaved, clientPort,
                serverPort, ssrc, mode, others);
    }

    /** The header text of this alternative. */
    public String format() {
        StringBuilder sb = new StringBuilder(64).append(profile);
        if (lower == Lower.TCP) {
            sb.append("/TCP");
        }
        sb.append(multicast ? ";multicast" : ";unicast");
        if (destination != null) {
            sb.append(destination.isEmpty() ? ";destination" : ";destination=" + destination);
        }
        if (source != null) {
            sb.append(";source=").append(source);
        }
        if (interleaved != null) {
            sb.append(";interleaved=").append(interleaved);
        }
        if (clientPort != null) {
            sb.append(";client_port=").append(clientPort);
        }
        if (serverPort != null) {
            sb.append(";server_port=").append(serverPort);
        }
        for (String o : otherParams) {
            sb.append(';').append(o);
        }
        if (ssrc != null) {
            sb.append(";ssrc=").append(String.format("%08X", ssrc));
        }
        if (mode != null) {
            sb.append(";mode=").append(mode == Mode.RECORD ? "record" : "play");
        }
        return sb.toString();
    }

    /** Several alternatives as one header value. */
    public static String formatAll(List<RtspTransportHeader> alternatives) {
        StringBuilder sb = new StringBuilder();
        for (RtspTransportHeader t : alternatives) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(t.format());
        }
        return sb.toString();
    }

    private static PortRange range(String key, String value, int max) {
        int dash = value.indexOf('-');
        try {
            int a = Integer.parseInt((dash < 0 ? value : value.substring(0, dash)).trim());
            int b = dash < 0 ? a + 1 : Integer.parseInt(value.substring(dash + 1).trim());
            if (a < 0 || b < 0 || a > max || b > max + 1) {
                throw new NumberFormatException();
            }
            return new PortRange(a, b);
        } catch (NumberFormatException e) {
            throw new RtspProtocolException(RtspStatus.UNSUPPORTED_TRANSPORT, "invalid " + key + " \"" + value
                    + "\", expected <n>[-<n>] with n in 0.." + max);
        }
    }

    private static Long parseSsrc(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.length() > 8) {
            return null;
        }
        try {
            return Long.parseLong(v, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Mode parseMode(String value) {
        // RFC 2326 writes mode="PLAY"; ffmpeg sends mode=record, GStreamer mode=RECORD
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "PLAY" -> Mode.PLAY;
            case "RECORD", "RECEIVE" -> Mode.RECORD;
            default -> throw new RtspProtocolException(RtspStatus.UNSUPPORTED_TRANSPORT, "invalid mode \"" + value
                    + "\", expected PLAY or RECORD");
        };
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"'
                ? v.substring(1, v.length() - 1) : v;
    }

    static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
