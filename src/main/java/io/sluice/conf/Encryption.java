package io.sluice.conf;

import java.util.Locale;

/**
 * Encryption says which listeners of one server run, with mediamtx's values: the plain one only (no), plain
 * and TLS side by side (optional), or TLS only (strict). RTSP and RTMP have all three; mediamtx's HTTP
 * servers (API, metrics, WebRTC) have only yes/no, which read as strict/no.
 */
public enum Encryption {
    NO, OPTIONAL, STRICT;

    static final String ACCEPTED = "no, optional, strict";
    static final String ACCEPTED_HTTP = "no, yes";

    /** Reads rtspEncryption/rtmpEncryption; key names the setting in the error. */
    static Encryption parse(String key, String s) {
        // YAML 1.1 readers turn a bare no into the boolean false; mediamtx configs write it that way.
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "no", "false" -> NO;
            case "optional" -> OPTIONAL;
            case "strict", "yes", "true" -> STRICT;
            default -> throw new BadValue("unknown " + key + " '" + s + "'", ACCEPTED);
        };
    }

    /**
     * Reads apiEncryption/metricsEncryption/webrtcEncryption, mediamtx booleans: yes serves HTTPS only on
     * the address (one port cannot be both), no plain HTTP. "strict" is taken as yes, for symmetry with
     * the RTSP/RTMP keys; "optional" would need a second address mediamtx does not have.
     */
    static Encryption parseHttp(String key, String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "no", "false" -> NO;
            case "yes", "true", "strict" -> STRICT;
            default -> throw new BadValue("unknown " + key + " '" + s + "'", ACCEPTED_HTTP);
        };
    }

    /** Whether the plain listener runs. */
    public boolean plain() {
        return this != STRICT;
    }

    /** Whether the TLS listener runs. */
    public boolean tls() {
        return this != NO;
    }

    /** As written in the YAML file: no, optional, strict. */
    public String yaml() {
        return name().toLowerCase(Locale.ROOT);
    }
}
