package io.sluice.protocol.sdp;

import java.util.Objects;

/**
 * SdpAttribute is one SDP {@code a=} line (RFC 8866 §5.13): a name and a value, or a null value for
 * property (flag) attributes such as {@code a=recvonly}.
 */
public record SdpAttribute(String name, String value) {

    public SdpAttribute {
        Objects.requireNonNull(name, "name");
    }

    /** A property attribute without a value. */
    public static SdpAttribute flag(String name) {
        return new SdpAttribute(name, null);
    }

    static SdpAttribute parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new SdpAttribute(text.trim(), null);
        }
        return new SdpAttribute(text.substring(0, colon).trim(), text.substring(colon + 1).trim());
    }

    /** The text after {@code a=}. */
    public String format() {
        return value == null ? name : name + ":" + value;
    }
}
