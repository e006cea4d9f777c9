package io.sluice.protocol.webrtc;

import io.sluice.stream.Format;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * H264ProfileLevel is an H.264 profile-level-id (RFC 6184 §8.1): profile_idc, the constraint-flag
 * byte ("profile-iop") and level_idc, classified into the profiles WebRTC peers negotiate.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">RFC 6184 §8.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7742#section-6.2">RFC 7742 §6.2</a>
 */
record H264ProfileLevel(int profileIdc, int iop, int levelIdc) {

    /** Profiles in the sense of RFC 6184 Table 5: constraint flags matter (42e0 and 42c0 are both CB). */
    enum Profile { CONSTRAINED_BASELINE, BASELINE, MAIN, EXTENDED, CONSTRAINED_HIGH, HIGH, HIGH_10, HIGH_422,
        HIGH_444, UNKNOWN }

    /** Parses a 6-hex-digit profile-level-id; null when absent or malformed. */
    static H264ProfileLevel parse(String hex) {
        if (hex == null || hex.length() != 6) {
            return null;
        }
        try {
            byte[] b = HexFormat.of().parseHex(hex);
            return new H264ProfileLevel(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The profile and level of a stream format: its profile-level-id, else bytes 1..3 of the first SPS
     * in sprop-parameter-sets (the same three fields, RFC 6184 §8.1); null when neither is usable.
     */
    static H264ProfileLevel of(Format f) {
        H264ProfileLevel pl = parse(f.fmtpParam("profile-level-id"));
        if (pl != null) {
            return pl;
        }
        String sprop = f.fmtpParam("sprop-parameter-sets");
        if (sprop == null) {
            return null;
        }
        for (String set : sprop.split(",")) {
            try {
                byte[] nal = Base64.getDecoder().decode(set.trim());
                if (nal.length >= 4 && (nal[0] & 0x1f) == 7) {
                    return new H264ProfileLevel(nal[1] & 0xff, nal[2] & 0xff, nal[3] & 0xff);
                }
            } catch (IllegalArgumentException e) {
                return null; // a broken sprop is treated as absent: the stream's fmtp is not ours to reject
            }
        }
        return null;
    }

    Profile profile() {
        return switch (profileIdc) {
            case 0x42 -> (iop & 0x40) != 0 ? Profile.CONSTRAINED_BASELINE : Profile.BASELINE;
            // Main or Extended with constraint_set0 also conform to Baseline, and with set1 to Main
            case 0x4d -> (iop & 0x80) != 0 ? Profile.CONSTRAINED_BASELINE : Profile.MAIN;
            case 0x58 -> (iop & 0xc0) == 0xc0 ? Profile.CONSTRAINED_BASELINE
                    : (iop & 0x80) != 0 ? Profile.BASELINE : Profile.EXTENDED;
            case 0x64 -> (iop & 0x0c) == 0x0c ? Profile.CONSTRAINED_HIGH : Profile.HIGH;
            case 0x6e -> Profile.HIGH_10;
            case 0x7a -> Profile.HIGH_422;
            case 0xf4 -> Profile.HIGH_444;
            default -> Profile.UNKNOWN;
        };
    }

    /** Same profile (constraint-aware); unknown profiles compare by profile_idc. */
    boolean sameProfile(H264ProfileLevel o) {
        Profile p = profile();
        return p == o.profile() && (p != Profile.UNKNOWN || profileIdc == o.profileIdc);
    }

    /**
     * True when a decoder of {@code receiver}'s profile must decode this profile's bitstreams by
     * H.264 Annex A (e.g. a High decoder decodes Main and Constrained Baseline). Chromium builds
     * without a High encoder offer only 42xx, 4d00 and f400, yet decode High with ffmpeg.
     *
     * <p>One deliberate stretch: High is accepted by a Constrained High (640c) receiver. libwebrtc
     * advertises 640c for decoders that decode High, and a stream's SPS rarely sets the constraint
     * flags even when it has no B-frames (x264 zerolatency writes 6400xx); exact matches still win.
     */
    boolean decodableBy(H264ProfileLevel receiver) {
        if (sameProfile(receiver)) {
            return true;
        }
        Profile r = receiver.profile();
        return switch (profile()) {
            case CONSTRAINED_BASELINE -> r != Profile.UNKNOWN;
            case BASELINE -> r == Profile.EXTENDED;
            case MAIN, CONSTRAINED_HIGH -> r == Profile.HIGH || r == Profile.HIGH_10 || r == Profile.HIGH_422
                    || r == Profile.HIGH_444;
            case HIGH -> r == Profile.CONSTRAINED_HIGH || r == Profile.HIGH_10 || r == Profile.HIGH_422 || r == Profile.HIGH_444;
            case HIGH_10 -> r == Profile.HIGH_422 || r == Profile.HIGH_444;
            case HIGH_422 -> r == Profile.HIGH_444;
            case EXTENDED, HIGH_444, UNKNOWN -> false;
        };
    }

    /**
     * A number that orders levels: level_idc times 2, with level 1b (idc 11 plus constraint_set3 in
     * Baseline/Main/Extended, or idc 9) between levels 1 and 1.1.
     */
    int levelRank() {
        boolean oneB = levelIdc == 9 || levelIdc == 11 && (iop & 0x10) != 0
                && (profileIdc == 0x42 || profileIdc == 0x4d || profileIdc == 0x58);
        return oneB ? 21 : levelIdc * 2;
    }

    /** The 6-hex-digit profile-level-id in lower case. */
    String hex() {
        return String.format(Locale.ROOT, "%02x%02x%02x", profileIdc, iop, levelIdc);
    }
}
