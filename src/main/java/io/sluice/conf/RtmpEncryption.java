package io.sluice.conf;

import java.util.Locale;

/**
 * RtmpEncryption says which RTMP listeners run, with mediamtx's values: plain RTMP only, plain and
 * RTMPS side by side, or RTMPS only.
 */
public enum RtmpEncryption {
    NO, OPTIONAL, STRICT;

    static final String ACCEPTED = "no, optional, strict";

    static RtmpEncryption parse(String s) {
        // YAML reads a bare no as the boolean false; mediamtx configs write it that way.
        String v = s.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "no", "false" -> NO;
            case "optional" -> OPTIONAL;
            case "strict", "yes", "true" -> STRICT;
            default -> throw new BadValue("unknown rtmpEncryption '" + s + "'", ACCEPTED);
        };
    }

    /** Whether the plain RTMP listener runs. */
    public boolean plain() {
        return this != STRICT;
    }

    /** Whether the RTMPS listener runs. */
    public boolean tls() {
        return this != NO;
    }
}
