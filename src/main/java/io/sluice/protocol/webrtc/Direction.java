package io.sluice.protocol.webrtc;

import java.util.Locale;

/**
 * Direction is the media direction attribute of an m= section (RFC 8866 §6.7, RFC 3264 §6.1), seen
 * from the endpoint that wrote the SDP.
 */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The direction named by an attribute ("sendonly", ...), or null when the name is not a direction. */
    public static Direction fromAttribute(String name) {
        for (Direction d : values()) {
            if (d.sdp().equalsIgnoreCase(name)) {
                return d;
            }
        }
        return null;
    }

    /** The attribute name, e.g. "recvonly". */
    public String sdp() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the writer of the SDP sends media in this section. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** True when the writer of the SDP receives media in this section. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
