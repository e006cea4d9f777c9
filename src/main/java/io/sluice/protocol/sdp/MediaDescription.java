package io.sluice.protocol.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * MediaDescription is one SDP media section (RFC 8866 §5.14): the {@code m=} line and the lines that
 * follow it up to the next {@code m=}, kept in order.
 *
 * @param media media type as written ("video", "audio", "application", ...)
 * @param port transport port (0 in RTSP, where SETUP negotiates transport)
 * @param portCount the optional "/n" port count, 0 when absent
 * @param proto transport protocol, e.g. "RTP/AVP"
 * @param formats the fmt list as raw strings: payload types for RTP, or e.g. "webrtc-datachannel"
 * @param information the {@code i=} value, or null
 * @param connection the {@code c=} value, or null
 * @param bandwidths the {@code b=} values in order
 * @param attributes the {@code a=} lines in order
 * @param otherLines any other lines (e.g. the obsolete {@code k=}) as raw "x=value" text
 */
public record MediaDescription(String media, int port, int portCount, String proto, List<String> formats,
        String information, String connection, List<String> bandwidths, List<SdpAttribute> attributes,
        List<String> otherLines) {

    public MediaDescription {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(proto, "proto");
        formats = List.copyOf(formats);
        bandwidths = List.copyOf(bandwidths);
        attributes = List.copyOf(attributes);
        otherLines = List.copyOf(otherLines);
    }

    /** A media section with just an m= line and attributes. */
    public MediaDescription(String media, int port, String proto, List<String> formats, List<SdpAttribute> attributes) {
        this(media, port, 0, proto, formats, null, null, List.of(), attributes, List.of());
    }

    /** The numeric entries of {@link #formats()} (RTP payload types); non-numeric entries are skipped. */
    public List<Integer> payloadTypes() {
        List<Integer> pts = new ArrayList<>(formats.size());
        for (String f : formats) {
            Integer pt = parsePayloadType(f);
            if (pt != null) {
                pts.add(pt);
            }
        }
        return pts;
    }

    /** The value of the first attribute with this name (case-insensitive), or null. */
    public String attribute(String name) {
        return SessionDescription.firstValue(attributes, name);
    }

    /** The values of all attributes with this name (case-insensitive), in order. */
    public List<String> attributes(String name) {
        return SessionDescription.allValues(attributes, name);
    }

    /** The {@code a=control} value, or "" when absent. */
    public String control() {
        String c = attribute("control");
        return c == null ? "" : c;
    }

    static Integer parsePayloadType(String f) {
        if (f.isEmpty() || f.length() > 3) {
            return null;
        }
        int v = 0;
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 127 ? v : null;
    }

    void format(StringBuilder sb) {
        sb.append("m=").append(media).append(' ').append(port);
        if (portCount > 0) {
            sb.append('/').append(portCount);
        }
        sb.append(' ').append(proto);
        for (String f : formats) {
            sb.append(' ').append(f);
        }
        sb.append("\r\n");
        SessionDescription.line(sb, 'i', information);
        SessionDescription.line(sb, 'c', connection);
        for (String b : bandwidths) {
            SessionDescription.line(sb, 'b', b);
        }
        for (String o : otherLines) {
            sb.append(o).append("\r\n");
        }
        for (SdpAttribute a : attributes) {
            SessionDescription.line(sb, 'a', a.format());
        }
    }
}
